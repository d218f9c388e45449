"""PlaidML's context and device, dtype names, and moving buffers between host and device."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import plaidml
import plaidml.tile as tile

DTYPES = {
    "bool": plaidml.DType.BOOLEAN,
    "int8": plaidml.DType.INT8,
    "int16": plaidml.DType.INT16,
    "int32": plaidml.DType.INT32,
    "uint8": plaidml.DType.UINT8,
    "uint16": plaidml.DType.UINT16,
    "uint32": plaidml.DType.UINT32,
    "float32": plaidml.DType.FLOAT32,
}
"""What the backend stores. PlaidML 0.7.0's LLVM CPU device aborts the process on float16
kernels and has no bfloat16 arithmetic, so those dtypes are refused (see conformance_exclusions)."""

NAMES = {pml: name for name, pml in DTYPES.items()}


def tile_dtype(name: str) -> Any:
    try:
        return DTYPES[name]
    except KeyError:
        raise TypeError(f"The plaidml backend holds {', '.join(DTYPES)}; received dtype {name!r} "
                        "(PlaidML 0.7.0 cannot run float16 or bfloat16 kernels on its CPU device).") from None


class Engine:
    """The PlaidML context and the one device every buffer lives on."""

    def __init__(self) -> None:
        self.context = plaidml.Context()
        configs = plaidml.devices(self.context, limit=16)
        self.config = configs[0]
        self.device = plaidml.Device(self.context, self.config)

    def device_names(self) -> list[str]:
        return [self.config.id.decode() if isinstance(self.config.id, bytes) else str(self.config.id)]

    def upload(self, array: np.ndarray) -> Any:
        buffer = plaidml.Tensor(self.device, plaidml.Shape(self.context, DTYPES[array.dtype.name], *array.shape))
        with buffer.mmap_discard(self.context) as view:
            view.copy_from_ndarray(np.ascontiguousarray(array))
            view.writeback()
        return buffer

    def download(self, buffer: Any, shape: tuple[int, ...], dtype: str) -> np.ndarray:
        array = np.empty(shape, dtype)
        with buffer.mmap_current() as view:
            view.copy_to_ndarray(array)
        return array

    def allocate(self, shape: tuple[int, ...], dtype: str) -> Any:
        return plaidml.Tensor(self.device, plaidml.Shape(self.context, DTYPES[dtype], *shape))

    def compose(self, inputs: list[tuple[str, Any]], outputs: list[tuple[str, Any]]) -> Any:
        return tile.compose(self.context, self.device, inputs=inputs, outputs=outputs)

    def invoker(self, function: Any) -> Any:
        return plaidml.Invoker(self.context, function)


@functools.lru_cache(maxsize=1)
def engine() -> Engine:
    return Engine()
