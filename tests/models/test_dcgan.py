import numpy as np
import pytest

import keras_gen as kg
from tests.helpers import tiny_dcgan


@pytest.mark.parametrize("shape", [(28, 28, 1), (32, 32, 3)])
def test_builds_for_the_image_shape_and_trains(shape):
    dcgan = kg.DCGAN(image_shape=shape, latent_dim=8, base_filters=4)
    assert dcgan.image_shape == shape
    dcgan.compile()
    images = np.random.default_rng(0).uniform(-1, 1, (16,) + shape).astype("float32")
    history = dcgan.fit(images, batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][0])
    assert dcgan.generate(2, seed=0).shape == (2,) + shape


def test_defaults_are_the_papers_and_the_mnist_preset_is_named():
    dcgan = kg.DCGAN(image_shape=(28, 28, 1))
    assert (dcgan.latent_dim, dcgan.base_filters, dcgan.ema) == (100, 64, None)
    assert dcgan.preset is None
    tuned = kg.DCGAN.from_preset("mnist")
    assert tuned.generator.input_shape == (None, 16)
    assert (tuned.image_shape, tuned.ema, tuned.preset) == ((28, 28, 1), 0.999, "mnist")
    # Arguments replace the preset's.
    wide = kg.DCGAN.from_preset("mnist", image_shape=(32, 32, 3), latent_dim=8)
    assert (wide.image_shape, wide.latent_dim, wide.ema) == ((32, 32, 3), 8, 0.999)


def test_unknown_preset_is_a_clear_error():
    with pytest.raises(ValueError, match=r"Unknown DCGAN preset 'cifar'.*'mnist'"):
        kg.DCGAN.from_preset("cifar")
    with pytest.raises(ValueError, match=r"Unknown DCGAN preset"):
        kg.DCGAN(preset="mnsit")


def test_unsupported_shape_is_a_clear_error():
    with pytest.raises(ValueError, match=r"4 \* 2\*\*k or 7 \* 2\*\*k"):
        kg.DCGAN(image_shape=(30, 30, 1))


def test_accepts_networks_of_ones_own():
    generator = kg.networks.dcgan_generator(
        latent_dim=4, image_shape=(8, 8, 1), base_filters=2
    )
    dcgan = tiny_dcgan(generator=generator)
    assert dcgan.generator is generator


def test_call_maps_noise_to_images():
    dcgan = tiny_dcgan()
    images = dcgan(np.zeros((3, 4), "float32"))
    assert tuple(images.shape) == (3, 8, 8, 1)
