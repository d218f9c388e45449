#!/usr/bin/env bash
# Training throughput of oneiros vs a hand-written JAX step on the MLP and the small ResNet, on
# whatever accelerator JAX sees (an NVIDIA GPU with jax[cuda]; CPU works for a smoke run).
#
#   benchmarks/gpu_check.sh                 # full size: a few minutes on one GPU
#   benchmarks/gpu_check.sh --size small    # seconds; what CPU-only machines should run
#
# PYTHON picks the interpreter (default: .venv/bin/python when present, else python3). It needs
# jax (with CUDA for GPUs) and optax; oneiros and its jax/vision plugins are installed from this
# checkout (editable, no dependencies fetched) when they are not importable yet.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${PYTHON:-}" ]]; then
    if [[ -x .venv/bin/python ]]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi

if ! "$PYTHON" -c "import jax, optax" 2>/dev/null; then
    echo "gpu_check: $PYTHON cannot import jax and optax; install jax[cuda12] and optax first." >&2
    exit 1
fi
if ! "$PYTHON" -c "import oneiros, oneiros_jax, oneiros_vision" 2>/dev/null; then
    echo "gpu_check: installing oneiros, oneiros-jax and oneiros-vision from this checkout (editable, --no-deps)" >&2
    "$PYTHON" -m pip install --quiet --no-deps --no-build-isolation -e . -e plugins/backend_jax -e plugins/layers_vision
fi
if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
else
    echo "gpu_check: no nvidia-smi here; measuring on the devices JAX finds (CPU unless configured)."
fi
exec "$PYTHON" benchmarks/gpu_check.py "$@"
