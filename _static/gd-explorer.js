// Static explorers.  The stored HTML shows one frame and a note; the data for
// the site comes as JSON in <script type="application/json"
// class="gd-explorer-data">.  This script builds one labelled control per
// entry and announces the status politely.
//
// The format of that data: docs/static-form.md.
//
// Two forms (gdcourse.widgets.base.Explorer.to_html):
// * dense: a canvas.  Python computed every setting of a grid and recorded
//   what the changing artists draw (gdcourse.widgets.overlay, .static_form);
//   the painter (gdPainter, gdcourse/widgets/js/painter.js, loaded before this
//   script; the same module paints the live explorers in Jupyter) decompresses
//   that record and paints it over the setting's background picture.  This
//   script builds the controls and picks the frame: a prefix control (steps)
//   picks a prefix of the run.
// * snapshot: shows the stored picture of the current setting.
//
// On the course site a dense explorer's data is in a file of its own (the
// page keeps its title, controls and note, and "src", the file's address;
// book/_ext/gd_site.py): a script calling gdExplorerData(name, data), loaded
// once the explorer comes into view, so a page loads only the explorers a
// reader scrolls to, from a static host or from disk alike.
(function () {
  "use strict";

  var painter = window.gdPainter;

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
    return { spec: spec, label: label, input: input, output: output, labels: spec.labels };
  }

  // -- wiring -------------------------------------------------------------------
  function loadImages(sources) {
    return Promise.all(sources.map(function (src) {
      return new Promise(function (resolve, reject) {
        var image = new Image();
        image.onload = function () { resolve(image); };
        image.onerror = reject;
        image.src = src;
      });
    }));
  }

  function build(root, data, img) {
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
    var blob = root.querySelector("script.gd-explorer-data");
    root.insertBefore(element("p", "gd-explorer-site-note", data.note), blob);
    controls.forEach(function (c) {
      var text = function () {
        var t = c.labels[Number(c.input.value)];
        if (c.output) { c.output.textContent = t; }
        if (c.input.type === "range") { c.input.setAttribute("aria-valuetext", t); }
      };
      c.input.addEventListener("input", text);
      text();
    });
    return { controls: controls, status: status, frames: frames };
  }

  // The figure's description, worded as gdcourse.widgets.base.Explorer._alt.
  function describe(title, controls, status) {
    var described = controls.map(function (c) {
      return c.spec.label + " " + c.labels[Number(c.input.value)];
    }).join(", ");
    return (title + ": " + described + ". " + status).trim();
  }

  function wireSnapshot(root, data, img) {
    var ui = build(root, data, img);
    function show() {
      var key = ui.controls.map(function (c) { return c.input.value; }).join("|");
      var frame = data.frames[key];
      if (!frame) { return; }
      if (img.getAttribute("data-key") !== key) {
        img.src = frame.src;
        img.alt = frame.alt;
        img.setAttribute("data-key", key);
      }
      ui.status.textContent = frame.status;
    }
    ui.controls.forEach(function (c) {
      c.input.addEventListener("input", show);
      c.input.addEventListener("change", show);
    });
    show();
  }

  function wireDense(root, data, img) {
    if (typeof DecompressionStream === "undefined" || !painter) { return Promise.resolve(); }
    return Promise.all([
      painter.gunzip(data.form), painter.gunzip(data.ints), loadImages(data.backgrounds)
    ])
      .then(function (parts) {
        var form = JSON.parse(new TextDecoder().decode(parts[0]));
        var size = [Number(img.getAttribute("width")), Number(img.getAttribute("height"))];
        var canvas = element("canvas", "gd-frame gd-canvas");
        canvas.setAttribute("role", "img");
        canvas.style.aspectRatio = size[0] + " / " + size[1];
        canvas.style.width = size[0] + "px";
        var backgrounds = parts[2];
        var paint = new painter.Painter(canvas, form, painter.unpack(parts[1]), size);
        var ui = build(root, data, img);
        img.classList.remove("gd-active");
        img.hidden = true;
        ui.frames.appendChild(canvas);
        var grid = ui.controls.filter(function (c) { return !c.spec.run; });
        var run = ui.controls.filter(function (c) { return c.spec.run; })[0];
        function show() {
          var key = grid.map(function (c) { return c.input.value; }).join("|");
          var frame = form.frames[key];
          if (typeof frame === "string") { frame = form.frames[frame]; }
          if (!frame) { return; }
          var step = run ? frame.steps[Number(run.input.value)] : null;
          var text = step ? step.st : frame.st;
          paint.paint(frame, step, backgrounds[frame.b]);
          canvas.setAttribute("data-key", key + (run ? "#" + run.input.value : ""));
          canvas.setAttribute("aria-label", describe(data.title, ui.controls, text));
          ui.status.textContent = text;
        }
        ui.controls.forEach(function (c) {
          c.input.addEventListener("input", show);
          c.input.addEventListener("change", show);
        });
        show();
        root.setAttribute("data-gd-dense", "");
      });
  }

  // -- data loading -------------------------------------------------------------
  // Name of a data file -> the callbacks waiting for it (one script per file).
  var waiting = {};
  window.gdExplorerData = function (name, data) {
    var callbacks = waiting[name] || [];
    delete waiting[name];
    callbacks.forEach(function (c) { c.resolve(data); });
  };

  function loadData(src) {
    var name = src.replace(/^.*\//, "").replace(/\.js$/, "");
    return new Promise(function (resolve, reject) {
      if (waiting[name]) { waiting[name].push({ resolve: resolve, reject: reject }); return; }
      waiting[name] = [{ resolve: resolve, reject: reject }];
      var script = element("script");
      function fail() {
        var callbacks = waiting[name] || [];
        delete waiting[name];
        callbacks.forEach(function (c) { c.reject(new Error("no explorer data in " + src)); });
      }
      // after the script ran: still waiting means it held no data
      script.onload = fail;
      script.onerror = fail;
      script.src = src;
      document.head.appendChild(script);
    });
  }

  // Call start() once root is in view (or about to be), at once without an observer.
  function whenVisible(root, start) {
    if (typeof IntersectionObserver === "undefined") { start(); return; }
    var observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) {
        observer.disconnect();
        start();
      }
    }, { rootMargin: "200px 0px" });
    observer.observe(root);
  }

  function wire(root) {
    var blob = root.querySelector("script.gd-explorer-data");
    var img = root.querySelector("img.gd-frame");
    if (!blob || !img || root.hasAttribute("data-gd-ready")) { return; }
    root.setAttribute("data-gd-ready", "");
    var data = JSON.parse(blob.textContent);
    function fail(error) { root.setAttribute("data-gd-error", String(error)); }
    if (data.src) {
      whenVisible(root, function () {
        loadData(data.src).then(function (rest) {
          Object.keys(rest).forEach(function (k) { data[k] = rest[k]; });
          return wireDense(root, data, img);
        }).catch(fail);
      });
    } else if (data.form) {
      wireDense(root, data, img).catch(fail);
    } else {
      wireSnapshot(root, data, img);
    }
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
