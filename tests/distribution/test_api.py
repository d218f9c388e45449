"""oi.distribution in this (single-device) process: validation, scoping, capability errors.

Nothing here calls jax.distributed.initialize: every initialize() call below fails validation first.
"""

import pytest

import oneiros as oi
from oneiros.errors import CapabilityError

distribution = oi.distribution


@pytest.fixture(autouse=True)
def jax_backend():
    with oi.backend_scope("jax") as backend, distribution.distribution_scope(None):
        yield backend


def test_devices_and_processes_of_a_single_process():
    assert distribution.list_devices() == ["cpu:0"]
    assert distribution.list_devices("cpu") == ["cpu:0"]
    assert (distribution.process_index(), distribution.process_count()) == (0, 1)
    assert distribution.is_chief()


def test_a_backend_without_distribution_says_so():
    with oi.backend_scope("numpy"):
        with pytest.raises(CapabilityError, match="'numpy' does not support 'distributed'") as caught:
            distribution.DataParallel()
        assert (caught.value.backend, caught.value.capability) == ("numpy", "distributed")
        assert distribution.is_chief()


def test_a_distribution_made_on_jax_is_refused_by_a_backend_without_distribution():
    chosen = distribution.DataParallel()
    with distribution.distribution_scope(chosen), oi.backend_scope("numpy"):
        with pytest.raises(CapabilityError, match="distributed"):
            distribution.current()


def test_device_mesh_checks_its_arguments():
    with pytest.raises(ValueError, match=r"needs 2 devices; received 1"):
        distribution.DeviceMesh((2,), ("batch",))
    with pytest.raises(ValueError, match="distinct"):
        distribution.DeviceMesh((1, 1), ("x", "x"))
    with pytest.raises(ValueError, match="one non-empty axis name per dimension"):
        distribution.DeviceMesh((1,), ("batch", "model"))
    with pytest.raises(ValueError, match="positive ints"):
        distribution.DeviceMesh((0,), ("batch",), devices=[])
    mesh = distribution.DeviceMesh((1, 1), ("batch", "model"), ["cpu:0"])
    assert (mesh.shape, mesh.axis_names, mesh.axis_size("model")) == ((1, 1), ("batch", "model"), 1)


def test_an_unknown_device_is_named_when_the_distribution_is_bound():
    chosen = distribution.DataParallel(devices=["cpu:7"])
    with pytest.raises(ValueError, match=r"Unknown device 'cpu:7'; the devices of this job are \['cpu:0'\]"):
        chosen.placement()


def test_layout_map_matches_exact_keys_first_then_one_pattern():
    layout_map = distribution.LayoutMap(distribution.DeviceMesh((1, 1), ("batch", "model")))
    layout_map["dense.*/kernel"] = (None, "model")
    layout_map["dense_2/kernel"] = ("model", None)
    layout_map["embedding/embeddings"] = ["model", None]
    assert layout_map["dense_1/kernel"] == (None, "model")
    assert layout_map["dense_2/kernel"] == ("model", None)
    assert layout_map["embedding/embeddings"] == ("model", None)
    assert layout_map["dense_1/bias"] is None
    layout_map["kernel$"] = (None, None)
    with pytest.raises(ValueError, match=r"matches several LayoutMap keys \['dense\.\*/kernel', 'kernel\$'\]"):
        layout_map["dense_1/kernel"]
    assert len(layout_map) == 4


def test_layout_map_refuses_unknown_axes_and_reused_axes():
    layout_map = distribution.LayoutMap(distribution.DeviceMesh((1, 1), ("batch", "model")))
    with pytest.raises(ValueError, match=r"names axes \['tensor'\] that mesh \('batch', 'model'\) does not have"):
        layout_map["kernel"] = (None, "tensor")
    with pytest.raises(ValueError, match="same mesh axis"):
        layout_map["kernel"] = ("model", "model")
    with pytest.raises(TypeError, match="tuple of mesh axis names"):
        layout_map["kernel"] = "model"
    assert len(layout_map) == 0


def test_model_parallel_checks_layouts_against_each_weight():
    mesh = distribution.DeviceMesh((1, 1), ("batch", "model"))
    layout_map = distribution.LayoutMap(mesh)
    layout_map["kernel"] = (None, "model")
    chosen = distribution.ModelParallel(layout_map=layout_map)
    assert chosen.batch_dim_name == "batch"
    assert chosen.get_variable_layout("dense/kernel", (3, 5)) == (None, "model")
    assert chosen.get_variable_layout("dense/bias", (5,)) == (None,)
    assert chosen.get_data_layout(3, batch_axis=1) == (None, "batch", None)
    with pytest.raises(ValueError, match=r"has 2 entries; the weight has shape \(3, 5, 7\)"):
        chosen.get_variable_layout("conv/kernel", (3, 5, 7))
    with pytest.raises(ValueError, match="batch_dim_name 'data' is not an axis"):
        distribution.ModelParallel(layout_map=layout_map, batch_dim_name="data")


def test_an_uneven_split_is_refused_naming_the_weight():
    # A mesh of one device cannot show it; a mesh description of 2 (no placement needed) can.
    mesh = distribution.DeviceMesh((2,), ("model",), devices=["cpu:0", "cpu:1"])
    layout_map = distribution.LayoutMap(mesh)
    layout_map["head/kernel"] = (None, "model")
    chosen = distribution.ModelParallel(layout_map=layout_map)
    with pytest.raises(ValueError, match=r"'head/kernel' of shape \(16, 3\): dimension of size 3 cannot be split "
                                         r"evenly over mesh axis 'model' of 2 devices"):
        chosen.get_variable_layout("head/kernel", (16, 3))


def test_set_distribution_and_scopes_restore_the_previous_one():
    outer, inner = distribution.DataParallel(), distribution.DataParallel()
    distribution.set_distribution(outer)
    try:
        with inner.scope():
            assert distribution.distribution() is inner
            assert distribution.current() is inner.placement()
        assert distribution.distribution() is outer
        with distribution.distribution_scope(None):
            assert distribution.current() is None
    finally:
        distribution.set_distribution(None)
    with pytest.raises(TypeError, match="expects a Distribution"):
        distribution.set_distribution("data_parallel")


def test_initialize_checks_its_arguments_and_environment_before_joining(monkeypatch):
    with pytest.raises(ValueError, match="process_id must be an int in \\[0, num_processes=2\\); received 2"):
        distribution.initialize("127.0.0.1:1234", num_processes=2, process_id=2)
    with pytest.raises(ValueError, match="'host:port'; received 'localhost'"):
        distribution.initialize("localhost", num_processes=2, process_id=0)
    monkeypatch.setenv("ONEIROS_NUM_PROCESSES", "two")
    with pytest.raises(ValueError, match="ONEIROS_NUM_PROCESSES must be an integer; received 'two'"):
        distribution.initialize("127.0.0.1:1234")
    monkeypatch.setenv("ONEIROS_NUM_PROCESSES", "2")
    monkeypatch.setenv("ONEIROS_PROCESS_ID", "5")
    with pytest.raises(ValueError, match="received 5"):
        distribution.initialize("127.0.0.1:1234")


def test_data_parallel_on_one_device_trains_like_no_distribution():
    import numpy as np

    from oneiros import layers

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(12, 3)).astype(np.float32), rng.normal(size=(12, 1)).astype(np.float32)
    kernel, bias = np.full((3, 1), 0.5, np.float32), np.zeros(1, np.float32)
    model = oi.Sequential([layers.Input((3,)), layers.Dense(1)])
    model.compile(optimizer=oi.optimizers.SGD(learning_rate=0.1), loss="mse")
    model.set_weights([kernel, bias])
    with distribution.DataParallel().scope():
        model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    for start in range(0, 12, 4):  # hand-written SGD on the mean squared error
        error = x[start:start + 4] @ kernel + bias - y[start:start + 4]
        kernel, bias = kernel - 0.1 * 2 * x[start:start + 4].T @ error / 4, bias - 0.1 * 2 * error.mean(0)
    np.testing.assert_allclose(model.get_weights()[0], kernel, atol=1e-6)
    np.testing.assert_allclose(model.get_weights()[1], bias, atol=1e-6)
