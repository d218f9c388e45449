"""The JAX backend's ``distribution`` attribute: processes, devices, and binding distributions."""

from __future__ import annotations

from typing import Any

import jax

from oneiros_jax.distribution._devices import list_devices
from oneiros_jax.distribution._placement import JaxPlacement


class JaxDistributionSupport:
    """Implements ``oneiros.distribution.DistributionSupport`` with jax.distributed and jax.sharding."""

    def initialize(self, coordinator_address: str | None, num_processes: int | None,
                   process_id: int | None) -> None:
        # Arguments still None are detected by JAX from the cluster (SLURM, Open MPI, Cloud TPU).
        jax.distributed.initialize(coordinator_address=coordinator_address, num_processes=num_processes,
                                   process_id=process_id)

    def list_devices(self, device_type: str | None = None) -> list[str]:
        return list_devices(device_type)

    def process_index(self) -> int:
        return jax.process_index()

    def process_count(self) -> int:
        return jax.process_count()

    def bind(self, distribution: Any) -> JaxPlacement:
        return JaxPlacement(distribution)
