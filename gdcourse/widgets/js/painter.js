// The painter of the course's explorers: it paints the vector operations that
// Python recorded (gdcourse.widgets.overlay) over a background picture, on a
// canvas at the screen's pixel ratio.  It draws; every number comes from Python.
//
// One file, two hosts:
// * the course site loads it as a classic script before _static/gd-explorer.js
//   (which builds the controls and loads the data); it defines one global,
//   gdPainter;
// * in Jupyter, gdcourse.widgets.painter reads this text and appends its widget
//   front end to it, so the same text is the start of an ES module, where
//   gdPainter is the module's own binding.
//
// The format of the operations, styles and packed coordinates:
// docs/static-form.md.
var gdPainter = (function () {
  "use strict";

  var FONT = '"DejaVu Sans", "Bitstream Vera Sans", Verdana, Geneva, sans-serif';
  var HIDDEN = 0, SAME = -1;

  // -- decoding ---------------------------------------------------------------
  function bytesOf(base64) {
    var text = atob(base64), out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { out[i] = text.charCodeAt(i); }
    return out;
  }

  // Base64 of gzip-compressed bytes -> a promise of the bytes.
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

  // How many vertices of `op` draw its line's first `points` points (null: all).
  function vertices(op, points) {
    if (points === null) { return op.v[1]; }
    if (points <= 0) { return 0; }
    return op.u ? op.u[Math.min(points, op.u.length) - 1] : Math.min(points, op.v[1]);
  }

  // Paints frames on `canvas` (`size`: [width, height] in px of the figure)
  // from `form` (its styles, clips, fonts and scale) and `ints` (the unpacked
  // coordinates the operations index).
  function Painter(canvas, form, ints, size) {
    this.canvas = canvas;
    this.form = form;
    this.ints = ints;
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

  // Paint `frame` over `background` (an image, drawn to the canvas's size),
  // with the prefix control's step `step` (or null for none), at `ratio`
  // device pixels per px (by default the screen's).
  Painter.prototype.paint = function (frame, step, background, ratio) {
    var canvas = this.canvas;
    ratio = ratio || (typeof window !== "undefined" && window.devicePixelRatio) || 1;
    var w = this.size[0], h = this.size[1];
    if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
      canvas.width = Math.round(w * ratio);
      canvas.height = Math.round(h * ratio);
    }
    var ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    if (background) { ctx.drawImage(background, 0, 0, w, h); }
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

  return {
    HIDDEN: HIDDEN,
    SAME: SAME,
    FONT: FONT,
    gunzip: gunzip,
    unpack: unpack,
    letters: letters,
    trace: trace,
    applyStyle: applyStyle,
    vertices: vertices,
    Painter: Painter
  };
})();
