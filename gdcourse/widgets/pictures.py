"""The figure as a picture: PNG for the live view, WebP for what a page stores."""

from __future__ import annotations

import base64
import io

from PIL import Image as PILImage

__all__ = ["data_url", "encode_frame", "encode_png"]


def _rgba(fig):
    """The figure's rendered pixels as a PIL image (no re-draw)."""
    buf = fig.canvas.buffer_rgba()
    h, w = int(buf.shape[0]), int(buf.shape[1])
    return PILImage.frombuffer("RGBA", (w, h), buf, "raw", "RGBA", 0, 1).convert("RGB")


def encode_png(fig):
    """PNG bytes of the figure as last drawn, fast (low compression) for live updates."""
    out = io.BytesIO()
    _rgba(fig).save(out, format="PNG", compress_level=1)
    return out.getvalue()


def encode_frame(fig, quality=75, method=4):
    """Compact WebP bytes of the figure as last drawn (``method`` 0-6: effort for size)."""
    out = io.BytesIO()
    _rgba(fig).save(out, format="WEBP", quality=quality, method=method)
    return out.getvalue()


def data_url(webp):
    """A ``data:`` URL holding WebP bytes, for a page's ``src`` attribute."""
    return "data:image/webp;base64," + base64.b64encode(webp).decode("ascii")
