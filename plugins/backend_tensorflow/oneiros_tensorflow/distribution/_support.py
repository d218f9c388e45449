"""The TensorFlow backend's ``distribution`` attribute: devices and binding distributions."""

from __future__ import annotations

from typing import Any

from oneiros_tensorflow.distribution._devices import list_devices
from oneiros_tensorflow.distribution._placement import TensorflowPlacement


class TensorflowDistributionSupport:
    """Implements ``oneiros.distribution.DistributionSupport`` with DTensor over this process's
    devices; jobs of several processes (DTensor's multi-client mode) are not mapped."""

    def initialize(self, coordinator_address: str | None, num_processes: int | None,
                   process_id: int | None) -> None:
        raise NotImplementedError(
            "oneiros.distribution.initialize: the tensorflow backend distributes over this process's "
            f"devices only (received coordinator_address={coordinator_address!r}, num_processes={num_processes!r}, "
            f"process_id={process_id!r}); use the jax backend for jobs of several processes.")

    def list_devices(self, device_type: str | None = None) -> list[str]:
        return list_devices(device_type)

    def process_index(self) -> int:
        return 0

    def process_count(self) -> int:
        return 1

    def bind(self, distribution: Any) -> TensorflowPlacement:
        return TensorflowPlacement(distribution)
