// Static explorers.  The stored HTML shows one frame and a note; the controls
// and every precomputed frame come as JSON in <script type="application/json"
// class="gd-explorer-data">.  This script builds one labelled control per
// entry, shows the frame whose key lists the chosen value indices ("2|0|1"),
// announces its status politely, and swaps the note for the site's own.
(function () {
  "use strict";

  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function control(spec) {
    var label = element("label", "gd-control");
    label.appendChild(document.createTextNode(spec.label + " "));
    var input, output = null;
    if (spec.kind === "select") {
      input = element("select");
      spec.labels.forEach(function (text, k) {
        var option = element("option", "", text);
        option.value = String(k);
        input.appendChild(option);
      });
    } else {
      input = element("input");
      input.type = "range";
      input.min = "0";
      input.max = String(spec.labels.length - 1);
      input.step = "1";
      input.disabled = spec.labels.length === 1;
      output = element("output");
    }
    input.value = String(spec.value);
    input.setAttribute("data-control", spec.name);
    label.appendChild(input);
    if (output) {
      label.appendChild(document.createTextNode(" "));
      label.appendChild(output);
    }
    return { label: label, input: input, output: output, labels: spec.labels };
  }

  function wire(root) {
    var blob = root.querySelector("script.gd-explorer-data");
    var img = root.querySelector("img.gd-frame");
    if (!blob || !img || root.hasAttribute("data-gd-ready")) { return; }
    var data = JSON.parse(blob.textContent);
    var box = element("div", "gd-explorer-controls");
    var controls = data.controls.map(control);
    controls.forEach(function (c) { box.appendChild(c.label); });
    var frames = root.querySelector(".gd-explorer-frames") || img;
    root.insertBefore(box, frames);
    var status = element("p", "gd-explorer-status");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    frames.parentNode.insertBefore(status, frames.nextSibling);
    var note = root.querySelector(".gd-explorer-note");
    if (note) { note.hidden = true; }
    var siteNote = element("p", "gd-explorer-site-note", data.note);
    root.insertBefore(siteNote, blob);

    function show() {
      var key = controls.map(function (c) { return c.input.value; }).join("|");
      controls.forEach(function (c) {
        var text = c.labels[Number(c.input.value)];
        if (c.output) { c.output.textContent = text; }
        if (c.input.type === "range") { c.input.setAttribute("aria-valuetext", text); }
      });
      var frame = data.frames[key];
      if (!frame) { return; }
      if (img.getAttribute("data-key") !== key) {
        img.src = frame.src;
        img.alt = frame.alt;
        img.setAttribute("data-key", key);
      }
      status.textContent = frame.status;
    }
    controls.forEach(function (c) {
      c.input.addEventListener("input", show);
      c.input.addEventListener("change", show);
    });
    root.setAttribute("data-gd-ready", "");
    show();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".gd-explorer"), wire);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
