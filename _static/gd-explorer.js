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
//   this script decompresses that record and paints it over the setting's
//   background picture.  It draws; every number comes from Python.  A prefix
//   control (steps) picks a prefix of the run.
// * snapshot: shows the stored picture of the current setting.
(function () {
  "use strict";

  var FONT = '"DejaVu Sans", "Bitstream Vera Sans", Verdana, Geneva, sans-serif';
  var HIDDEN = 0, SAME = -1;

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

  // -- decoding ---------------------------------------------------------------
  function bytesOf(base64) {
    var text = atob(base64), out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { out[i] = text.charCodeAt(i); }
    return out;
  }

  function gunzip(base64) {
    var stream = new Blob([bytesOf(base64)]).stream()
      .pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).arrayBuffer().then(function (b) { return new Uint8Array(b); });
  }

  // Zig-zag varint differences -> the integers (gdcourse.widgets.overlay.pack).
  function unpack(bytes) {
    var out = [], value = 0, shift = 0, total = 0;
    for (var i = 0; i < bytes.length; i++) {
      var b = bytes[i];
      value += (b & 0x7f) * Math.pow(2, shift);
      shift += 7;
      if (b < 0x80) {
        total += (value % 2) ? -(value + 1) / 2 : value / 2;
        out.push(total);
        value = 0; shift = 0;
      }
    }
    return Float64Array.from(out);
  }

  // "M1L3Z1" -> ["M", "L", "L", "L", "Z"]
  function letters(runs) {
    var out = [], re = /([MLQCZ])(\d+)/g, m;
    while ((m = re.exec(runs)) !== null) {
      for (var i = 0; i < Number(m[2]); i++) { out.push(m[1]); }
    }
    return out;
  }

  // -- painting ---------------------------------------------------------------
  // Trace `codes` over vertices (x, y) = get(j), j < limit.
  function trace(ctx, codes, get, limit) {
    ctx.beginPath();
    var j = 0;
    for (var i = 0; i < codes.length; i++) {
      var c = codes[i], need = c === "Q" ? 2 : c === "C" ? 3 : c === "Z" ? 0 : 1;
      if (j + need > limit) { break; }
      if (c === "Z") { ctx.closePath(); continue; }
      var p = get(j);
      if (c === "M") { ctx.moveTo(p[0], p[1]); }
      else if (c === "L") { ctx.lineTo(p[0], p[1]); }
      else if (c === "Q") { var q = get(j + 1); ctx.quadraticCurveTo(p[0], p[1], q[0], q[1]); }
      else { var r = get(j + 1), s = get(j + 2); ctx.bezierCurveTo(p[0], p[1], r[0], r[1], s[0], s[1]); }
      j += need;
    }
  }

  function applyStyle(ctx, style) {
    if (style.stroke) {
      ctx.strokeStyle = style.stroke;
      ctx.lineWidth = style.lw;
      ctx.lineCap = style.cap || "butt";
      ctx.lineJoin = style.join || "miter";
      ctx.setLineDash(style.dash || []);
      ctx.lineDashOffset = style.dashOffset || 0;
    }
    if (style.fill) { ctx.fillStyle = style.fill; }
  }

  function finish(ctx, style) {
    if (style.fill) { ctx.fill(); }
    if (style.stroke) { ctx.stroke(); }
  }

  function Painter(canvas, form, ints, backgrounds, size) {
    this.canvas = canvas;
    this.form = form;
    this.ints = ints;
    this.backgrounds = backgrounds;
    this.size = size;
    this.codes = {};
  }

  Painter.prototype.vertex = function (start) {
    var ints = this.ints, scale = this.form.scale;
    return function (j) { return [ints[2 * (start + j)] / scale, ints[2 * (start + j) + 1] / scale]; };
  };

  Painter.prototype.letters = function (runs) {
    if (!this.codes[runs]) { this.codes[runs] = letters(runs); }
    return this.codes[runs];
  };

  // How many vertices of `op` draw its line's first `points` points (null: all).
  function vertices(op, points) {
    if (points === null) { return op.v[1]; }
    if (points <= 0) { return 0; }
    return op.u ? op.u[Math.min(points, op.u.length) - 1] : Math.min(points, op.v[1]);
  }

  Painter.prototype.op = function (ctx, op, points) {
    var form = this.form, scale = form.scale;
    ctx.save();
    if (op.c !== null && op.c !== undefined) {
      var c = form.clips[op.c];
      ctx.beginPath();
      ctx.rect(c[0], c[1], c[2], c[3]);
      ctx.clip();
    }
    if (op.k === "t") {
      var font = form.fonts[op.f];
      ctx.font = font.style + " " + font.weight + " " + font.size + "px " + FONT;
      ctx.fillStyle = op.fill;
      ctx.textBaseline = "alphabetic";
      ctx.textAlign = "left";
      ctx.translate(op.x / scale, op.y / scale);
      ctx.rotate(-op.a * Math.PI / 180);
      var measured = ctx.measureText(op.t).width, wanted = op.w / scale;
      if (measured > 0 && wanted > 0) { ctx.scale(wanted / measured, 1); }
      ctx.fillText(op.t, 0, 0);
    } else {
      var style = form.styles[op.s];
      applyStyle(ctx, style);
      var n = vertices(op, points), codes = this.letters(op.d);
      if (op.k === "p") {
        trace(ctx, codes, this.vertex(op.v[0]), n);
        finish(ctx, style);
      } else {
        var shape = op.shape;
        var outline = function (j) { return [shape[2 * j] / scale, shape[2 * j + 1] / scale]; };
        var at = this.vertex(op.v[0]);
        for (var i = 0; i < n; i++) {
          var p = at(i);
          ctx.save();
          ctx.translate(p[0], p[1]);
          trace(ctx, codes, outline, shape.length / 2);
          finish(ctx, style);
          ctx.restore();
        }
      }
    }
    ctx.restore();
  };

  // Paint `frame` with the prefix control's step `step` (or null for none).
  Painter.prototype.paint = function (frame, step) {
    var canvas = this.canvas, ratio = window.devicePixelRatio || 1;
    var w = this.size[0], h = this.size[1];
    if (canvas.width !== Math.round(w * ratio)) {
      canvas.width = Math.round(w * ratio);
      canvas.height = Math.round(h * ratio);
    }
    var ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.drawImage(this.backgrounds[frame.b], 0, 0, w, h);
    var self = this;
    frame.o.forEach(function (ops, i) {
      var state = step ? step.a[i] : SAME;
      if (state === HIDDEN) { return; }
      if (Array.isArray(state)) {
        state.forEach(function (op) { self.op(ctx, op, null); });
      } else {
        ops.forEach(function (op) { self.op(ctx, op, state === SAME ? null : state); });
      }
    });
  };

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
    if (typeof DecompressionStream === "undefined") { return Promise.resolve(); }
    return Promise.all([gunzip(data.form), gunzip(data.ints), loadImages(data.backgrounds)])
      .then(function (parts) {
        var form = JSON.parse(new TextDecoder().decode(parts[0]));
        var size = [Number(img.getAttribute("width")), Number(img.getAttribute("height"))];
        var canvas = element("canvas", "gd-frame gd-canvas");
        canvas.setAttribute("role", "img");
        canvas.style.aspectRatio = size[0] + " / " + size[1];
        canvas.style.width = size[0] + "px";
        var painter = new Painter(canvas, form, unpack(parts[1]), parts[2], size);
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
          painter.paint(frame, step);
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

  function wire(root) {
    var blob = root.querySelector("script.gd-explorer-data");
    var img = root.querySelector("img.gd-frame");
    if (!blob || !img || root.hasAttribute("data-gd-ready")) { return; }
    root.setAttribute("data-gd-ready", "");
    var data = JSON.parse(blob.textContent);
    if (data.form) {
      wireDense(root, data, img).catch(function (error) {
        root.setAttribute("data-gd-error", String(error));
      });
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
