import numpy as np
import pytest

import keras_gen as kg
from keras_gen import networks


@pytest.mark.parametrize(
    "shape, plan",
    [
        ((28, 28, 1), (7, 7, 2)),
        ((32, 32, 3), (4, 4, 3)),
        ((64, 64, 1), (4, 4, 4)),
        ((32, 56, 1), (4, 7, 3)),
    ],
)
def test_spatial_plan(shape, plan):
    assert networks.spatial_plan(shape) == plan


@pytest.mark.parametrize("shape", [(30, 30, 1), (28, 32, 1), (28, 28), (32, 64, 1)])
def test_spatial_plan_rejects_unsupported_shapes(shape):
    with pytest.raises(ValueError, match="(?i)image|height|channels"):
        networks.spatial_plan(shape)


@pytest.mark.parametrize("shape", [(28, 28, 1), (32, 32, 3), (64, 64, 1)])
def test_dcgan_networks_fit_the_shape(shape):
    generator = kg.networks.dcgan_generator(
        latent_dim=10, image_shape=shape, base_filters=4
    )
    discriminator = kg.networks.dcgan_discriminator(image_shape=shape, base_filters=4)
    assert generator.output_shape == (None,) + shape
    assert discriminator.output_shape == (None, 1)
    images = generator(np.zeros((2, 10), "float32"))
    assert np.all(np.abs(np.asarray(images)) <= 1.0)


def test_dcgan_64_follows_the_paper():
    generator = kg.networks.dcgan_generator(latent_dim=100, image_shape=(64, 64, 1))
    # 4x4x512 -> 8x8x256 -> 16x16x128 -> 32x32x64 -> 64x64x1, no biases.
    shapes = [
        layer.output.shape[1:]
        for layer in generator.layers
        if type(layer).__name__ in ("Reshape", "Conv2DTranspose")
    ]
    assert shapes == [
        (4, 4, 512),
        (8, 8, 256),
        (16, 16, 128),
        (32, 32, 64),
        (64, 64, 1),
    ]
    assert not any(getattr(layer, "use_bias", False) for layer in generator.layers)
    discriminator = kg.networks.dcgan_discriminator(image_shape=(64, 64, 1))
    filters = [
        layer.filters for layer in discriminator.layers if hasattr(layer, "filters")
    ]
    assert filters == [64, 128, 256, 512]


def test_dcgan_initialisation_is_normal_002():
    generator = kg.networks.dcgan_generator(latent_dim=100, image_shape=(28, 28, 1))
    kernels = [
        np.asarray(layer.kernel).ravel()
        for layer in generator.layers
        if type(layer).__name__ == "Conv2DTranspose"
    ]
    assert np.std(np.concatenate(kernels)) == pytest.approx(0.02, rel=0.1)
    gammas = [
        np.asarray(layer.gamma) for layer in generator.layers if hasattr(layer, "gamma")
    ]
    assert np.mean(np.concatenate(gammas)) == pytest.approx(1.0, abs=0.01)


def test_conditional_inputs_widen_the_networks():
    generator = kg.networks.dcgan_generator(
        latent_dim=10, image_shape=(28, 28, 1), base_filters=4, input_dim=13
    )
    discriminator = kg.networks.dcgan_discriminator(
        image_shape=(28, 28, 1), base_filters=4, input_channels=4
    )
    assert generator.input_shape == (None, 13)
    assert discriminator.input_shape == (None, 28, 28, 4)


def test_mlp_networks_match_the_classic_script():
    generator = kg.networks.mlp_generator(latent_dim=64, image_shape=(28, 28, 1))
    discriminator = kg.networks.mlp_discriminator(image_shape=(28, 28, 1))
    dense_units = [layer.units for layer in generator.layers if hasattr(layer, "units")]
    assert dense_units == [256, 256, 784]
    assert generator.output_shape == (None, 28, 28, 1)
    d_units = [layer.units for layer in discriminator.layers if hasattr(layer, "units")]
    assert d_units == [256, 256, 1]


@pytest.mark.parametrize("shape", [(28, 28, 1), (32, 32, 3)])
def test_vae_networks(shape):
    encoder = kg.networks.vae_encoder(shape, latent_dim=5)
    decoder = kg.networks.vae_decoder(shape, latent_dim=5)
    assert [tuple(s) for s in encoder.output_shape] == [(None, 5), (None, 5)]
    assert decoder.output_shape == (None,) + shape
