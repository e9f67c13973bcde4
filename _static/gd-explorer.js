// Static explorers: each control picks one value index; the frame whose
// data-key lists the chosen indices ("2|0|1") is shown, the others hidden.
(function () {
  "use strict";
  function wire(root) {
    var controls = Array.prototype.slice.call(root.querySelectorAll("[data-control]"));
    var frames = Array.prototype.slice.call(root.querySelectorAll(".gd-frame"));
    function show() {
      var key = controls.map(function (c) { return c.value; }).join("|");
      controls.forEach(function (c) {
        var out = c.parentElement.querySelector("output");
        if (out && c.dataset.labels) { out.textContent = JSON.parse(c.dataset.labels)[Number(c.value)]; }
      });
      frames.forEach(function (f) { f.classList.toggle("gd-active", f.dataset.key === key); });
    }
    controls.forEach(function (c) {
      c.addEventListener("input", show);
      c.addEventListener("change", show);
    });
    show();
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".gd-explorer"), wire);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
