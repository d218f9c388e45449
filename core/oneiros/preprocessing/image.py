"""``oi.preprocessing.image``: Keras's ``keras.preprocessing.image`` — the image-file helpers of
:mod:`oneiros.utils` and ``smart_resize``."""

from __future__ import annotations

from oneiros.utils._images import array_to_img, img_to_array, load_img, save_img, smart_resize

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img", "smart_resize"]
