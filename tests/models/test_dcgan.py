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


def test_default_networks_are_the_tuned_ones():
    dcgan = kg.DCGAN(image_shape=(28, 28, 1))
    assert dcgan.latent_dim == 16
    assert dcgan.generator.input_shape == (None, 16)
    assert dcgan.base_filters == 64
    assert dcgan.ema == 0.999


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
