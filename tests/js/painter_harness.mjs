// Runs the explorers' painter (gdcourse/widgets/js/painter.js) in node, with a
// canvas whose 2D context records every call, for tests/test_painter.py.
//
// Reads one JSON case on stdin:
//   {packed: [byte, ...], runs: ["M1L3Z1", ...],
//    frame, ints: [int, ...], size: [w, h], ratio, step (optional)}
// and writes JSON: {unpacked, letters, calls, canvas: [width, height]};
// each call is [method, ...arguments] or ["set", property, value].
// With --module FILE it instead imports FILE as an ES module and writes the
// names and types of its default export.
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

async function main() {
  const args = process.argv.slice(2);
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
