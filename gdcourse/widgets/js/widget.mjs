// The live explorer's picture in Jupyter: the front end of
// gdcourse.widgets.painter.Picture (an anywidget).  This text follows
// painter.js in one ES module, so gdPainter is that file's painter.
//
// The kernel sets `frame` (the changing artists' operations with their styles,
// clips, fonts and scale, the key of the background, the picture's text
// alternative, the setting drawn as `state`, the background generation `gen`
// and a counter `n`) and `ints` (the coordinates the operations index,
// little-endian 32-bit integers) at every control change, and sends each
// background once as a custom message {type: "background", key, src}.  A
// view says {type: "ready"} when it can paint (the kernel then stops making
// PNGs) and {type: "need", key} for a background it lacks (a page reloaded).
//
// While idle the kernel also sends {type: "ahead", frame} with the coordinates
// as a buffer: the drawing of a setting one key press away.  The view watches
// the explorer's control models (`controls`: [model id, attribute] each) and
// paints such a drawing as soon as the controls reach its setting, before the
// kernel has heard of the change.  When the kernel's own frame for that setting
// arrives, a different drawing replaces the one painted ahead and is counted
// on the canvas as `data-mismatches`; `data-ahead` says whether the drawing
// shown was painted ahead ("1") or is the kernel's ("0").
//
// The view also keeps the keys that move its explorer's sliders and menus
// from the notebook's shortcuts (Notebook 7 reads them first).

function coordinates(view) {
  if (!view || !view.byteLength) { return new Int32Array(0); }
  return new Int32Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

// Two settings (one number each control) are the same: equal, or equal to a
// relative 1e-9 (the page and the kernel compute a slider's value apart).
export function sameState(a, b) {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) { return false; }
  return a.every((x, i) => {
    const y = b[i];
    if (x === y) { return true; }
    if (typeof x !== "number" || typeof y !== "number") { return false; }
    return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
  });
}

// Two frames draw the same picture: everything but their counters and
// settings (which the page and the kernel may write apart in the last bits),
// and the same coordinates.
export function sameDrawing(a, aInts, b, bInts) {
  const { n: _a, state: _sa, ...restA } = a;
  const { n: _b, state: _sb, ...restB } = b;
  if (JSON.stringify(restA) !== JSON.stringify(restB)) { return false; }
  if (aInts.length !== bInts.length) { return false; }
  return aInts.every((v, i) => v === bInts[i]);
}

// The drawings sent ahead and the kernel's frames, newest last, at most
// `limit` (the widget's `kept`); one per setting.
export class Ahead {
  constructor(limit = 64) {
    this.limit = limit;
    this.entries = [];
  }

  add(frame, ints) {
    this.entries = this.entries.filter((e) => !sameState(e.frame.state, frame.state));
    this.entries.push({ frame, ints });
    if (this.entries.length > this.limit) { this.entries.shift(); }
  }

  // The drawing of setting `state` in background generation `gen`, or null.
  find(state, gen) {
    return this.entries.find((e) => e.frame.gen === gen && sameState(e.frame.state, state)) || null;
  }
}

// The explorer's control models, in the kernel's order (null where the
// front end cannot give them: nothing is then painted ahead).
async function controlModels(model) {
  const controls = model.get("controls") || [];
  const manager = model.widget_manager;
  if (!controls.length || !manager || typeof manager.get_model !== "function") { return null; }
  try {
    const models = await Promise.all(controls.map(([id]) => manager.get_model(id)));
    return models.map((m, i) => ({ model: m, attribute: controls[i][1] }));
  } catch (error) {
    return null;
  }
}

// The keys a slider or a menu moves by.
const MOVING_KEYS = new Set([
  "ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End",
]);

// Keys for the explorer's own controls go to them, not to the notebook's
// shortcuts: Notebook 7 reads keys before the focused element does (in the
// capture phase), and would move the selected cell instead of the slider.
// Its shortcuts skip an event whose default is prevented; a slider's handle
// prevents it anyway, while a menu needs its default, so the event stops here.
export function keepKeysFor(el) {
  return (event) => {
    const target = event.target;
    if (!MOVING_KEYS.has(event.key) || !target || !el.closest) { return; }
    const box = el.closest(".widget-vbox");  // the explorer: this picture and its controls
    if (!box || !box.contains(target)) { return; }
    if (target.classList && target.classList.contains("noUi-handle")) {
      event.preventDefault();
    } else if (target.tagName === "SELECT") {
      event.stopPropagation();
    }
  };
}

function render({ model, el }) {
  const size = model.get("size"), width = model.get("width") || size[0];
  const canvas = document.createElement("canvas");
  canvas.className = "gd-canvas";
  canvas.setAttribute("role", "img");
  canvas.style.width = width + "px";
  canvas.style.maxWidth = "100%";
  canvas.style.height = "auto";
  canvas.style.aspectRatio = size[0] + " / " + size[1];
  canvas.style.display = "block";
  el.appendChild(canvas);
  const images = new Map();  // background key -> image
  const asked = new Set();
  const ahead = new Ahead(model.get("kept") || 64);
  let shown = null;  // {frame, ints, early}: what the canvas shows (or waits to)
  let mismatches = 0;

  function paint() {
    if (!shown || !shown.frame.o) { return; }
    const { frame, ints } = shown;
    const image = images.get(frame.b);
    if (!image || !image.complete) {
      if (!image && !asked.has(frame.b)) {
        asked.add(frame.b);
        model.send({ type: "need", key: frame.b });
      }
      return;  // painted once the background has loaded
    }
    const painter = new gdPainter.Painter(canvas, frame, ints, size);
    // device pixels per figure pixel: sharp at the screen's pixel ratio
    painter.paint(frame, null, image, (window.devicePixelRatio || 1) * width / size[0]);
    canvas.setAttribute("aria-label", frame.alt || "");
    canvas.setAttribute("data-frame", String(frame.n));
  }

  function show(frame, ints, early) {
    shown = { frame, ints, early };
    canvas.setAttribute("data-ahead", early ? "1" : "0");
    paint();
  }

  // The controls' setting in the page, or null if their models are unknown.
  let controls = null;
  function pageState() {
    return controls && controls.map((c) => c.model.get(c.attribute));
  }

  // The kernel's frame: it replaces a drawing painted ahead unless the same,
  // and is kept for when the controls come back to its setting.
  function onFrame() {
    const frame = model.get("frame");
    if (!frame || !frame.o) { return; }
    const ints = coordinates(model.get("ints"));
    ahead.add(frame, ints);
    if (shown && shown.early && shown.frame.gen === frame.gen) {
      if (sameState(shown.frame.state, frame.state)) {
        if (sameDrawing(shown.frame, shown.ints, frame, ints)) {
          shown = { frame: shown.frame, ints: shown.ints, early: false };
          return;
        }
        mismatches += 1;
        canvas.setAttribute("data-mismatches", String(mismatches));
      } else if (sameState(shown.frame.state, pageState())) {
        return;  // the controls moved on, to the setting shown: its frame follows
      }
    }
    show(frame, ints, false);
  }

  // A control moved in the page: paint its setting now if it was drawn ahead.
  function onControl() {
    const frame = model.get("frame");
    if (!controls || !frame) { return; }
    const hit = ahead.find(pageState(), frame.gen);
    if (hit && (!shown || hit.frame !== shown.frame)) { show(hit.frame, hit.ints, true); }
  }

  function onMessage(msg, buffers) {
    if (msg && msg.type === "ahead" && msg.frame) {
      ahead.add(msg.frame, coordinates(buffers && buffers[0]));
      return;
    }
    if (!msg || msg.type !== "background") { return; }
    const image = new Image();
    image.onload = () => {
      if (shown && shown.frame.b === msg.key) { paint(); }
    };
    image.src = msg.src;
    images.set(msg.key, image);
  }

  // a new pixel ratio (zoom, another screen): paint again at that ratio
  let media = null;
  function watchRatio() {
    if (media) { media.removeEventListener("change", onRatio); }
    media = window.matchMedia("(resolution: " + (window.devicePixelRatio || 1) + "dppx)");
    media.addEventListener("change", onRatio);
  }
  function onRatio() { paint(); watchRatio(); }

  let removed = false;
  controlModels(model).then((found) => {
    if (removed || !found) { return; }
    controls = found;
    for (const c of controls) { c.model.on("change:" + c.attribute, onControl); }
  });

  const keys = keepKeysFor(el);
  window.addEventListener("keydown", keys, true);

  model.on("msg:custom", onMessage);
  model.on("change:frame", onFrame);
  watchRatio();
  onFrame();
  model.send({ type: "ready" });
  return () => {
    removed = true;
    model.off("change:frame", onFrame);
    model.off("msg:custom", onMessage);
    for (const c of controls || []) { c.model.off("change:" + c.attribute, onControl); }
    if (media) { media.removeEventListener("change", onRatio); }
    window.removeEventListener("keydown", keys, true);
  };
}

export default { render };
