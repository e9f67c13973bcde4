// Runs the explorers' painter (gdcourse/widgets/js/painter.js) in node, with a
// canvas whose 2D context records every call, for tests/test_painter.py.
//
// Reads one JSON case on stdin:
//   {packed: [byte, ...], runs: ["M1L3Z1", ...],
//    frame, ints: [int, ...], size: [w, h], ratio, step (optional)}
// and writes JSON: {unpacked, letters, calls, canvas: [width, height]};
// each call is [method, ...arguments] or ["set", property, value].
// With --module FILE it instead imports FILE as an ES module and writes the
// names and types of its default export; with --functions FILE it runs that
// module's sameState, sameDrawing, Ahead and key guard on the cases given; with
// --scenario FILE it renders the module's widget on a fake page and plays
// the steps given (kernel frames, drawings sent ahead, control moves).
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const here = new URL(".", import.meta.url);
const source = readFileSync(new URL("../../gdcourse/widgets/js/painter.js", here), "utf8");
// As a classic script: the file defines one global, gdPainter.
const gdPainter = new Function(source + "\nreturn gdPainter;")();

const METHODS = [
  "beginPath", "moveTo", "lineTo", "quadraticCurveTo", "bezierCurveTo", "closePath",
  "rect", "clip", "save", "restore", "fill", "stroke", "fillText", "translate",
  "rotate", "scale", "setTransform", "clearRect", "drawImage", "setLineDash",
];
const PROPERTIES = [
  "strokeStyle", "fillStyle", "lineWidth", "lineCap", "lineJoin", "lineDashOffset",
  "font", "textBaseline", "textAlign",
];

function recordingContext(calls) {
  const ctx = {};
  for (const name of METHODS) {
    ctx[name] = (...args) => {
      calls.push([name, ...args.map((a) => (typeof a === "object" && a !== null && !Array.isArray(a) ? "<image>" : a))]);
    };
  }
  for (const name of PROPERTIES) {
    let value;
    Object.defineProperty(ctx, name, {
      get: () => value,
      set: (v) => { value = v; calls.push(["set", name, v]); },
    });
  }
  // a monospace stand-in: 6 px a character at any font
  ctx.measureText = (text) => ({ width: 6 * text.length });
  return ctx;
}

// A page with one canvas, images that load at once and a widget manager
// holding the control models: enough for the widget's render().
function fakePage(calls) {
  const ctx = recordingContext(calls);
  const canvas = {
    width: 0, height: 0, style: {}, attributes: {},
    getContext: () => ctx,
    setAttribute(name, value) { this.attributes[name] = value; },
  };
  globalThis.document = { createElement: () => canvas };
  globalThis.window = {
    devicePixelRatio: 1,
    matchMedia: () => ({ addEventListener() {}, removeEventListener() {} }),
    addEventListener() {},
    removeEventListener() {},
  };
  globalThis.Image = class {
    set src(value) { this.complete = true; this._src = value; if (this.onload) { this.onload(); } }
  };
  return canvas;
}

// A Backbone-like model: get, set (firing "change:<name>"), on, off, send.
function fakeModel(state, sent) {
  const handlers = {};
  return {
    get: (name) => state[name],
    set(name, value) {
      state[name] = value;
      for (const h of handlers["change:" + name] || []) { h(); }
    },
    on(event, h) { (handlers[event] = handlers[event] || []).push(h); },
    off(event, h) { handlers[event] = (handlers[event] || []).filter((x) => x !== h); },
    send: (msg) => sent.push(msg),
    fire(event, ...args) { for (const h of handlers[event] || []) { h(...args); } },
  };
}

// Plays input.steps on the widget's render() and writes, after each, what
// the canvas shows: {frame: data-frame, mismatches, paints: drawImage calls}.
async function scenario(module, input) {
  const calls = [], sent = [];
  const canvas = fakePage(calls);
  const controls = input.controls.map((state) => fakeModel({ ...state }, sent));
  const model = fakeModel({ size: input.size, width: input.size[0], controls: input.ids, frame: {}, ints: null }, sent);
  model.widget_manager = { get_model: async (id) => controls[input.ids.findIndex(([i]) => i === id)] };
  module.default.render({ model, el: { appendChild() {} } });
  await new Promise((resolve) => setTimeout(resolve, 0));  // the control models found
  const seen = [];
  for (const step of input.steps) {
    const buffer = (ints) => new DataView(Int32Array.from(ints).buffer);
    if (step.background) { model.fire("msg:custom", { type: "background", key: step.background, src: "data:," }); }
    if (step.ahead) { model.fire("msg:custom", { type: "ahead", frame: step.ahead }, [buffer(step.ints)]); }
    if (step.kernel) {
      model.set("ints", buffer(step.ints));
      model.set("frame", step.kernel);
    }
    if (step.control) { controls[step.control[0]].set(step.control[1], step.control[2]); }
    seen.push({
      frame: canvas.attributes["data-frame"] || null,
      mismatches: Number(canvas.attributes["data-mismatches"] || 0),
      paints: calls.filter((c) => c[0] === "drawImage").length,
    });
  }
  return { seen, sent };
}

// What the widget's key guard does with `key` pressed on an element `where`
// ("handle": a slider's handle in the explorer, "select": its menu, "button":
// another element in it, "outside": a handle elsewhere): [prevented, stopped].
function keyHandled(module, key, where) {
  const inside = where !== "outside";
  const target = {
    tagName: where === "select" ? "SELECT" : "DIV",
    classList: { contains: (c) => c === "noUi-handle" && (where === "handle" || where === "outside") },
  };
  const box = { contains: (t) => t === target && inside };
  const el = { closest: (selector) => (selector === ".widget-vbox" ? box : null) };
  const done = [false, false];
  module.keepKeysFor(el)({
    key, target,
    preventDefault: () => { done[0] = true; },
    stopPropagation: () => { done[1] = true; },
  });
  return done;
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === "--scenario") {
    const module = await import(pathToFileURL(args[1]).href);
    process.stdout.write(JSON.stringify(await scenario(module, JSON.parse(readFileSync(0, "utf8")))));
    return;
  }
  if (args[0] === "--functions") {
    const module = await import(pathToFileURL(args[1]).href);
    const input = JSON.parse(readFileSync(0, "utf8"));
    const ahead = new module.Ahead(input.limit);
    for (const [frame, ints] of input.add || []) { ahead.add(frame, Int32Array.from(ints)); }
    process.stdout.write(JSON.stringify({
      same: (input.same || []).map(([a, b]) => module.sameState(a, b)),
      drawing: (input.drawing || []).map(([a, ai, b, bi]) =>
        module.sameDrawing(a, Int32Array.from(ai), b, Int32Array.from(bi))),
      found: (input.find || []).map(([state, gen]) => {
        const hit = ahead.find(state, gen);
        return hit ? hit.frame.n : null;
      }),
      kept: ahead.entries.map((e) => e.frame.n),
      keys: (input.keys || []).map(([key, where]) => keyHandled(module, key, where)),
    }));
    return;
  }
  if (args[0] === "--module") {
    const module = await import(pathToFileURL(args[1]).href);
    const exported = Object.fromEntries(
      Object.entries(module.default).map(([k, v]) => [k, typeof v]));
    process.stdout.write(JSON.stringify(exported));
    return;
  }
  const input = JSON.parse(readFileSync(0, "utf8"));
  const out = {};
  if (input.packed) { out.unpacked = Array.from(gdPainter.unpack(Uint8Array.from(input.packed))); }
  if (input.runs) { out.letters = input.runs.map(gdPainter.letters); }
  if (input.frame) {
    const calls = [];
    const ctx = recordingContext(calls);
    const canvas = { width: 0, height: 0, getContext: () => ctx };
    const painter = new gdPainter.Painter(canvas, input.frame, Int32Array.from(input.ints), input.size);
    painter.paint(input.frame, input.step || null, { image: true }, input.ratio);
    out.calls = calls;
    out.canvas = [canvas.width, canvas.height];
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => { process.stderr.write(String(error.stack || error)); process.exit(1); });
