"""Real plugin distributions, pip-installed into isolated targets, seen from fresh processes."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.slow

PLUGINS = {
    "acme": (
        "oneiros>=0.1",
        """
        import oneiros

        class AcmeDense:
            pass

        def acme_loss(y_true, y_pred):
            return 0.0

        @oneiros.hookimpl
        def register_layers(register):
            register(AcmeDense)

        @oneiros.hookimpl
        def register_losses(register):
            register(acme_loss)
        """,
    ),
    "rival": (
        "oneiros",
        """
        import oneiros

        class AcmeDense:
            pass

        @oneiros.hookimpl
        def register_layers(register):
            register(AcmeDense)
        """,
    ),
    "broken": ("oneiros", "raise ImportError('the broken plugin cannot find libacme.so')\n"),
    "future": ("oneiros>=99", "raise RuntimeError('an incompatible plugin must never be imported')\n"),
}


def write_distribution(root, name, requirement, source):
    package = f"oneiros_{name}"
    (root / package).mkdir(parents=True)
    (root / package / "__init__.py").write_text("")
    (root / package / "plugin.py").write_text(textwrap.dedent(source))
    (root / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""
            [build-system]
            requires = ["setuptools>=77"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "oneiros-{name}"
            version = "1.2.3"
            dependencies = ["{requirement}"]

            [project.entry-points."oneiros.plugins"]
            {name} = "{package}.plugin"
            """
        )
    )


@pytest.fixture(scope="module")
def targets(tmp_path_factory):
    installed = {}
    for name, (requirement, source) in PLUGINS.items():
        source_dir = tmp_path_factory.mktemp(f"src-{name}")
        write_distribution(source_dir, name, requirement, source)
        target = tmp_path_factory.mktemp(f"site-{name}")
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
             "--no-index", "--target", str(target), str(source_dir)],
            check=True,
            capture_output=True,
        )
        installed[name] = str(target)
    return installed


def run(targets, plugins, code, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ONEIROS_")}
    environment["PYTHONPATH"] = os.pathsep.join(targets[p] for p in plugins)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True, text=True, env=environment, timeout=120,
    )


def plugin_table(targets, plugins, **env):
    result = run(
        targets, plugins,
        "from oneiros.cli import main; main(['plugins', '--json'])",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return {row["plugin"]: row for row in json.loads(result.stdout)}, result.stderr


def test_discovered_listed_and_resolved(targets):
    rows, _ = plugin_table(targets, ["acme"])
    acme = rows["acme"]
    assert acme["status"] == "loaded"
    assert (acme["distribution"], acme["version"]) == ("oneiros-acme", "1.2.3")
    assert acme["registered"] == {"layers": 1, "losses": 1}
    result = run(targets, ["acme"], """
        import oneiros as oi
        plain, qualified = oi.layers.get("AcmeDense"), oi.layers.get("acme>AcmeDense")
        assert plain is qualified and plain.__module__ == "oneiros_acme.plugin"
        assert oi.layers.AcmeDense is plain
        assert oi.losses.get("acme_loss") is oi.losses.get("acme>acme_loss")
        print("ok")
    """)
    assert result.stdout.strip() == "ok", result.stderr


def test_same_name_in_two_plugins_fails_naming_both(targets):
    result = run(targets, ["acme", "rival"], """
        import oneiros as oi
        try:
            oi.layers.get("AcmeDense")
        except oi.errors.AmbiguousNameError as exc:
            print(exc)
        print(oi.layers.get("rival>AcmeDense").__module__)
    """)
    assert "acme>AcmeDense" in result.stdout and "rival>AcmeDense" in result.stdout, result.stderr
    assert "oneiros_rival.plugin" in result.stdout


def test_disable_plugins_removes_it(targets):
    rows, _ = plugin_table(targets, ["acme"], ONEIROS_DISABLE_PLUGINS="acme")
    assert rows["acme"]["status"] == "disabled"
    result = run(targets, ["acme"], """
        from oneiros._plugins import host
        print("AcmeDense" in host().registry("layers"))
    """, ONEIROS_DISABLE_PLUGINS="acme")
    assert result.stdout.strip() == "False", result.stderr


def test_allowlist_loads_only_named_plugins(targets):
    rows, _ = plugin_table(targets, ["acme", "rival"], ONEIROS_PLUGINS="rival")
    assert rows["rival"]["status"] == "loaded"
    assert rows["acme"]["status"] == "disabled"
    rows, _ = plugin_table(targets, ["acme"], ONEIROS_PLUGINS="")
    assert all(row["status"] in ("disabled", "not installed") for name, row in rows.items() if name != "core")


def test_plugin_failing_on_import_warns_and_others_work(targets):
    rows, stderr = plugin_table(targets, ["acme", "broken"])
    assert rows["broken"]["status"] == "failed"
    assert "ImportError: the broken plugin cannot find libacme.so" in rows["broken"]["reason"]
    assert rows["acme"]["status"] == "loaded"
    assert "oneiros-broken" in stderr and "ONEIROS_DISABLE_PLUGINS=broken" in stderr
    result = run(targets, ["acme", "broken"], """
        import warnings
        import oneiros as oi
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            layer = oi.layers.get("AcmeDense")
        print(len([w for w in caught if "broken" in str(w.message)]), layer.__name__)
    """)
    assert result.stdout.split() == ["1", "AcmeDense"], result.stderr


def test_strict_mode_makes_a_failing_plugin_fatal(targets):
    result = run(targets, ["acme", "broken"], """
        import oneiros as oi
        oi.layers.get("AcmeDense")
    """, ONEIROS_STRICT_PLUGINS="1")
    assert result.returncode != 0
    assert "PluginError" in result.stderr and "oneiros-broken" in result.stderr


def test_incompatible_plugin_is_listed_and_never_imported(targets):
    rows, stderr = plugin_table(targets, ["future"])
    assert rows["future"]["status"] == "incompatible"
    assert "requires oneiros>=99" in rows["future"]["reason"]
    assert "must never be imported" not in stderr
    result = run(targets, ["future"], """
        import sys, warnings
        warnings.simplefilter("ignore")
        from oneiros._plugins import host
        host().load()
        print("oneiros_future.plugin" in sys.modules)
    """)
    assert result.stdout.strip() == "False", result.stderr
