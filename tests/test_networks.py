import keras
import numpy as np
import pytest

import keras_gen as kg
from keras_gen import networks

to_numpy = keras.ops.convert_to_numpy


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
    assert np.all(np.abs(to_numpy(images)) <= 1.0)


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


SMALL_R3GAN = dict(width=8, group_size=8, expansion=2)


@pytest.mark.parametrize("shape", [(28, 28, 1), (32, 32, 3), (16, 28, 1)])
def test_r3gan_networks_fit_the_shape(shape):
    generator = networks.r3gan_generator(latent_dim=6, image_shape=shape, **SMALL_R3GAN)
    discriminator = networks.r3gan_discriminator(image_shape=shape, **SMALL_R3GAN)
    assert generator.output_shape == (None,) + shape
    assert discriminator.output_shape == (None, 1)
    images = to_numpy(generator(np.ones((2, 6), "float32")))
    assert images.shape == (2,) + shape and np.all(np.isfinite(images))
    assert to_numpy(discriminator(images)).shape == (2, 1)


def _residual_adds(model):
    return [layer for layer in model.layers if type(layer).__name__ == "Add"]


def test_r3gan_blocks_start_as_the_identity():
    # Fix-up: each block's last convolution is zeros, so its output is its input.
    discriminator = networks.r3gan_discriminator(
        image_shape=(28, 28, 1), blocks_per_stage=2, **SMALL_R3GAN
    )
    adds = _residual_adds(discriminator)
    assert len(adds) == 3 * 2  # 3 resolutions (7, 14, 28), 2 blocks each
    probe = keras.Model(
        discriminator.input,
        [output for add in adds for output in (add.input[0], add.output)],
    )
    outputs = probe(np.random.default_rng(0).normal(size=(2, 28, 28, 1)))
    for block_input, block_output in zip(outputs[::2], outputs[1::2]):
        np.testing.assert_allclose(to_numpy(block_output), to_numpy(block_input))


def test_r3gan_initialisation_follows_the_paper():
    # Branch layers: N(0, (gain * L**-0.25 / sqrt(fan_in))^2) for L blocks.
    discriminator = networks.r3gan_discriminator(
        image_shape=(28, 28, 1), width=64, blocks_per_stage=2
    )
    blocks = 3 * 2
    gain = np.sqrt(2 / (1 + 0.2**2)) * blocks**-0.25
    expand = [
        layer
        for layer in discriminator.layers
        if type(layer).__name__ == "Conv2D" and layer.filters == 128
    ]
    assert len(expand) == blocks
    kernel = np.concatenate([np.asarray(layer.kernel).ravel() for layer in expand])
    assert np.std(kernel) == pytest.approx(gain / np.sqrt(64), rel=0.05)
    grouped = [
        np.asarray(layer.kernel).ravel()
        for layer in discriminator.layers
        if isinstance(layer, networks.GroupedConv2D)
    ]
    assert len(grouped) == blocks
    fan_in = 16 * 3 * 3  # groups of 16 channels, a 3x3 kernel
    assert np.std(np.concatenate(grouped)) == pytest.approx(
        gain / np.sqrt(fan_in), rel=0.05
    )


def test_r3gan_widths_run_from_the_base_grid_up_in_both_networks():
    widths = (16, 8, 8)
    generator = networks.r3gan_generator(
        latent_dim=4, image_shape=(28, 28, 1), widths=widths, group_size=8
    )
    discriminator = networks.r3gan_discriminator(
        image_shape=(28, 28, 1), widths=widths, group_size=8
    )

    def channels_at(model):
        return {
            add.output.shape[1]: add.output.shape[-1] for add in _residual_adds(model)
        }

    assert channels_at(generator) == {7: 16, 14: 8, 28: 8}
    assert channels_at(discriminator) == {7: 16, 14: 8, 28: 8}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"widths": (16, 8)}, "needs 3 values"),
        ({"width": 12, "group_size": 16}, "groups of 16 do not divide"),
        ({"image_shape": (30, 30, 1)}, "(?i)image"),
    ],
)
def test_r3gan_rejects_sizes_it_cannot_build(kwargs, message):
    with pytest.raises(ValueError, match=message):
        networks.r3gan_discriminator(**{"image_shape": (28, 28, 1), **kwargs})


def test_grouped_convolution_computes_what_a_grouped_conv2d_does():
    rng = np.random.default_rng(0)
    images = rng.normal(size=(2, 6, 6, 8)).astype("float32")
    ours = networks.GroupedConv2D(12, 3, groups=4)
    reference = keras.layers.Conv2D(12, 3, padding="same", groups=4)
    ours.build(images.shape)
    reference.build(images.shape)
    assert tuple(ours.kernel.shape) == tuple(reference.kernel.shape)
    bias = rng.normal(size=(12,)).astype("float32")
    kernel = rng.normal(size=tuple(reference.kernel.shape)).astype("float32")
    ours.set_weights([kernel, bias])
    reference.set_weights([kernel, bias])
    np.testing.assert_allclose(
        to_numpy(ours(images)), to_numpy(reference(images)), rtol=1e-4, atol=1e-4
    )
    with pytest.raises(ValueError, match="not a multiple of groups"):
        networks.GroupedConv2D(10, 3, groups=4)


@pytest.mark.slow
def test_r3gan_preset_trains_saves_and_reloads(tmp_path):
    model = kg.GAN.from_preset("r3gan", widths=(8, 8, 8), group_size=8, latent_dim=4)
    assert model.preset == "r3gan" and model.ema == 0.999
    model.compile()
    assert isinstance(model.adversarial_loss, kg.losses.RelativisticLoss)
    assert (model.r1_penalty, model.r2_penalty, model.r1_batch_size) == (0.05, 0.05, 16)
    images = np.random.default_rng(0).uniform(-1, 1, (32, 28, 28, 1))
    model.fit(images.astype("float32"), batch_size=32, epochs=1, verbose=0)
    path = tmp_path / "r3gan.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    np.testing.assert_allclose(
        np.asarray(reloaded.generate(3, seed=1)), np.asarray(model.generate(3, seed=1))
    )
