"""A measured steps_per_execution is remembered in $ONEIROS_HOME: a fresh process running the
same program trains with it from its first batch, and any change to what decided it forgets it."""

import json
import os
import subprocess
import sys

import pytest

import oneiros as oi
from oneiros.backend import get_backend
from oneiros.errors import OneirosError
from oneiros.models import _choices


def _fresh_process(program, home, **environment):
    completed = subprocess.run([sys.executable, program.__file__], capture_output=True, text=True, timeout=300,
                               env={**os.environ, "ONEIROS_HOME": str(home), **environment})
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_a_choice_is_remembered_and_a_fresh_process_does_not_measure(home, eager_search, program):
    eager_search(adopt=True)
    measured = program.fit(program.model())
    assert (measured["source"], measured["at_start"], measured["at_end"]) == ("measured", 1, 4)
    assert len(json.loads(_choices.store_path().read_text())) == 1
    again = _fresh_process(program, home)
    # no single step was compiled or timed: groups of 4 from the first batch
    assert again == {"source": "remembered", "at_start": 4, "at_end": 4, "compiled": [4]}


def _key(program, units=8, dropout=0.25, batch_rows=8, learning_rate=None, kind="train"):
    model = program.model(units=units, dropout=dropout)
    if learning_rate is not None:
        model.compile(optimizer=oi.optimizers.Adam(learning_rate=learning_rate), loss="mse")
    x, y = program.data()
    return _choices.choice_key(model, kind, (x[:batch_rows], y[:batch_rows], None), get_backend(), model.compiled)


def test_the_key_changes_with_the_model_the_optimizer_the_inputs_and_the_kind(program):
    key = _key(program)
    assert _key(program) == key  # a new model of the same program (other layer names)
    changed = [_key(program, units=16), _key(program, dropout=0.5), _key(program, batch_rows=16),
               _key(program, learning_rate=0.1), _key(program, kind="evaluate")]
    assert len({key, *changed}) == 1 + len(changed)


def test_a_changed_model_measures_again(home, eager_search, program):
    eager_search(adopt=True)
    program.fit(program.model())
    changed = program.fit(program.model(units=16))
    assert (changed["source"], changed["at_start"]) == ("measured", 1)
    assert len(json.loads(_choices.store_path().read_text())) == 2


@pytest.mark.parametrize("switch_off", ["environment", "config file"])
def test_remembering_can_be_turned_off(home, eager_search, program, monkeypatch, switch_off):
    if switch_off == "environment":
        monkeypatch.setenv("ONEIROS_REMEMBER_CHOICES", "0")
    else:
        (home / "config.json").write_text(json.dumps({"remember_choices": False}))
    eager_search(adopt=True)
    assert program.fit(program.model())["at_end"] == 4
    assert not _choices.store_path().exists()
    assert program.fit(program.model())["source"] == "measured"


def test_a_bad_switch_value_is_refused_naming_it(home, monkeypatch):
    monkeypatch.setenv("ONEIROS_REMEMBER_CHOICES", "maybe")
    with pytest.raises(OneirosError, match="ONEIROS_REMEMBER_CHOICES='maybe'.*expected one of 1, true"):
        _choices.enabled()
    monkeypatch.delenv("ONEIROS_REMEMBER_CHOICES")
    (home / "config.json").write_text(json.dumps({"remember_choices": "no"}))
    with pytest.raises(OneirosError, match="remember_choices must be true or false; received 'no'"):
        _choices.enabled()


def _inference_run(program, kind):
    """One evaluate or predict with ``steps_per_execution="auto"`` on enough batches to measure;
    the group size and the programs compiled for it (each distinct group size compiles its own)."""
    from oneiros.models._inference import Predictor

    model = program.model()
    x, y = program.data()
    model.fit(x[:16], y[:16], batch_size=program.BATCH, epochs=1, verbose=0)  # built, same weights each run
    if kind == "evaluate":
        model.evaluate(x, y, batch_size=program.BATCH, verbose=0)
        trainer = model._get_trainer()
        return trainer.evaluation_steps.measured, sorted(trainer._test_functions)
    model.predict(x, batch_size=program.BATCH, verbose=0)
    predictor = Predictor.for_model(model)
    return predictor.steps.measured, sorted(shape for _, shape in predictor._compiled)


@pytest.mark.parametrize("kind", ["evaluate", "predict"])
def test_evaluate_and_predict_remember_their_choice(home, program, kind):
    chosen, measured_programs = _inference_run(program, kind)
    assert len(measured_programs) > 1  # a single step and at least one fused group were timed
    stored = json.loads(_choices.store_path().read_text())
    x, y = program.data()
    model = program.model()
    model.fit(x[:16], y[:16], batch_size=program.BATCH, epochs=1, verbose=0)
    key = _choices.choice_key(model, kind, (x[:program.BATCH], None if kind == "predict" else y[:program.BATCH], None),
                              get_backend(), None if kind == "predict" else model.compiled)
    assert stored[key] == chosen
    again, programs = _inference_run(program, kind)
    assert again == chosen and len(programs) == 1  # only the remembered group size ran


def test_a_run_served_from_the_cache_estimates_compiles_by_the_first_runs_first_call(home, program, monkeypatch):
    """The first run remembers what its first call (trace and compile) took; a later run, whose
    first call is a cache hit, weighs a fused compile by that instead of its own quick call."""
    from oneiros.models import _pipeline

    monkeypatch.setattr(_pipeline, "PAYBACK", 1e-3)  # a compile is worth starting unless it costs ~1e3 fits
    first = program.fit(program.model())
    stored = json.loads(_choices.first_call_path().read_text())
    assert len(stored) == 1 and next(iter(stored.values())) > 0
    assert len(first["compiled"]) > 1  # its own first call said a candidate would pay
    _choices.store_path().unlink(missing_ok=True)  # as if the first run had decided nothing
    _choices.remember_first_call(next(iter(stored)), 1e9)
    again = program.fit(program.model())
    assert len(again["compiled"]) == 1 and again["source"] == "measured"  # no candidate: 1e9 s would not pay
