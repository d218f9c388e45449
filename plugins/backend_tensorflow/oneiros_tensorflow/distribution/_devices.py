"""Device names as oneiros.distribution shows them ("cpu:1"), logical CPU devices, and the
DTensor mesh a DeviceMesh becomes."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import tensorflow as tf
from tensorflow.experimental import dtensor

CPU_DEVICES_VARIABLE = "ONEIROS_TF_CPU_DEVICES"


def split_cpu_from_environment() -> None:
    """Splits the CPU into ``ONEIROS_TF_CPU_DEVICES`` logical devices (tests and trials of a
    distribution on one machine); TensorFlow accepts this only before it first uses a device."""
    text = os.environ.get(CPU_DEVICES_VARIABLE)
    if not text:
        return
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise ValueError(f"Environment variable {CPU_DEVICES_VARIABLE} must be an integer >= 1; received {text!r}.")
    cpu = tf.config.list_physical_devices("CPU")[0]
    configuration = [tf.config.LogicalDeviceConfiguration()] * count
    if tf.config.get_logical_device_configuration(cpu) == configuration:
        return
    try:
        tf.config.set_logical_device_configuration(cpu, configuration)
    except RuntimeError as exc:
        raise RuntimeError(f"{CPU_DEVICES_VARIABLE}={count}: TensorFlow had already initialised its devices "
                           f"({exc}); set the variable before the tensorflow backend is first used.") from None


def _short_name(device: tf.config.LogicalDevice) -> str:
    # "/job:localhost/replica:0/task:0/device:CPU:1" -> "cpu:1"
    kind, index = device.name.rsplit("/device:", 1)[1].rsplit(":", 1)
    return f"{kind.lower()}:{index}"


def _logical_devices(device_type: str | None = None) -> list[tf.config.LogicalDevice]:
    kinds = ("GPU", "CPU") if device_type is None else (device_type.upper(),)
    # Without a device_type: the accelerators when there are any (as jax.devices() does).
    for kind in kinds:
        devices = tf.config.list_logical_devices(kind)
        if devices:
            return devices
    return []


def list_devices(device_type: str | None = None) -> list[str]:
    return [_short_name(device) for device in _logical_devices(device_type)]


def build_mesh(shape: Sequence[int], axis_names: Sequence[str], devices: Sequence[Any]) -> dtensor.Mesh:
    known = {_short_name(device): device.name for device in tf.config.list_logical_devices()}
    unknown = [device for device in devices if device not in known]
    if unknown:
        raise ValueError(f"Unknown devices {unknown}; the devices of this job are {sorted(known)} "
                         f"(set {CPU_DEVICES_VARIABLE} before the backend starts to split the CPU).")
    resolved = [known[device] for device in devices]
    if len(set(resolved)) != len(resolved):
        raise ValueError(f"A device mesh lists a device twice: {list(devices)}.")
    return dtensor.create_mesh(list(zip(axis_names, shape)), devices=resolved)
