import numpy as np
import pytest

import keras_gen as kg
from tests.helpers import non_finite_gan, tiny_dcgan


def attached(monitor, model=None):
    model = model or tiny_dcgan()
    model.compile()
    monitor.set_model(model)
    return monitor


def test_warns_when_the_discriminator_wins_for_patience_epochs():
    monitor = attached(kg.callbacks.TrainingMonitor(patience=2))
    winning = {"d_loss": 0.01, "g_loss": 6.0, "real_score": 0.99, "fake_score": 0.01}
    monitor.on_epoch_end(0, winning)
    with pytest.warns(
        kg.callbacks.TrainingWarning,
        match=r"won outright for 2 epochs.*label_smoothing",
    ):
        monitor.on_epoch_end(1, winning)
    assert not monitor.model.stop_training


def test_balanced_scores_do_not_warn():
    monitor = attached(kg.callbacks.TrainingMonitor(patience=1))
    monitor.on_epoch_end(0, {"real_score": 0.6, "fake_score": 0.4})
    assert monitor.warnings == []


def test_stops_when_asked():
    monitor = attached(kg.callbacks.TrainingMonitor(patience=1, stop=True))
    with pytest.warns(kg.callbacks.TrainingWarning):
        monitor.on_epoch_end(0, {"real_score": 0.999, "fake_score": 0.0})
    assert monitor.model.stop_training


def test_warns_on_a_sharp_drop_in_sample_diversity():
    model = tiny_dcgan()
    assert model.ema  # the monitor must watch the live weights, not the average
    monitor = attached(kg.callbacks.TrainingMonitor(), model)
    monitor.on_epoch_end(0, {})
    assert monitor.diversity[0] > 0
    for variable in model.generator.trainable_variables:  # every sample the same
        variable.assign(np.zeros(variable.shape))
    with pytest.warns(kg.callbacks.TrainingWarning, match="diversity fell sharply"):
        monitor.on_epoch_end(1, {})
    assert monitor.diversity[1] < 0.5 * monitor.diversity[0]


def test_nan_losses_stop_gracefully_when_asked(images):
    monitor = kg.callbacks.TrainingMonitor(stop=True)
    with pytest.warns(kg.callbacks.TrainingWarning, match="`d_loss` became nan"):
        history = non_finite_gan().fit(
            images, batch_size=8, epochs=3, verbose=0, callbacks=[monitor]
        )
    assert len(history.epoch) == 1


def test_nan_losses_raise_otherwise(images):
    monitor = kg.callbacks.TrainingMonitor()
    with (
        pytest.raises(kg.callbacks.NonFiniteLossError),
        pytest.warns(kg.callbacks.TrainingWarning),
    ):
        non_finite_gan().fit(
            images, batch_size=8, epochs=3, verbose=0, callbacks=[monitor]
        )
