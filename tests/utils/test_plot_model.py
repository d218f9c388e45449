"""plot_model and model_to_dot: the drawn graph has one box per layer and one arrow per connection
(as in Keras's drawing of the same architecture), files come out in PNG, SVG and DOT, and a missing
pydot or Graphviz is named in the error."""

from __future__ import annotations

import re
import sys
import types

import pytest

pydot = pytest.importorskip("pydot")
keras = pytest.importorskip("keras")

import oneiros as oi  # noqa: E402
from oneiros import layers, utils  # noqa: E402


def build(namespace, module):
    """A two-branch functional model written once for Keras and for Oneiros."""
    inputs = namespace.Input((8,), name="features")
    hidden = module.Dense(4, activation="relu", name="hidden")(inputs)
    left = module.Dense(2, name="left")(hidden)
    right = module.Dense(2, name="right")(hidden)
    merged = module.Concatenate(name="merged")([left, right])
    return namespace.Model(inputs, module.Dense(1, name="score")(merged))


@pytest.fixture(scope="module")
def model():
    return build(oi, layers)


def names_and_edges(dot):
    """(node labels' layer names, edges as (tail name, head name)) of a pydot graph."""
    graph = pydot.graph_from_dot_data(dot.to_string())[0]
    names = {}
    for node in graph.get_nodes():
        title = re.search(r"<b>(\w+)</b> \(", node.get_label() or "")
        if title:
            names[node.get_name().strip('"')] = title.group(1)
    edges = {(names[edge.get_source().strip('"')], names[edge.get_destination().strip('"')])
             for edge in graph.get_edges()}
    return set(names.values()), edges


def test_the_graph_matches_keras_drawing_of_the_same_model(model):
    ours = names_and_edges(utils.model_to_dot(model, show_layer_names=True))
    theirs = names_and_edges(keras.utils.model_to_dot(build(keras, keras.layers), show_layer_names=True))
    assert ours == theirs
    assert ours[1] == {("features", "hidden"), ("hidden", "left"), ("hidden", "right"), ("left", "merged"),
                       ("right", "merged"), ("merged", "score")}


def test_labels_show_shapes_dtypes_and_activations_when_asked(model):
    text = utils.model_to_dot(model, show_shapes=True, show_dtype=True, show_layer_activations=True,
                              show_trainable=True).to_string()
    assert "Output shape: (None, 4)" in text and "Input shape: [(None, 2), (None, 2)]" in text
    assert "Output dtype: float32" in text and "Activation: relu" in text and "Trainable: True" in text
    assert "<b>hidden</b>" not in utils.model_to_dot(model, show_layer_names=False).to_string()


def test_files_in_png_svg_and_dot(model, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "IPython", None)
    assert utils.plot_model(model, tmp_path / "model.png", show_shapes=True, dpi=72) is None
    assert (tmp_path / "model.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    utils.plot_model(model, tmp_path / "model.svg", show_layer_names=True, rankdir="LR")
    svg = (tmp_path / "model.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "merged" in svg
    utils.plot_model(model, tmp_path / "model.dot")
    assert pydot.graph_from_dot_file(str(tmp_path / "model.dot"))[0].get_rankdir() == "TB"


def test_nested_models_expand_into_a_cluster(tmp_path):
    inner = oi.Sequential([layers.Input((3,)), layers.Dense(5, name="inner_a"), layers.Dense(1, name="inner_b")],
                          name="tower")
    inputs = oi.Input((3,))
    outer = oi.Model(inputs, layers.Dense(2, name="head")(inner(inputs)))
    collapsed = utils.model_to_dot(outer, show_layer_names=True).to_string()
    assert "<b>tower</b>" in collapsed and "inner_a" not in collapsed
    expanded = pydot.graph_from_dot_data(utils.model_to_dot(outer, show_layer_names=True,
                                                            expand_nested=True).to_string())[0]
    clusters = expanded.get_subgraphs()
    assert [cluster.get_label() for cluster in clusters] == ["tower"]
    assert "inner_b" in clusters[0].to_string() and len(expanded.get_edges()) == 2


def test_missing_pydot_is_named(model, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pydot", None)
    with pytest.raises(ImportError, match=r"pip install pydot"):
        utils.plot_model(model, tmp_path / "model.png")


def test_missing_graphviz_is_named_and_dot_source_still_works(model, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ImportError, match=r"apt-get install graphviz"):
        utils.plot_model(model, tmp_path / "model.png")
    assert not (tmp_path / "model.png").exists()
    utils.plot_model(model, tmp_path / "model.dot")
    assert "digraph" in (tmp_path / "model.dot").read_text()


def test_bad_rankdir_is_named(model):
    with pytest.raises(ValueError, match=r"rankdir='BT'"):
        utils.model_to_dot(model, rankdir="BT")


def test_a_notebook_gets_an_image_of_the_drawing(model, tmp_path, monkeypatch):
    """With IPython importable plot_model returns ``IPython.display.Image(filename=...)``, as Keras does."""
    shown = []
    display = types.SimpleNamespace(Image=lambda filename: shown.append(filename) or "image")
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(display=display))
    monkeypatch.setitem(sys.modules, "IPython.display", display)
    assert utils.plot_model(model, tmp_path / "model.png", dpi=72) == "image"
    assert shown == [str(tmp_path / "model.png")]
