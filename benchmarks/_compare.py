"""The command line of a one-workload training benchmark (``train_mlp.py``, ``train_cnn.py``,
``train_lstm.py``): Oneiros ``fit``, Keras 3 ``fit`` and a hand-written jitted JAX + optax step,
each in a fresh process, in one table of samples/second with ratios to Keras."""

from __future__ import annotations

import argparse
import json
from functools import partial

from _contenders import Contender, auto_choice, keras_fit, oneiros_fit
from _harness import print_table, run_contenders
from _jax_steps import hand_written_training
from _workload import BATCH, Workload

CONTENDERS: dict[str, Contender] = {
    "oneiros": oneiros_fit,
    "keras": keras_fit,
    "jax+optax": partial(hand_written_training, steps_per_call=1),
}


def compare(script: str, description: str, workload: Workload, samples: int, rounds: int = 1) -> None:
    """The main of ``script``: as the parent, runs every contender in a fresh process and prints
    the table; as a ``--worker``, trains one contender and prints its result as JSON."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=samples)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=rounds,
                        help="interleaved rounds of all contenders; each keeps its best")
    parser.add_argument("--worker", choices=sorted(CONTENDERS))
    args = parser.parse_args()
    if args.worker:
        x, y = workload.data(args.samples)
        print(json.dumps(CONTENDERS[args.worker](workload, x, y, args.repeats)))
        return
    results = run_contenders(script, list(CONTENDERS), ["--samples", str(args.samples), "--repeats",
                                                        str(args.repeats)], rounds=args.rounds)
    print_table(f"{workload.title}, batch {BATCH}, {args.samples} samples/epoch", results, "keras")
    print(f"oneiros: steps_per_execution=\"auto\" chose {auto_choice(results['oneiros'])}")
    ours, hand = results["oneiros"], results["jax+optax"]
    if "samples_per_second" in ours and "samples_per_second" in hand:
        print(f"oneiros / hand-written JAX: {ours['samples_per_second'] / hand['samples_per_second']:.2f}x")
