"""Device names as oneiros.distribution shows them ("gpu:3") and the jax Mesh a DeviceMesh becomes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import numpy as np
from jax.sharding import Mesh


def device_name(device: jax.Device) -> str:
    return f"{device.platform}:{device.id}"


def list_devices(device_type: str | None = None) -> list[str]:
    return [device_name(device) for device in jax.devices(device_type)]


def _resolve(devices: Sequence[Any]) -> list[jax.Device]:
    known = {device_name(device): device for device in jax.devices()}
    resolved = []
    for device in devices:
        if isinstance(device, jax.Device):
            resolved.append(device)
        elif isinstance(device, str) and device in known:
            resolved.append(known[device])
        else:
            raise ValueError(f"Unknown device {device!r}; the devices of this job are {sorted(known)}.")
    if len(set(resolved)) != len(resolved):
        raise ValueError(f"A device mesh lists a device twice: {[device_name(d) for d in resolved]}.")
    return resolved


def build_mesh(shape: Sequence[int], axis_names: Sequence[str], devices: Sequence[Any]) -> Mesh:
    grid = np.empty(len(devices), dtype=object)
    grid[:] = _resolve(devices)
    return Mesh(grid.reshape(tuple(shape)), tuple(axis_names))
