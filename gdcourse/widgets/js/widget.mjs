// The live explorer's picture in Jupyter: the front end of
// gdcourse.widgets.painter.Picture (an anywidget).  This text follows
// painter.js in one ES module, so gdPainter is that file's painter.
//
// The kernel sets `frame` (the changing artists' operations with their styles,
// clips, fonts and scale, the key of the background, the picture's text
// alternative and a counter) and `ints` (the coordinates the operations index,
// little-endian 32-bit integers) at every control change, and sends each
// background once as a custom message {type: "background", key, src}.  A
// view says {type: "ready"} when it can paint (the kernel then stops making
// PNGs) and {type: "need", key} for a background it lacks (a page reloaded).

function coordinates(view) {
  if (!view || !view.byteLength) { return new Int32Array(0); }
  return new Int32Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
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

  function paint() {
    const frame = model.get("frame");
    if (!frame || !frame.o) { return; }
    const image = images.get(frame.b);
    if (!image || !image.complete) {
      if (!image && !asked.has(frame.b)) {
        asked.add(frame.b);
        model.send({ type: "need", key: frame.b });
      }
      return;  // painted once the background has loaded
    }
    const painter = new gdPainter.Painter(canvas, frame, coordinates(model.get("ints")), size);
    // device pixels per figure pixel: sharp at the screen's pixel ratio
    painter.paint(frame, null, image, (window.devicePixelRatio || 1) * width / size[0]);
    canvas.setAttribute("aria-label", frame.alt || "");
    canvas.setAttribute("data-frame", String(frame.n));
  }

  function onMessage(msg) {
    if (!msg || msg.type !== "background") { return; }
    const image = new Image();
    image.onload = () => {
      const frame = model.get("frame");
      if (frame && frame.b === msg.key) { paint(); }
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

  model.on("msg:custom", onMessage);
  model.on("change:frame", paint);
  watchRatio();
  paint();
  model.send({ type: "ready" });
  return () => {
    model.off("change:frame", paint);
    model.off("msg:custom", onMessage);
    if (media) { media.removeEventListener("change", onRatio); }
  };
}

export default { render };
