"""mypy passes on the core at the level set in ``tests/typing/mypy.ini``, stubs included."""

import tempfile
from pathlib import Path

from mypy import api

HERE = Path(__file__).parent
CORE = HERE.parents[1] / "core" / "oneiros"


def run_mypy(*arguments: str) -> tuple[str, int]:
    cache = Path(tempfile.gettempdir()) / "oneiros-mypy-cache"
    stdout, stderr, status = api.run(["--cache-dir", str(cache), "--no-error-summary", *arguments])
    return stdout + stderr, status


def test_core_passes_mypy():
    report, status = run_mypy("--config-file", str(HERE / "mypy.ini"), str(CORE))
    assert status == 0, f"mypy on core/oneiros (tests/typing/mypy.ini):\n{report}"


def test_a_user_program_sees_the_public_names_with_their_signatures(tmp_path):
    program = tmp_path / "user_program.py"
    program.write_text(
        "import oneiros as oi\n"
        "reveal_type(oi.ops.matmul)\n"
        "reveal_type(oi.layers.Dense)\n"
        "reveal_type(oi.losses.MeanSquaredError)\n"
        "reveal_type(oi.optimizers.Adam)\n"
        "oi.ops.not_an_op\n"
    )
    report, _ = run_mypy("--ignore-missing-imports", str(program))
    assert 'def (x1: Any, x2: Any) -> Any' in report
    assert 'def (units: int, activation: Any =' in report
    assert "oneiros.losses._regression.MeanSquaredError" in report
    assert "oneiros.optimizers._adam.Adam" in report
    assert 'Module has no attribute "not_an_op"' in report
