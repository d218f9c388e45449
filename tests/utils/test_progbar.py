"""Progbar prints what keras.utils.Progbar prints (timings aside) for the same updates."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

keras = pytest.importorskip("keras")

from oneiros import utils  # noqa: E402

TIMES = re.compile(r"\d+(us|ms|s)/(step|sample)|\x1b\[1m\d+(:\d\d)*s\x1b\[0m|- \d+s -")


def printed(progbar_class, updates, **kwargs):
    """The lines a progress bar shows for ``updates`` (("update"|"add", step, values) triples), with
    redraw control characters dropped and durations blanked."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        bar = progbar_class(interval=0.0, **kwargs)
        for method, step, values in updates:
            getattr(bar, method)(step, values)
    lines = re.split(r"[\r\n]", output.getvalue().replace("\b", ""))
    return [TIMES.sub("<time>", line).rstrip() for line in lines if line.strip()]


UPDATES = [("update", 1, [("loss", 0.5), ("lr", 0.01)]), ("update", 3, [("loss", 0.25), ("lr", 0.0005)]),
           ("add", 1, [("loss", 2e-4), ("lr", 0.02)]), ("add", 1, [("loss", 0.125), ("lr", 0.03)])]


@pytest.mark.parametrize("kwargs", [
    dict(target=5), dict(target=5, stateful_metrics=["lr"]), dict(target=5, stateless_metrics=["loss"]),
    dict(target=5, width=7, unit_name="sample"), dict(target=None), dict(target=5, verbose=2),
    dict(target=5, verbose=0), dict(target=12),
])
def test_progbar_prints_what_keras_prints(kwargs):
    ours = printed(utils.Progbar, UPDATES, **kwargs)
    assert ours == printed(keras.utils.Progbar, UPDATES, **kwargs)
    if kwargs.get("verbose", 1) != 0:
        assert ours


def test_progbar_averages_by_hand():
    """loss is averaged weighted by the steps each update covers; lr, stateful, is shown as given."""
    lines = printed(utils.Progbar, UPDATES[:2], target=10, stateful_metrics=["lr"])
    assert lines[-1].endswith(f"loss: {(0.5 * 1 + 0.25 * 2) / 3:.4f} - lr: 5.0000e-04")


def test_progbar_names_bad_arguments():
    with pytest.raises(ValueError, match="not both"):
        utils.Progbar(3, stateful_metrics=["a"], stateless_metrics=["b"])
    with pytest.raises(ValueError, match=r"verbose=3"):
        utils.Progbar(3, verbose=3)
    with pytest.raises(ValueError, match=r"target=-1"):
        utils.Progbar(-1)


def test_durations_and_values_are_formatted_as_keras_formats_them_by_hand():
    from oneiros.utils._progbar import format_duration, format_eta, format_value

    assert [format_eta(s) for s in (5.9, 60.5, 119.99, 3600.5)] == ["5s", "1:00", "1:59", "1:00:00"]
    assert [format_duration(s, "step") for s in (0, 2.4, 0.0123, 4.2e-5)] == [" 0s/step", " 2s/step", " 12ms/step",
                                                                           " 42us/step"]
    assert [format_value(v) for v in (0.25, -0.5, 0.001, -2e-5)] == ["0.2500", "-0.5000", "1.0000e-03", "-2.0000e-05"]
