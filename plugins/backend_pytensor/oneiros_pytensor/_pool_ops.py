"""2-D max pooling over side-by-side windows (stride = window, no padding), as PyTensor ops with C code.

PyTensor runs ``max`` over the window axes of a ``(N, H/ph, ph, W/pw, pw, C)`` view as a general
reduction over non-adjacent axes: 3.7 ms for the MNIST convnet's first pooling (128x26x26x32)
here, a tenth of its whole training step; windows that leave rows over (its second pooling, 11
to 5) went through strided slices and their scattered gradients. These loops read each window's
rows of C contiguous channels: forward and gradient of the first pooling take about 1 ms
together. Values are those of the graphs they replace, ties and NaN included: the maximum
propagates NaN, and the gradient reaches every input equal to its window's maximum
(``eq(x, max) * grad``, PyTensor's rule for ``max``); rows and columns past the last whole
window get none.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Apply
from pytensor.link.c.op import COp

from oneiros_pytensor._c_arrays import contiguous, output, release

FLOATS = ("float32", "float64")


def _split(x: Any, window: tuple[int, int]) -> Any:
    """The whole windows of ``x`` (N, H, W, C) as (N, H//ph, ph, W//pw, pw, C)."""
    n, height, width, channels = x.shape
    rows, columns = height // window[0], width // window[1]
    whole = x[:, :rows * window[0], :columns * window[1]]
    return whole.reshape((n, rows, window[0], columns, window[1], channels))


def _spread(pooled: Any) -> Any:
    """A pooled (N, OH, OW, C) array aligned with :func:`_split`'s view."""
    return pooled[:, :, None, :, None, :]


def _pooled_type(x: Any, window: tuple[int, int]) -> Any:
    n, height, width, channels = x.type.shape
    return pt.tensor(dtype=x.dtype, shape=(n, None if height is None else height // window[0],
                                           None if width is None else width // window[1], channels))


def _check_input(op: Any, x: Any) -> Any:
    x = pt.as_tensor_variable(x)
    if x.ndim != 4 or x.dtype not in FLOATS:
        raise TypeError(f"{type(op).__name__} needs a float32 or float64 (N, H, W, C) tensor; received {x.type}.")
    for size, step in zip(x.type.shape[1:3], op.window):
        if size is not None and size < step:
            raise ValueError(f"{type(op).__name__}{op.window} needs spatial sizes of at least the window; "
                             f"received shape {x.type.shape}.")
    return x


_SIZES = """
    const npy_intp N = PyArray_DIMS({x})[0], H = PyArray_DIMS({x})[1], W = PyArray_DIMS({x})[2];
    const npy_intp C = PyArray_DIMS({x})[3], PH = {ph}, PW = {pw}, OH = H / PH, OW = W / PW;
    if (OH == 0 || OW == 0) {{
        PyErr_Format(PyExc_ValueError, "max pooling window ({ph}, {pw}) needs spatial sizes of at least the "
                     "window; received %ld x %ld", (long)H, (long)W);
        {fail}
    }}
"""


class TiledMaxPool(COp):
    """``(N, H, W, C) -> (N, H//ph, W//pw, C)``: the maximum of each whole ``window`` (stride =
    window, no padding)."""

    __props__ = ("window",)

    def __init__(self, window: tuple[int, int]) -> None:
        self.window = tuple(int(size) for size in window)
        super().__init__()

    def make_node(self, x: Any) -> Apply:
        x = _check_input(self, x)
        return Apply(self, [x], [_pooled_type(x, self.window)])

    def infer_shape(self, fgraph: Any, node: Apply, shapes: list[Any]) -> list[Any]:
        n, height, width, channels = shapes[0]
        return [(n, height // self.window[0], width // self.window[1], channels)]

    def perform(self, node: Apply, inputs: list[np.ndarray], outputs: list[list[Any]]) -> None:
        outputs[0][0] = _split(inputs[0], self.window).max(axis=(2, 4))

    def pullback(self, inputs: list[Any], outputs: list[Any], output_grads: list[Any]) -> list[Any]:
        return [TiledMaxPoolGrad(self.window)(inputs[0], outputs[0], output_grads[0])]

    def c_code_cache_version(self) -> tuple[int, ...]:
        return (2,)

    def c_code(self, node: Apply, name: str, inputs: list[str], outputs: list[str], sub: dict[str, str]) -> str:
        (x,), (pooled,) = inputs, outputs
        fail, dtype = sub["fail"], f"dtype_{x}"
        return f"""
        {{
            {_SIZES.format(x=x, ph=self.window[0], pw=self.window[1], fail=fail)}
            {output(pooled, x, "{N, OH, OW, C}", fail)}
            {contiguous([x], fail)}
            const {dtype}* source = (const {dtype}*)PyArray_DATA({x}_c);
            {dtype}* target = ({dtype}*)PyArray_DATA({pooled});
            for (npy_intp row = 0; row < N * OH; ++row) {{
                const npy_intp n = row / OH, top = (row % OH) * PH;
                for (npy_intp column = 0; column < OW; ++column) {{
                    {dtype}* __restrict__ best = target + (row * OW + column) * C;
                    const {dtype}* corner = source + ((n * H + top) * W + column * PW) * C;
                    for (npy_intp c = 0; c < C; ++c) best[c] = corner[c];
                    for (npy_intp i = 0; i < PH; ++i) {{
                        for (npy_intp j = (i == 0); j < PW; ++j) {{
                            const {dtype}* __restrict__ value = corner + (i * W + j) * C;
                            for (npy_intp c = 0; c < C; ++c) {{
                                // numpy's maximum: a NaN on either side wins
                                best[c] = (value[c] > best[c] || value[c] != value[c]) ? value[c] : best[c];
                            }}
                        }}
                    }}
                }}
            }}
            {release([x])}
        }}
        """


class TiledMaxPoolGrad(COp):
    """``(x, pooled, grad) -> grad of x``: ``(x == its window's maximum) * grad`` of its window,
    0 past the last whole window."""

    __props__ = ("window",)

    def __init__(self, window: tuple[int, int]) -> None:
        self.window = tuple(int(size) for size in window)
        super().__init__()

    def make_node(self, x: Any, pooled: Any, grad: Any) -> Apply:
        x = _check_input(self, x)
        pooled, grad = pt.as_tensor_variable(pooled), pt.as_tensor_variable(grad)
        if pooled.type.dtype != x.dtype or grad.type.dtype != x.dtype or pooled.ndim != 4 or grad.ndim != 4:
            raise TypeError(f"TiledMaxPoolGrad needs pooled values and gradients of x's type {x.type}; received "
                            f"{pooled.type} and {grad.type}.")
        return Apply(self, [x, pooled, grad], [x.type()])

    def infer_shape(self, fgraph: Any, node: Apply, shapes: list[Any]) -> list[Any]:
        return [shapes[0]]

    def perform(self, node: Apply, inputs: list[np.ndarray], outputs: list[list[Any]]) -> None:
        x, pooled, grad = inputs
        grads = (_split(x, self.window) == _spread(pooled)) * _spread(grad)
        n, rows, height, columns, width, channels = grads.shape
        result = np.zeros_like(x)
        result[:, :rows * height, :columns * width] = grads.reshape((n, rows * height, columns * width, channels))
        outputs[0][0] = result

    def pullback(self, inputs: list[Any], outputs: list[Any], output_grads: list[Any]) -> list[Any]:
        x, pooled, _ = inputs
        mask = pt.eq(_split(x, self.window), _spread(pooled))
        grad_of_grad = pt.sum(mask * _split(output_grads[0], self.window), axis=(2, 4))
        return [pt.zeros_like(x), pt.zeros_like(pooled), grad_of_grad]

    def c_code_cache_version(self) -> tuple[int, ...]:
        return (2,)

    def c_code(self, node: Apply, name: str, inputs: list[str], outputs: list[str], sub: dict[str, str]) -> str:
        (x, pooled, grad), (result,) = inputs, outputs
        fail, dtype = sub["fail"], f"dtype_{x}"
        arrays = [x, pooled, grad]
        return f"""
        {{
            {_SIZES.format(x=x, ph=self.window[0], pw=self.window[1], fail=fail)}
            {output(result, x, "{N, H, W, C}", fail)}
            {contiguous(arrays, fail)}
            const {dtype}* values = (const {dtype}*)PyArray_DATA({x}_c);
            const {dtype}* maxima = (const {dtype}*)PyArray_DATA({pooled}_c);
            const {dtype}* grads = (const {dtype}*)PyArray_DATA({grad}_c);
            {dtype}* target = ({dtype}*)PyArray_DATA({result});
            for (npy_intp row = 0; row < N * H; ++row) {{
                const npy_intp pooled_row = (row / H) * OH + (row % H) / PH;
                const bool whole_row = (row % H) < OH * PH;
                for (npy_intp column = 0; column < W; ++column) {{
                    const npy_intp at = (row * W + column) * C, window = (pooled_row * OW + column / PW) * C;
                    {dtype}* __restrict__ out = target + at;
                    if (!whole_row || column >= OW * PW) {{
                        for (npy_intp c = 0; c < C; ++c) out[c] = 0;
                        continue;
                    }}
                    const {dtype}* __restrict__ value = values + at;
                    const {dtype}* __restrict__ maximum = maxima + window;
                    const {dtype}* __restrict__ upstream = grads + window;
                    for (npy_intp c = 0; c < C; ++c) out[c] = ({dtype})(value[c] == maximum[c]) * upstream[c];
                }}
            }}
            {release(arrays)}
        }}
        """
