"""utils.Config behaves as Keras 3's (the oracle, side by side); interactive logging switches the
progress bar between stdout and the "oneiros" logger, as Keras's switches to absl logging."""

from __future__ import annotations

import logging
import os

import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

from oneiros import utils  # noqa: E402


@pytest.mark.parametrize("module", [utils, keras.utils], ids=["oneiros", "keras"])
def test_config_attribute_and_item_access_and_freezing(module):
    config = module.Config(learning_rate=0.1, momentum=0.9)
    config.momentum = 0.95
    config["nesterov"] = True
    assert (config.learning_rate, config["momentum"], config.get("nesterov"), config.get("missing", 3)) == \
        (0.1, 0.95, True, 3)
    assert list(config) == ["learning_rate", "momentum", "nesterov"] and len(config) == 3 and "momentum" in config
    assert config.as_dict() == {"learning_rate": 0.1, "momentum": 0.95, "nesterov": True}
    assert config.to_json() == '{"learning_rate": 0.1, "momentum": 0.95, "nesterov": true}'
    with pytest.raises(AttributeError, match="Unknown attribute: 'momentun'. Did you mean 'momentum'?"):
        config.momentun
    config.freeze()
    assert config.frozen
    for mutate in (lambda: setattr(config, "momentum", 0.0), lambda: config.update(a=1), lambda: config.pop("momentum"),
                   lambda: config.__delitem__("momentum")):
        with pytest.raises(ValueError, match="frozen"):
            mutate()
    config.unfreeze()
    del config["nesterov"]
    assert config.pop("momentum") == 0.95 and config.as_dict() == {"learning_rate": 0.1}


def test_interactive_logging_moves_the_progress_bar_to_the_logger(capsys, caplog):
    assert utils.is_interactive_logging_enabled() and keras.utils.is_interactive_logging_enabled()
    utils.disable_interactive_logging()
    try:
        assert not utils.is_interactive_logging_enabled()
        with caplog.at_level(logging.INFO, logger="oneiros"):
            bar = utils.Progbar(2)
            bar.update(2, finalize=True)
        assert capsys.readouterr().out == ""
        assert any(record.name == "oneiros" and "2/2" in record.getMessage() for record in caplog.records)
    finally:
        utils.enable_interactive_logging()
    utils.Progbar(2).update(2, finalize=True)
    assert "2/2" in capsys.readouterr().out
