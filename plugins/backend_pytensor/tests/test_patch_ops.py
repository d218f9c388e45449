"""2-D convolution patches (``_patch_ops``) against numpy loops, on perform and compiled: the
patches, their gradient bit for bit as the strided slices' gradients gave it, and conv through them."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from oneiros import ops

GEOMETRIES = [((3, 3), (1, 1), (1, 1)), ((2, 3), (2, 1), (1, 2))]
"""(window, strides, dilation)."""
SHAPE = (2, 7, 8, 3)


def _mode(name):
    from pytensor.compile.mode import Mode

    from oneiros_pytensor._linker import compile_mode

    return compile_mode("c") if name == "c" else Mode(linker="py", optimizer=None)


def _numpy_patches(x, window, strides, dilation):
    rows = (x.shape[1] - (window[0] - 1) * dilation[0] - 1) // strides[0] + 1
    columns = (x.shape[2] - (window[1] - 1) * dilation[1] - 1) // strides[1] + 1
    patches = np.empty((x.shape[0], rows, columns, window[0] * window[1] * x.shape[3]), x.dtype)
    for n, row, column in np.ndindex(x.shape[0], rows, columns):
        for tap, (kh, kw) in enumerate(itertools.product(range(window[0]), range(window[1]))):
            patches[n, row, column, tap * x.shape[3]:(tap + 1) * x.shape[3]] = x[
                n, row * strides[0] + kh * dilation[0], column * strides[1] + kw * dilation[1]]
    return patches


@pytest.mark.parametrize("mode", ["perform", "c"])
@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_patches_and_their_gradient_match_numpy(pytensor_backend, mode, geometry):
    import pytensor
    import pytensor.tensor as pt

    from oneiros_pytensor._patch_ops import Patches

    rng = np.random.default_rng(3)
    x = rng.standard_normal(SHAPE).astype(np.float32)
    expected = _numpy_patches(x, *geometry)
    upstream = rng.standard_normal(expected.shape).astype(np.float32)
    values, weights = pt.tensor(dtype="float32", shape=SHAPE), pt.tensor(dtype="float32", shape=expected.shape)
    patches = Patches(*geometry)(values)
    # The oracle gradient: what the per-tap strided slices concatenated give, compiled the same way.
    window, strides, dilation = geometry
    slices = [values[:, kh * dilation[0]::strides[0], kw * dilation[1]::strides[1]][:, :expected.shape[1],
                                                                                    :expected.shape[2]]
              for kh, kw in itertools.product(range(window[0]), range(window[1]))]
    concatenated = pt.concatenate(slices, axis=-1)
    outputs = [patches, pytensor.grad(pt.sum(patches * weights), values),
               pytensor.grad(pt.sum(concatenated * weights), values)]
    got, grad, slices_grad = pytensor.function([values, weights], outputs, mode=_mode(mode))(x, upstream)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(grad, slices_grad)
    loop_grad = np.zeros(SHAPE, np.float64)
    for n, row, column in np.ndindex(*expected.shape[:3]):
        for tap, (kh, kw) in enumerate(itertools.product(range(window[0]), range(window[1]))):
            loop_grad[n, row * strides[0] + kh * dilation[0], column * strides[1] + kw * dilation[1]] += upstream[
                n, row, column, tap * SHAPE[3]:(tap + 1) * SHAPE[3]]
    np.testing.assert_allclose(grad, loop_grad, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("linker", ["perform", "c"])
def test_conv_through_the_patches_matches_numpy(pytensor_backend, monkeypatch, linker):
    monkeypatch.setenv("ONEIROS_PYTENSOR_LINKER", linker)
    rng = np.random.default_rng(4)
    x = rng.standard_normal(SHAPE).astype(np.float32)
    kernel = rng.standard_normal((3, 3, 3, 4)).astype(np.float32)
    upstream = rng.standard_normal((2, 7, 8, 4)).astype(np.float32)

    def loss(params, weights):
        return ops.sum(ops.multiply(ops.conv(params["x"], params["kernel"], padding="same"), weights))

    step = pytensor_backend.jit(pytensor_backend.value_and_grad(loss))
    for _ in range(3):  # the third call of a signature runs the compiled function
        value, grads = step({"x": x, "kernel": kernel}, upstream)
    padded = np.pad(x.astype(np.float64), ((0, 0), (1, 1), (1, 1), (0, 0)))
    patches = _numpy_patches(padded, (3, 3), (1, 1), (1, 1))
    output = patches @ kernel.reshape(-1, 4)
    patch_grads = upstream @ kernel.reshape(-1, 4).T
    x_grad = np.zeros_like(padded)
    for tap, (kh, kw) in enumerate(itertools.product(range(3), range(3))):
        x_grad[:, kh:kh + 7, kw:kw + 8] += patch_grads[..., tap * 3:(tap + 1) * 3]
    np.testing.assert_allclose(value, np.sum(output * upstream), rtol=1e-4)
    np.testing.assert_allclose(grads["kernel"], np.einsum("nhwp,nhwo->po", patches, upstream).reshape(kernel.shape),
                               rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(grads["x"], x_grad[:, 1:-1, 1:-1], rtol=1e-4, atol=1e-4)
    functions = [graph.function for graph in step.graphs.values() if graph.function is not None]
    assert len(functions) == (linker == "c")
    for function in functions:
        assert {"Patches", "PatchGradient"} <= {type(node.op).__name__ for node in function.maker.fgraph.apply_nodes}


def test_bad_inputs_are_refused(pytensor_backend):
    import pytensor.tensor as pt

    from oneiros_pytensor._patch_ops import Patches

    with pytest.raises(TypeError, match=r"float32 or float64 \(N, H, W, C\) tensor; received .*int32"):
        Patches((3, 3), (1, 1), (1, 1))(pt.tensor(dtype="int32", shape=SHAPE))
    with pytest.raises(ValueError, match=r"needs larger spatial sizes; received shape \(2, 4, 8, 3\)"):
        Patches((3, 3), (1, 1), (2, 2))(pt.tensor(dtype="float32", shape=(2, 4, 8, 3)))
