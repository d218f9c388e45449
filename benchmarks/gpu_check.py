"""Training throughput on the accelerator JAX sees: oneiros ``fit`` against a hand-written JAX step.

Models: the MLP 784-512-512-10 and the small ResNet (oneiros_vision.models.small_resnet, ResNet-8
on 32x32x3), both with Adam and sparse categorical cross-entropy, float32, batch 128. Contenders,
each in a fresh process:

- ``jax step``: a hand-written jitted JAX + optax step, one call per batch (the baseline);
- ``oneiros``: ``model.fit`` with the defaults;
- ``oneiros spe=8``: ``model.fit`` with ``compile(steps_per_execution=8)`` (8 steps per call);
- ``oneiros DataParallel``: ``fit`` under ``oi.distribution.DataParallel()`` (only with >1 device).

Prints samples/second (median of the timed epochs after the first, which compiles) and the
ratio to the hand-written step. ``--size small`` is a seconds-long smoke run for CPUs.

Run: benchmarks/gpu_check.sh [--size small|full]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np

BATCH = 128
SIZES = {"full": {"mlp": 30720, "resnet": 10240, "repeats": 3},
         "small": {"mlp": 1024, "resnet": 256, "repeats": 1}}
MLP_LAYERS = (784, 512, 512, 10)
RESNET_FILTERS = (16, 32, 64)


def mlp_data(samples: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.random((samples, 784), dtype=np.float32), rng.integers(0, 10, samples).astype(np.int32)


def image_data(samples: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.random((samples, 32, 32, 3), dtype=np.float32), rng.integers(0, 10, samples).astype(np.int32)


def timed_epochs(run_epoch: Callable[[], None], samples: int, repeats: int) -> dict[str, float]:
    started = time.perf_counter()
    run_epoch()
    first = time.perf_counter() - started
    rates = []
    for _ in range(repeats):
        started = time.perf_counter()
        run_epoch()
        rates.append(samples / (time.perf_counter() - started))
    return {"samples_per_second": statistics.median(rates), "first_epoch_seconds": first}


def oneiros_model(model_name: str):
    import oneiros as oi
    from oneiros import layers

    if model_name == "mlp":
        return oi.Sequential([layers.Input((784,)), layers.Dense(512, activation="relu"),
                              layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")])
    from oneiros_vision.models import small_resnet

    return small_resnet(stage_filters=RESNET_FILTERS)


def oneiros_worker(model_name: str, x: np.ndarray, y: np.ndarray, repeats: int, steps_per_execution: int,
                   data_parallel: bool) -> dict[str, float]:
    import oneiros as oi

    oi.set_backend("jax")
    model = oneiros_model(model_name)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", steps_per_execution=steps_per_execution)
    with oi.distribution.DataParallel().scope() if data_parallel else contextlib.nullcontext():
        return timed_epochs(lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False),
                            len(x), repeats)


def jax_mlp(key):
    import jax
    import jax.numpy as jnp

    keys = jax.random.split(key, len(MLP_LAYERS) - 1)
    params = [(jax.random.normal(k, (n_in, n_out)) * np.sqrt(2 / n_in), jnp.zeros(n_out))
              for k, n_in, n_out in zip(keys, MLP_LAYERS[:-1], MLP_LAYERS[1:])]

    def forward(params, state, x):
        for index, (kernel, bias) in enumerate(params):
            x = x @ kernel + bias
            if index < len(params) - 1:
                x = jax.nn.relu(x)
        return x, state

    return params, {}, forward


def jax_resnet(key):
    """The topology of oneiros_vision's small_resnet, written directly in JAX (BatchNorm in training mode)."""
    import jax
    import jax.numpy as jnp
    from jax import lax

    keys = iter(jax.random.split(key, 64))
    params, state = {}, {}

    def conv_bn(name, size, n_in, n_out):
        scale = np.sqrt(2 / (size * size * n_in))  # he_normal, as small_resnet's Conv2D
        params[name] = {"kernel": jax.random.normal(next(keys), (size, size, n_in, n_out)) * scale,
                        "gamma": jnp.ones(n_out), "beta": jnp.zeros(n_out)}
        state[name] = {"mean": jnp.zeros(n_out), "var": jnp.ones(n_out)}

    conv_bn("stem", 3, 3, RESNET_FILTERS[0])
    blocks = []
    n_in = RESNET_FILTERS[0]
    for stage, filters in enumerate(RESNET_FILTERS):
        strides = 2 if stage > 0 else 1
        name = f"block{stage}"
        conv_bn(f"{name}a", 3, n_in, filters)
        conv_bn(f"{name}b", 3, filters, filters)
        project = strides != 1 or n_in != filters
        if project:
            conv_bn(f"{name}p", 1, n_in, filters)
        blocks.append((name, strides, project))
        n_in = filters
    params["head"] = {"kernel": jax.random.normal(next(keys), (n_in, 10)) * np.sqrt(1 / n_in), "bias": jnp.zeros(10)}

    def apply_conv_bn(name, params, state, new_state, x, strides, relu):
        x = lax.conv_general_dilated(x, params[name]["kernel"], (strides, strides), "SAME",
                                     dimension_numbers=("NHWC", "HWIO", "NHWC"))
        mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
        new_state[name] = {"mean": 0.99 * state[name]["mean"] + 0.01 * mean,
                           "var": 0.99 * state[name]["var"] + 0.01 * var}
        x = (x - mean) * lax.rsqrt(var + 1e-3) * params[name]["gamma"] + params[name]["beta"]
        return jax.nn.relu(x) if relu else x

    def forward(params, state, x):
        new_state = {}
        x = apply_conv_bn("stem", params, state, new_state, x, 1, True)
        for name, strides, project in blocks:
            residual = apply_conv_bn(f"{name}a", params, state, new_state, x, strides, True)
            residual = apply_conv_bn(f"{name}b", params, state, new_state, residual, 1, False)
            shortcut = apply_conv_bn(f"{name}p", params, state, new_state, x, strides, False) if project else x
            x = jax.nn.relu(residual + shortcut)
        x = x.mean(axis=(1, 2))
        return x @ params["head"]["kernel"] + params["head"]["bias"], new_state

    return params, state, forward


def jax_worker(model_name: str, x: np.ndarray, y: np.ndarray, repeats: int) -> dict[str, float]:
    import jax
    import jax.numpy as jnp
    import optax

    params, state, forward = (jax_mlp if model_name == "mlp" else jax_resnet)(jax.random.PRNGKey(0))
    optimizer = optax.adam(1e-3)
    opt_state = optimizer.init(params)

    def loss_fn(params, state, xb, yb):
        logits, new_state = forward(params, state, xb)
        probabilities = jax.nn.softmax(logits)
        loss = -jnp.mean(jnp.log(jnp.take_along_axis(probabilities, yb[:, None], axis=1) + 1e-7))
        return loss, new_state

    @jax.jit
    def step(params, state, opt_state, xb, yb):
        (loss, state), grads = jax.value_and_grad(loss_fn, has_aux=True)(params, state, xb, yb)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), state, opt_state, loss

    carry = {"params": params, "state": state, "opt": opt_state}

    def epoch() -> None:
        loss = None
        for start in range(0, len(x) - BATCH + 1, BATCH):
            carry["params"], carry["state"], carry["opt"], loss = step(
                carry["params"], carry["state"], carry["opt"], x[start:start + BATCH], y[start:start + BATCH])
        loss.block_until_ready()

    return timed_epochs(epoch, len(x) // BATCH * BATCH, repeats)


CONTENDERS = ["jax step", "oneiros", "oneiros spe=8", "oneiros DataParallel"]


def run_worker(contender: str, model_name: str, size: str) -> dict[str, float]:
    samples, repeats = SIZES[size][model_name], SIZES[size]["repeats"]
    x, y = (mlp_data if model_name == "mlp" else image_data)(samples)
    if contender == "jax step":
        return jax_worker(model_name, x, y, repeats)
    return oneiros_worker(model_name, x, y, repeats, steps_per_execution=8 if contender == "oneiros spe=8" else 1,
                          data_parallel=contender == "oneiros DataParallel")


def device_summary() -> dict:
    import jax

    devices = jax.devices()
    return {"description": f"{len(devices)} x {devices[0].device_kind} ({devices[0].platform}), jax {jax.__version__}",
            "count": len(devices)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--models", default="mlp,resnet", help="comma-separated: mlp, resnet")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "devices":
        print(json.dumps(device_summary()))
        return
    if args.worker:
        print(json.dumps(run_worker(args.worker, args.model, args.size)))
        return
    models = args.models.split(",")
    unknown = sorted(set(models) - {"mlp", "resnet"})
    if unknown:
        parser.error(f"--models: unknown {unknown}; choose from mlp, resnet")
    # The parent never touches the accelerator: each worker process gets all of its memory.
    devices = _run_in_fresh_process("devices", "", args.size)
    if "error" in devices:
        sys.exit(f"JAX cannot start: {devices['error']}")
    print(f"devices: {devices['description']}; batch {BATCH}; size {args.size}", flush=True)
    if "resnet" in models and importlib.util.find_spec("oneiros_vision") is None:
        print("small ResNet skipped: oneiros_vision (plugins/layers_vision) is not installed.", flush=True)
        models.remove("resnet")
    contenders = [c for c in CONTENDERS if c != "oneiros DataParallel" or devices["count"] > 1]
    header = f"{'model':<8} {'contender':<22} {'samples/s':>12} {'first epoch s':>14} {'vs jax step':>12}"
    print(header)
    print("-" * len(header), flush=True)
    for model_name in models:
        baseline = None
        for contender in contenders:
            result = _run_in_fresh_process(contender, model_name, args.size)
            if "error" in result:
                print(f"{model_name:<8} {contender:<22} error: {result['error']}", flush=True)
                continue
            rate = result["samples_per_second"]
            baseline = baseline or (rate if contender == "jax step" else None)
            ratio = f"{rate / baseline:.2f}x" if baseline else "-"
            print(f"{model_name:<8} {contender:<22} {rate:>12,.0f} {result['first_epoch_seconds']:>14.2f} {ratio:>12}",
                  flush=True)


def _run_in_fresh_process(contender: str, model_name: str, size: str) -> dict:
    completed = subprocess.run([sys.executable, __file__, "--worker", contender, "--model", model_name,
                                "--size", size], capture_output=True, text=True)
    if completed.returncode != 0:
        lines = completed.stderr.strip().splitlines()
        return {"error": lines[-1] if lines else f"exit status {completed.returncode}"}
    return json.loads(completed.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
