"""Real plugin distributions, pip-installed into isolated targets, seen from fresh processes."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.slow

ANOTHER_ACME_DENSE = """
    import oneiros

    class AcmeDense:
        pass

    @oneiros.hookimpl
    def register_layers(register):
        register(AcmeDense)
"""

DENSE_AND_MSE = """
    import oneiros

    class Dense:
        pass

    def mse(y_true, y_pred):
        return 0.0

    @oneiros.hookimpl
    def register_layers(register):
        register(Dense{override})

    @oneiros.hookimpl
    def register_losses(register):
        register(mse)
"""
"""A plugin taking two of the core's plain names; ``override`` says whether it claims them."""

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
    "rival": ("oneiros", ANOTHER_ACME_DENSE),
    "broken": ("oneiros", "raise ImportError('the broken plugin cannot find libacme.so')\n"),
    "future": ("oneiros>=99", "raise RuntimeError('an incompatible plugin must never be imported')\n"),
    "fork": ("oneiros", ANOTHER_ACME_DENSE, "acme"),  # a second distribution claiming entry point "acme"
    "shadow": ("oneiros", DENSE_AND_MSE.format(override=", override=True")),
    "runstat": (
        "oneiros",
        """
        import oneiros

        @oneiros.hookimpl
        def register_layers(register):
            from oneiros import layers, ops

            class RunningCenter(layers.Layer):
                def call(self, inputs):
                    return inputs - ops.mean(inputs, axis=0, keepdims=True)

            register(RunningCenter)
        """,
    ),
    "extras": (
        "oneiros",
        """
        import oneiros

        @oneiros.hookimpl
        def register_metrics(register):
            from oneiros import metrics, ops

            class RunningMax(metrics.Metric):
                def __init__(self, name="running_max", dtype=None):
                    super().__init__(name=name, dtype=dtype)
                    self.largest = self.add_variable(shape=(), initializer="zeros", name="largest")

                def update_state(self, y_true, y_pred, sample_weight=None):
                    self.largest.assign(ops.maximum(self.largest, ops.max(y_pred)))

                def result(self):
                    return self.largest

            register(RunningMax)

        @oneiros.hookimpl
        def register_callbacks(register):
            from oneiros import callbacks

            class EpochLog(callbacks.Callback):
                def __init__(self, prefix="A"):
                    super().__init__()
                    self.prefix = prefix

                def on_epoch_end(self, epoch, logs=None):
                    print(f"{self.prefix}{epoch}")

            register(EpochLog)
        """,
    ),
    "squatter": (
        "oneiros",
        DENSE_AND_MSE.format(override="")
        + """
    from oneiros.backends.numpy_reference import NumpyBackend

    @oneiros.hookimpl
    def register_backends(register):
        register(NumpyBackend, name="jax")
""",
    ),
    "exiter": ("oneiros", "import sys\nsys.exit('the exiter plugin gives up at import')\n"),
    "hookexit": (
        "oneiros",
        """
        import oneiros

        @oneiros.hookimpl
        def register_layers(register):
            raise SystemExit(4)
        """,
    ),
    "aborter": (
        "oneiros",
        """
        import oneiros

        class Abort(BaseException):
            pass

        @oneiros.hookimpl
        def register_losses(register):
            raise Abort("a BaseException that is not KeyboardInterrupt")
        """,
    ),
    "hollow": (
        "oneiros",
        """
        import oneiros
        from oneiros.metrics import Metric

        class HalfDone(Metric):
            def update_state(self, y_true, y_pred, sample_weight=None):
                pass

        @oneiros.hookimpl
        def register_metrics(register):
            register(HalfDone)
        """,
    ),
}


def write_distribution(root, name, requirement, source, entry_point_name=None):
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
            {entry_point_name or name} = "{package}.plugin"
            """
        )
    )


@pytest.fixture(scope="module")
def targets(tmp_path_factory):
    installed = {}
    for name, (requirement, source, *entry_point_name) in PLUGINS.items():
        source_dir = tmp_path_factory.mktemp(f"src-{name}")
        write_distribution(source_dir, name, requirement, source, *entry_point_name)
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


def oneiros_cli(targets, plugins, *args, **env):
    return run(targets, plugins, f"from oneiros.cli import main; main({list(args)!r})", **env)


def plugin_table(targets, plugins, **env):
    result = oneiros_cli(targets, plugins, "plugins", "--json", **env)
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


def test_unknown_names_in_the_controls_warn_with_close_matches(targets):
    result = run(targets, ["acme"], """
        import oneiros as oi
        oi.layers.get("AcmeDense")
    """, ONEIROS_DISABLE_PLUGINS="acm", ONEIROS_PLUGINS="acme,dist:oneiros-acne")
    assert result.returncode == 0, result.stderr
    assert "ONEIROS_DISABLE_PLUGINS lists 'acm', which matches no installed plugin. Did you mean: acme?" in result.stderr
    assert "ONEIROS_PLUGINS lists 'dist:oneiros-acne'" in result.stderr and "dist:oneiros-acme" in result.stderr
    assert "<string>:3: PluginWarning" in result.stderr  # points at the user's line, not the loader's


def test_pinning_by_distribution_keeps_a_namesake_out(targets):
    code = """
        import oneiros as oi
        print(oi.layers.get("acme>AcmeDense").__module__)
    """
    for distribution in ("oneiros-fork", "oneiros-acme"):
        result = run(targets, ["acme", "fork"], code, ONEIROS_PLUGINS=f"dist:{distribution}")
        assert result.stdout.strip() == distribution.replace("-", "_") + ".plugin", result.stderr
        assert "skipped" not in result.stderr
    listing = oneiros_cli(targets, ["acme", "fork"], "plugins", "--json", ONEIROS_PLUGINS="dist:oneiros-fork")
    rows = {row["distribution"]: row for row in json.loads(listing.stdout) if row["plugin"] == "acme"}
    assert rows["oneiros-fork"]["status"] == "loaded"
    assert rows["oneiros-acme"]["status"] == "disabled"
    assert "not listed in ONEIROS_PLUGINS" in rows["oneiros-acme"]["reason"]


def test_config_file_controls_when_no_variable_is_set(targets, tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"disable_plugins": ["acme"], "strict_plugins": True}))
    rows, _ = plugin_table(targets, ["acme", "rival"], ONEIROS_HOME=str(tmp_path))
    assert rows["acme"]["status"] == "disabled" and "disable_plugins in" in rows["acme"]["reason"]
    assert rows["rival"]["status"] == "loaded"
    result = run(targets, ["broken"], "import oneiros as oi; oi.layers.get('Dense')", ONEIROS_HOME=str(tmp_path))
    assert result.returncode != 0 and "oneiros-broken" in result.stderr, result.stderr
    rows, _ = plugin_table(targets, ["acme"], ONEIROS_HOME=str(tmp_path), ONEIROS_DISABLE_PLUGINS="")
    assert rows["acme"]["status"] == "loaded"  # the variable wins over the file
    (tmp_path / "config.json").write_text(json.dumps({"plugins": "acme"}))
    result = run(targets, ["acme"], "import oneiros as oi; oi.layers.get('Dense')", ONEIROS_HOME=str(tmp_path))
    assert "plugins must be a list of plugin names" in result.stderr and "received 'acme'" in result.stderr


def test_strict_mode_names_every_failure_and_the_cli_shows_a_table(targets):
    result = run(targets, ["acme", "broken", "future"], """
        import oneiros as oi
        for attempt in range(2):
            try:
                oi.layers.get("AcmeDense")
            except oi.errors.PluginError as exc:
                print(exc)
    """, ONEIROS_STRICT_PLUGINS="1")
    assert result.stdout.count("refuses to run: 2 problem(s)") == 2, result.stderr
    assert "ImportError: the broken plugin cannot find libacme.so" in result.stdout
    assert "requires oneiros>=99" in result.stdout and "skipped" not in result.stdout
    table = oneiros_cli(targets, ["acme", "broken"], "plugins", ONEIROS_STRICT_PLUGINS="1")
    assert "Traceback" not in table.stderr and "libacme.so" in table.stdout, table.stderr
    assert table.returncode == 1


def test_check_reports_every_failure_and_exits_non_zero(targets):
    failing = oneiros_cli(targets, ["acme", "broken", "future"], "plugins", "--check")
    assert failing.returncode == 1, failing.stderr
    assert "2 plugin(s) failed (broken, future)" in failing.stderr
    assert "libacme.so" in failing.stderr and "requires oneiros>=99" in failing.stderr
    assert failing.stdout.count("failed") == 1 and failing.stdout.count("incompatible") == 1
    assert oneiros_cli(targets, ["acme"], "plugins", "--check").returncode == 0


def test_json_lists_names_overrides_and_clashes(targets):
    rows, stderr = plugin_table(targets, ["acme", "rival", "shadow"])
    assert rows["acme"]["names"] == {"layers": ["AcmeDense"], "losses": ["acme_loss"]}
    assert rows["shadow"]["overrides"] == [{"kind": "layers", "name": "Dense", "replaces": ["core>Dense"]}]
    assert {"kind": "losses", "name": "mse", "with": ["core>mse"], "plain_name_means": "core>mse"} in rows["shadow"]["clashes"]
    assert rows["rival"]["clashes"] == [
        {"kind": "layers", "name": "AcmeDense", "with": ["acme>AcmeDense"], "plain_name_means": None}
    ]
    table = oneiros_cli(targets, ["shadow"], "plugins")
    assert table.returncode == 0 and "overrides layer" in table.stdout, table.stderr


def test_loading_a_model_whose_plugin_is_missing_names_the_distribution(targets, tmp_path):
    path = tmp_path / "centered.oneiros"
    saved = run(targets, ["runstat"], f"""
        import oneiros as oi
        model = oi.Sequential([oi.Input((3,)), oi.layers.get("RunningCenter")()])
        model.save({str(path)!r})
    """, ONEIROS_BACKEND="numpy")
    assert saved.returncode == 0, saved.stderr
    load = f"import oneiros as oi; oi.load_model({str(path)!r})"
    missing = run(targets, [], load, ONEIROS_BACKEND="numpy")
    assert "PluginError: Unknown layers 'runstat>RunningCenter': the file was saved with plugin 'runstat' from " \
        "distribution oneiros-runstat 1.2.3" in missing.stderr, missing.stderr
    assert "pip install 'oneiros-runstat==1.2.3'" in missing.stderr and "not installed here" in missing.stderr
    disabled = run(targets, ["runstat"], load, ONEIROS_DISABLE_PLUGINS="runstat", ONEIROS_BACKEND="numpy")
    assert "it is disabled here: listed in ONEIROS_DISABLE_PLUGINS" in disabled.stderr, disabled.stderr
    assert run(targets, ["runstat"], load, ONEIROS_BACKEND="numpy").returncode == 0


def test_keras_style_metrics_and_callbacks_by_name(targets):
    result = run(targets, ["extras"], """
        import numpy as np
        import oneiros as oi
        model = oi.Sequential([oi.Input((2,)), oi.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse", metrics=["running_max"])
        x = np.arange(8, dtype="float32").reshape(4, 2)
        before = float(model.predict(x, verbose=0).max())
        history = model.fit(x, x[:, :1], batch_size=4, epochs=2, verbose=0,
                            callbacks=["EpochLog", {"class_name": "extras>EpochLog", "config": {"prefix": "B"}}])
        print(abs(history.history["running_max"][0] - max(before, 0.0)) < 1e-5)
        try:
            model.fit(x, x[:, :1], epochs=1, verbose=0, callbacks=[{"class_name": "EpochLog", "config": 3}])
        except TypeError as exc:
            print(exc)
    """, ONEIROS_BACKEND="jax")
    assert result.stdout.split()[:5] == ["A0", "B0", "A1", "B1", "True"], result.stdout + result.stderr
    assert "The config of callback 'EpochLog' must be a dict of arguments; received int 3." in result.stdout


def test_a_metric_without_either_contract_fails_at_registration(targets):
    rows, stderr = plugin_table(targets, ["hollow"])
    assert rows["hollow"]["status"] == "failed"
    assert "registered metric HalfDone that defines only update_state" in rows["hollow"]["reason"]


def test_a_plugin_cannot_take_the_core_names_without_override(targets):
    result = run(targets, ["squatter"], """
        import warnings
        warnings.simplefilter("always")
        import numpy as np
        import oneiros as oi
        assert oi.layers.Dense.__module__ == "oneiros.layers.dense", oi.layers.Dense
        assert oi.layers.get("squatter>Dense").__module__ == "oneiros_squatter.plugin"
        assert oi.losses.get("mse").__module__.startswith("oneiros.losses")
        with oi.backend_scope("jax"):
            model = oi.Sequential([oi.Input((3,)), oi.layers.Dense(2)])
            prediction = model.predict(np.ones((1, 3), "float32"), verbose=0)
        print(type(oi.backend.get_backend("jax")).__module__, prediction.shape)
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["oneiros_jax.backend", "(1,", "2)"], result.stdout
    for name in ("Dense", "mse", "jax"):
        assert f"'{name}'" in result.stderr and "squatter" in result.stderr, result.stderr
    rows, _ = plugin_table(targets, ["squatter"])
    clashes = {(row["kind"], row["name"]): row["plain_name_means"] for row in rows["squatter"]["clashes"]}
    assert clashes == {("layers", "Dense"): "core>Dense", ("losses", "mse"): "core>mse",
                       ("backends", "jax"): "jax>jax"}


def test_overriding_a_core_name_is_announced(targets):
    result = run(targets, ["shadow"], """
        import warnings
        warnings.simplefilter("always")
        import oneiros as oi
        print(oi.layers.Dense.__module__)
    """)
    assert result.stdout.strip() == "oneiros_shadow.plugin", result.stderr
    assert "NameOverrideWarning" in result.stderr and "shadow" in result.stderr and "'Dense'" in result.stderr


@pytest.mark.parametrize("culprit", ["exiter", "hookexit", "aborter"])
def test_a_plugin_that_exits_or_aborts_is_skipped_and_the_program_goes_on(targets, culprit):
    result = run(targets, [culprit, "acme"], """
        import oneiros as oi
        print(oi.layers.Dense.__module__, oi.layers.get("AcmeDense").__module__)
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["oneiros.layers.dense", "oneiros_acme.plugin"], result.stderr
    assert culprit in result.stderr, result.stderr
    rows, _ = plugin_table(targets, [culprit, "acme"])
    assert rows[culprit]["status"] == "failed" and rows["acme"]["status"] == "loaded", rows
