import numpy as np
import pytest

import keras_gen as kg


def test_finite_losses_pass():
    guard = kg.callbacks.TerminateOnNonFinite()
    guard.on_epoch_begin(0)
    guard.on_train_batch_end(0, {"d_loss": 1.0, "g_loss": 2.0, "real_score": np.nan})


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_loss_raises_with_its_name_and_place(value):
    guard = kg.callbacks.TerminateOnNonFinite(suggestion="Lower the learning rate.")
    guard.on_epoch_begin(4)
    with pytest.raises(
        kg.callbacks.NonFiniteLossError, match=r"`kl_loss`.*epoch 5, batch 3.*Lower"
    ):
        guard.on_train_batch_end(2, {"loss": 1.0, "kl_loss": value})


def test_models_use_the_callers_guard_instead_of_their_own(images):
    from tests.helpers import non_finite_gan

    gan = non_finite_gan(np.inf)
    guard = kg.callbacks.TerminateOnNonFinite(suggestion="CALLER'S ADVICE")
    with pytest.raises(kg.callbacks.NonFiniteLossError, match="CALLER'S ADVICE"):
        gan.fit(images, batch_size=8, verbose=0, callbacks=[guard])
