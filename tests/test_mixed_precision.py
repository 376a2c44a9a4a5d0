"""Every model trains under the mixed_float16, mixed_bfloat16 and float64 policies."""

import keras
import numpy as np
import pytest

from tests.helpers import (
    IMAGE_SHAPE,
    colour_of,
    tiny_cgan,
    tiny_conditional_diffusion,
    tiny_cyclegan,
    tiny_dcgan,
    tiny_gan,
    tiny_vae,
)

#: bfloat16 runs in the slow tier (`-m slow`), and on JAX, which refuses float16.
POLICIES = ["mixed_float16", pytest.param("mixed_bfloat16", marks=pytest.mark.slow)]


@pytest.fixture
def policy(request):
    if request.param == "mixed_float16" and keras.backend.backend() == "jax":
        pytest.skip("refused on JAX (test_float16_is_refused_on_jax_with_the_fix)")
    keras.mixed_precision.set_global_policy(request.param)
    yield request.param
    keras.mixed_precision.set_global_policy("float32")


def train(model, images, labels=None, epochs=2):
    data = (images, labels) if labels is not None else (images,)
    return model.fit(*data, batch_size=8, epochs=epochs, verbose=0, shuffle=False)


def assert_finite(history):
    for name, values in history.history.items():
        assert np.all(np.isfinite(values)), (name, values)


@pytest.mark.parametrize("policy", POLICIES, indirect=True)
@pytest.mark.parametrize(
    "make, options",
    [
        (tiny_gan, {}),
        (tiny_dcgan, {"label_smoothing": 0.1, "r1_penalty": 1.0}),
        (tiny_dcgan, {"loss": "wasserstein", "gradient_penalty": 10.0}),
        (
            tiny_dcgan,
            {"loss": "relativistic", "r1_penalty": 1.0, "r2_penalty": 1.0},
        ),
    ],
    ids=["gan", "dcgan-r1", "dcgan-wgan-gp", "dcgan-relativistic-r1-r2"],
)
def test_gans_train_with_float32_outputs_and_losses(policy, images, make, options):
    gan = make()
    gan.compile(**options)
    assert gan.generator.compute_dtype == policy.split("_")[1]
    history = train(gan, images)
    assert_finite(history)
    # Discriminator logits and generated images leave the networks in float32.
    assert keras.backend.standardize_dtype(gan.discriminator(images).dtype) == "float32"
    assert keras.backend.standardize_dtype(gan.generate(2, seed=0).dtype) == "float32"


@pytest.mark.parametrize("policy", ["mixed_float16"], indirect=True)
def test_float16_scales_both_losses(policy, images):
    gan = tiny_dcgan()
    gan.compile(loss="wasserstein", gradient_penalty=10.0)
    for optimizer in (gan.d_optimizer, gan.g_optimizer):
        assert isinstance(optimizer, keras.optimizers.LossScaleOptimizer)
    assert gan.d_optimizer is not gan.g_optimizer
    train(gan, images)
    for optimizer in (gan.d_optimizer, gan.g_optimizer):
        scale = float(optimizer.dynamic_scale)
        # In use (the optimizer counted its steps) and not collapsed by the penalty.
        assert int(optimizer.iterations) > 0
        assert np.isfinite(scale) and scale >= 1.0, scale


@pytest.mark.parametrize("policy", ["mixed_float16"], indirect=True)
def test_loss_scaling_can_be_turned_off(policy):
    gan = tiny_gan()
    gan.compile(auto_scale_loss=False)
    assert not isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)


@pytest.mark.parametrize("policy", ["mixed_bfloat16"], indirect=True)
def test_bfloat16_needs_no_loss_scaling(policy):
    gan = tiny_gan()
    gan.compile()
    assert not isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)


@pytest.mark.parametrize("policy", POLICIES, indirect=True)
def test_cgan_trains(policy, images):
    cgan = tiny_cgan()
    cgan.compile()
    labels = np.arange(len(images)) % 3
    assert_finite(train(cgan, images, labels))
    assert cgan.generate(labels=[0, 1]).dtype == np.float32


@pytest.mark.slow
@pytest.mark.parametrize("policy", POLICIES, indirect=True)
def test_cyclegan_trains(policy, images):
    if keras.backend.backend() == "torch":
        # PyTorch's CPU convolution backward in half precision fails inside
        # CycleGAN's networks ("slow_conv2d: grad_weight must be contiguous").
        pytest.skip("half-precision CycleGAN on PyTorch's CPU: a known failure")
    cyclegan = tiny_cyclegan()
    cyclegan.compile()
    if policy == "mixed_float16":
        assert isinstance(cyclegan.g_optimizer, keras.optimizers.LossScaleOptimizer)
    assert_finite(train(cyclegan, images, colour_of(images)))
    assert cyclegan.translate(colour_of(images[:2]), to="a").dtype == np.float32


@pytest.mark.parametrize("policy", POLICIES, indirect=True)
def test_vae_trains(policy, images):
    vae = tiny_vae()
    vae.compile()
    if policy == "mixed_float16":
        assert isinstance(vae.optimizer, keras.optimizers.LossScaleOptimizer)
    assert_finite(train(vae, (images + 1) / 2))
    assert vae.decode(np.zeros((2, 2), "float32")).shape == (2,) + IMAGE_SHAPE


@pytest.mark.parametrize("policy", ["mixed_float16"], indirect=True)
def test_float16_model_saves_and_loads(policy, images, tmp_path):
    gan = tiny_gan()
    gan.compile()
    train(gan, images, epochs=1)
    gan.save(tmp_path / "gan.keras")
    restored = keras.models.load_model(tmp_path / "gan.keras")
    assert isinstance(restored.d_optimizer, keras.optimizers.LossScaleOptimizer)
    np.testing.assert_allclose(
        restored.generate(4, seed=1), gan.generate(4, seed=1), atol=1e-3
    )


@pytest.mark.parametrize("policy", ["float64"], indirect=True)
@pytest.mark.parametrize("kind", ["gan", "dcgan-ema-gp", "cgan", "vae"])
def test_float64_models_train_in_float64(policy, kind, images, labels):
    """Outputs, losses, the EMA and the penalty keep float64; nothing is cut to float32."""
    if keras.backend.backend() == "jax":
        pytest.skip("JAX computes in float64 only with jax_enable_x64 set at start-up")
    if keras.backend.backend() == "torch" and kind == "vae":
        pytest.skip("PyTorch's float64 CPU convolution refuses Keras' permuted kernel")
    if kind == "vae":
        model, data = tiny_vae(), ((images + 1) / 2,)
        model.compile()
    else:
        model = {
            "gan": lambda: tiny_gan(),
            "dcgan-ema-gp": lambda: tiny_dcgan(ema=0.9),
            "cgan": lambda: tiny_cgan(),
        }[kind]()
        data = (images, labels) if kind == "cgan" else (images,)
        model.compile(gradient_penalty=1.0 if kind == "dcgan-ema-gp" else 0.0)
    history = model.fit(*data, batch_size=8, epochs=1, verbose=0)
    assert_finite(history)
    assert {keras.backend.standardize_dtype(v.dtype) for v in model.weights} == {
        "float64"
    }
    generated = (
        model.generate(labels=[0, 1], seed=0)
        if kind == "cgan"
        else model.generate(2, seed=0)
    )
    assert generated.dtype == np.float64


@pytest.mark.skipif(keras.backend.backend() != "jax", reason="JAX's refusal")
def test_float16_is_refused_on_jax_with_the_fix():
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        gan = tiny_dcgan()
        with pytest.raises(ValueError, match="use .*'mixed_bfloat16'"):
            gan.compile()
    finally:
        keras.mixed_precision.set_global_policy("float32")


@pytest.mark.slow
@pytest.mark.parametrize("policy", POLICIES, indirect=True)
def test_diffusion_trains_with_a_float32_loss_and_samples(policy, images, labels):
    model = tiny_conditional_diffusion()
    model.compile()
    assert model.network.compute_dtype == policy.split("_")[1]
    assert_finite(train(model, images, labels))
    samples = model.generate(labels=[0, 1, 2], seed=0, guidance=2.0)
    assert samples.dtype == np.float32 and np.all(np.isfinite(samples))
