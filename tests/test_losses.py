import math

import keras
import numpy as np
import pytest
from keras import ops

import keras_gen as kg
from keras_gen import losses

ZEROS = ops.zeros((8, 1))


@pytest.mark.parametrize(
    "name, d_value, g_value",
    [
        # At D(x) = 1/2 everywhere (logits 0), the GAN's ideal end point.
        ("non_saturating", 2 * math.log(2), math.log(2)),
        ("minimax", 2 * math.log(2), -math.log(2)),
        ("least_squares", 0.5, 0.5),
        ("hinge", 2.0, 0.0),
        ("wasserstein", 0.0, 0.0),
        ("relativistic", math.log(2), math.log(2)),
    ],
)
def test_losses_at_zero_logits(name, d_value, g_value):
    loss = losses.get(name)
    assert float(loss.discriminator_loss(ZEROS, ZEROS)) == pytest.approx(
        d_value, abs=1e-6
    )
    assert float(loss.generator_loss(ZEROS, ZEROS)) == pytest.approx(g_value, abs=1e-6)


def test_the_relativistic_loss_pairs_real_and_generated_images():
    loss = losses.get("relativistic")
    real = ops.convert_to_tensor(np.array([[2.0], [0.0], [-1.0]], "float32"))
    fake = ops.convert_to_tensor(np.array([[0.0], [1.0], [-1.0]], "float32"))
    # Pairs: (2, 0), (0, 1), (-1, -1); softplus(t) = log(1 + e^t).
    d_expected = np.mean(np.log1p(np.exp([0 - 2, 1 - 0, -1 + 1])))
    g_expected = np.mean(np.log1p(np.exp([2 - 0, 0 - 1, -1 + 1])))
    assert float(loss.discriminator_loss(real, fake)) == pytest.approx(d_expected)
    assert float(loss.generator_loss(fake, real)) == pytest.approx(g_expected)
    # Pairing, not batch means: swapping two real images changes the loss.
    swapped = ops.convert_to_tensor(np.array([[0.0], [2.0], [-1.0]], "float32"))
    assert float(loss.generator_loss(fake, swapped)) != pytest.approx(g_expected)
    with pytest.raises(ValueError, match="real_logits"):
        loss.generator_loss(fake)
    assert not loss.probabilistic and not loss.supports_label_smoothing


@pytest.mark.parametrize("name", list(losses.ALIASES))
def test_generator_loss_falls_as_discriminator_is_fooled(name):
    loss = losses.get(name)
    fooled = float(loss.generator_loss(ops.full((8, 1), 2.0), ZEROS))
    caught = float(loss.generator_loss(ops.full((8, 1), -2.0), ZEROS))
    assert fooled < caught


@pytest.mark.parametrize("name", list(losses.ALIASES))
def test_discriminator_loss_falls_as_it_separates(name):
    loss = losses.get(name)
    good = float(loss.discriminator_loss(ops.full((8, 1), 2.0), ops.full((8, 1), -2.0)))
    bad = float(loss.discriminator_loss(ops.full((8, 1), -2.0), ops.full((8, 1), 2.0)))
    assert good < bad


def test_label_smoothing_moves_the_real_target():
    loss = losses.get("non_saturating")
    confident = ops.full((8, 1), 6.0)
    plain = float(loss.discriminator_loss(confident, -confident, real_label=1.0))
    smoothed = float(loss.discriminator_loss(confident, -confident, real_label=0.9))
    # With target 0.9 a fully confident D is penalised: BCE(0.9, sigmoid(6)).
    assert smoothed > plain + 0.2


def test_float16_logits_are_computed_in_float32():
    loss = losses.get("non_saturating")
    logits = ops.cast(ops.full((8, 1), 20.0), "float16")
    value = loss.discriminator_loss(logits, -logits)
    assert keras.backend.standardize_dtype(value.dtype) == "float32"
    assert np.isfinite(float(value))


def test_unknown_name_suggests_close_match():
    with pytest.raises(ValueError, match="Did you mean 'hinge'"):
        losses.get("hinge_loss")


def test_wrong_type_is_rejected():
    with pytest.raises(TypeError, match="AdversarialLoss"):
        losses.get(3)


@keras.saving.register_keras_serializable(package="keras_gen_tests")
class ScaledHinge(kg.losses.HingeLoss):
    def __init__(self, scale=1.0):
        self.scale = scale

    def generator_loss(self, fake_logits):
        return self.scale * super().generator_loss(fake_logits)

    def get_config(self):
        return {"scale": self.scale}


def test_builtin_losses_serialize_to_their_names():
    for name in losses.ALIASES:
        assert losses.serialize(losses.get(name)) == name


def test_custom_loss_round_trips_through_its_config():
    restored = losses.get(losses.serialize(ScaledHinge(scale=3.0)))
    assert isinstance(restored, ScaledHinge)
    assert restored.scale == 3.0
