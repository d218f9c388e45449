"""How ``jit`` runs a traced graph: ``ONEIROS_PYTENSOR_LINKER`` = c (default), perform or numba.

c: PyTensor's ``fast_run`` rewrites (elementwise fusion, products as BLAS ``Dot22``/``Gemm``,
inplace updates) with this backend's own (softmax inlined, Adam's fused update in place; see
:data:`OWN_REWRITES`), then its C VM, linked to the system OpenBLAS (Debian's ``libopenblas-dev``).
Where no BLAS links it warns once and runs perform instead: PyTensor's C products without BLAS
are loops far slower than numpy's. Its modules are compiled into
``$ONEIROS_HOME/cache/pytensor`` (unless ``PYTENSOR_FLAGS`` names a compiledir), so a second run
compiles nothing new.

perform: the traced graph as it is, node by node with each op's numpy ``perform``, no rewrites
and no compiler. Numba (PyTensor's rewrites, then LLVM) took 7 CPU seconds to compile the MLP
step and ran it no faster than perform; the convnet step's compile did not finish in minutes.
PyTensor's own Python VM on the rewritten graph was 20x slower (its rewrites bring in ops whose
``perform`` loops in Python).
"""

from __future__ import annotations

import functools
import os
import warnings
from pathlib import Path
from typing import Any

import pytensor
import pytensor.tensor as pt
from oneiros._settings import home
from pytensor.compile import optdb
from pytensor.compile.mode import Mode, get_mode
from pytensor.configdefaults import _default_compiledir
from pytensor.graph.rewriting.basic import MergeOptimizer, SequentialGraphRewriter, dfs_rewriter, node_rewriter
from pytensor.link.vm import VMLinker
from pytensor.scalar.basic import EQ, Maximum, Second
from pytensor.tensor.elemwise import Elemwise
from pytensor.tensor.rewriting.ofg import inline_ofg_node
from pytensor.tensor.special import LogSoftmax, Softmax

from oneiros_pytensor import _fused_updates

LINKERS = ("c", "perform", "numba")
DEFAULT_LINKER = "c"
BLAS_FLAGS = "-lopenblas"


def linker_name() -> str:
    name = os.environ.get("ONEIROS_PYTENSOR_LINKER", DEFAULT_LINKER)
    if name not in LINKERS:
        raise ValueError(f"ONEIROS_PYTENSOR_LINKER must be one of {', '.join(LINKERS)}; received {name!r}.")
    return name


def _unset(name: str) -> bool:
    """Whether config ``name`` still has its default and nothing read it yet (so it can be set)."""
    param = pytensor.config._config_var_dict[name]
    return param.is_default and "val" not in vars(param)


def use_oneiros_compiledir() -> None:
    """PyTensor's compiled modules under ``$ONEIROS_HOME/cache/pytensor`` (its platform-named
    folder), unless the user chose a compiledir or PyTensor already uses one."""
    if _unset("compiledir"):
        pytensor.config.compiledir = home() / "cache" / "pytensor" / Path(_default_compiledir()).name


@functools.cache
def blas_links() -> bool:
    """Whether PyTensor's C code links to a BLAS: the user's ``blas__ldflags``, else OpenBLAS."""
    if _unset("blas__ldflags"):
        from pytensor.link.c.cmodule import try_blas_flag

        if not try_blas_flag([BLAS_FLAGS]):
            warnings.warn(f"oneiros-pytensor: no BLAS links with {BLAS_FLAGS} (install libopenblas-dev); "
                          "jit runs on the perform linker instead of C.", RuntimeWarning, stacklevel=2)
            return False
        pytensor.config.blas__ldflags = BLAS_FLAGS
    return bool(pytensor.config.blas__ldflags)


@node_rewriter([Elemwise])
def _second_as_alloc(fgraph: object, node: Any) -> list | None:
    """``second(x, y)`` (``y`` broadcast to the shape of ``x``, which gradients are full of) as
    an ``Alloc``: PyTensor's Elemwise has no numpy function for it and runs it in Python once per
    element, 13 million calls for 20 batches of the SMS LSTM's backward loop (more than half of
    its training time)."""
    if not isinstance(node.op.scalar_op, Second):
        return None
    template, value = node.inputs
    filled = pt.alloc(value, *pt.broadcast_shape(template, value))
    return [node.outputs[0].type.filter_variable(filled)]


@functools.cache
def loop_body_mode(name: str) -> Mode:
    """How ``pytensor.scan`` runs its body: for perform and c, PyTensor's Python VM on the body
    as traced, with repeated subgraphs merged (the gradient bodies repeat many: 20% of the SMS
    LSTM's training time) and ``second`` as ``Alloc`` (see :func:`_second_as_alloc`). Compiling
    it with g++ took minutes of wall time for the SMS LSTM's body on the shared 2-core machine,
    for small matrices that numpy runs fast enough; PyTensor's FAST_COMPILE rewrites made it 20x
    slower (ops whose ``perform`` loops in Python)."""
    if name == "numba":
        return get_mode("NUMBA")
    return Mode(linker=VMLinker(use_cloop=False, c_thunks=False),
                optimizer=SequentialGraphRewriter(MergeOptimizer(), dfs_rewriter(_second_as_alloc)))


OWN_REWRITES = _fused_updates.FUSED_TAG
"""The tag of this backend's rewrites, which only its C mode includes."""


@node_rewriter([Softmax, LogSoftmax])
def _inline_softmax(fgraph: object, node: object) -> list:
    """PyTensor 3 keeps softmax as a graph-holding op with no C code: the C VM would call back
    into Python for it (1 ms of the MLP's 13 ms step). Its inner graph is elementwise ops and
    reductions, which have C code and fuse with their neighbours."""
    return inline_ofg_node(node)


def _elemwise_of(variable: Any, scalar_op: type) -> Any:
    """The node computing ``variable`` when it is an Elemwise of ``scalar_op``, else None."""
    node = variable.owner
    if node is not None and isinstance(node.op, Elemwise) and isinstance(node.op.scalar_op, scalar_op):
        return node
    return None


@node_rewriter([Elemwise])
def _maximum_gradient_mask(fgraph: object, node: Any) -> list | None:
    """``eq(maximum(x, c), x)`` (the mask in the gradient of ``maximum``, so of relu) as
    ``ge(x, c)``: the same values (NaN and signed zeros included), but the fused gradient loop
    reads two arrays instead of three, and PyTensor's C loops over three or more inputs are not
    vectorized (34 µs against 6 µs for a 128x512 relu gradient here)."""
    if not isinstance(node.op.scalar_op, EQ):
        return None
    for result, x in (node.inputs, node.inputs[::-1]):
        maximum = _elemwise_of(result, Maximum)
        if maximum is not None and len(maximum.inputs) == 2 and x in maximum.inputs:
            bound = maximum.inputs[1] if maximum.inputs[0] is x else maximum.inputs[0]
            mask = pt.ge(x, bound)
            if mask.type.broadcastable == node.outputs[0].type.broadcastable:
                return [mask]
    return None


@functools.cache
def _register_rewrites() -> None:
    optdb["specialize"].register(_inline_softmax.__name__, _inline_softmax, OWN_REWRITES)
    optdb["specialize"].register(_maximum_gradient_mask.__name__, _maximum_gradient_mask, OWN_REWRITES)
    _fused_updates.register_rewrites()


@functools.cache
def compile_mode(name: str) -> Mode | None:
    """The PyTensor mode compiling for linker ``name``; None for perform (nothing compiles)."""
    if name == "numba":
        return get_mode("NUMBA")
    if name == "c" and blas_links():
        _register_rewrites()
        return Mode(linker="cvm", optimizer="fast_run").including(OWN_REWRITES)
    return None
