import warnings

import keras
import numpy as np
import pytest

import keras_gen as kg
from tests.helpers import (
    IMAGE_SHAPE,
    LATENT_DIM,
    assert_all_close,
    assert_same_training,
    non_finite_gan,
    tiny_cgan,
    tiny_dcgan,
    tiny_gan,
    tiny_paper_dcgan,
    variable_values,
)


def fit(model, images, epochs=1, **kwargs):
    return model.fit(
        images, batch_size=8, epochs=epochs, verbose=0, shuffle=False, **kwargs
    )


# --- Training ---------------------------------------------------------------


@pytest.mark.parametrize(
    "loss, options",
    [
        ("non_saturating", {}),
        ("minimax", {}),
        ("least_squares", {"label_smoothing": 0.1}),
        ("hinge", {}),
        ("wasserstein", {"gradient_penalty": 10.0, "d_steps": 2}),
        ("non_saturating", {"gradient_penalty": 1.0, "label_smoothing": 0.1}),
        ("non_saturating", {"r1_penalty": 1.0}),
        ("hinge", {"r1_penalty": 10.0}),
    ],
)
def test_every_loss_variant_trains(images, loss, options):
    gan = tiny_gan()
    gan.compile(loss=loss, **options)
    before = variable_values(gan.generator.trainable_variables)
    history = fit(gan, images, epochs=2)
    expected = {"d_loss", "g_loss"}
    if loss in ("non_saturating", "minimax"):
        expected |= {"real_score", "fake_score"}
    assert set(history.history) == expected
    # Every tracker but the data check, which the guard keeps out of the logs.
    assert set(history.history) == {m.name for m in gan.metrics} - {"data_check"}
    for values in history.history.values():
        assert len(values) == 2 and np.all(np.isfinite(values))
    after = variable_values(gan.generator.trainable_variables)
    assert any(not np.allclose(a, b) for a, b in zip(before, after))


def test_logged_values_are_epoch_means_of_the_steps(images):
    gan = tiny_gan()
    gan.compile()
    seen = []
    record = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: seen.append(logs["d_loss"])
    )
    history = fit(gan, images, callbacks=[record])
    # Logs after batch k are the running mean of batches 1..k.
    per_step = [seen[0]] + [
        (k + 1) * seen[k] - k * seen[k - 1] for k in range(1, len(seen))
    ]
    assert history.history["d_loss"][0] == pytest.approx(np.mean(per_step), rel=1e-4)


def test_d_steps_updates_the_discriminator_more_often(images):
    gan = tiny_gan()
    gan.compile(d_steps=3)
    fit(gan, images)
    steps = len(images) // 8
    assert int(gan.d_optimizer.iterations) == 3 * steps
    assert int(gan.g_optimizer.iterations) == steps


class CountedNoise:
    """Mixin: counts noise draws; with `fixed`, draws the same noise every time."""

    fixed = False

    def sample_noise(self, batch_size):
        self.noise_draws = getattr(self, "noise_draws", 0) + 1
        if not self.fixed:
            return super().sample_noise(batch_size)
        values = keras.ops.arange(8 * self.latent_dim, dtype="float32")
        return keras.ops.reshape(keras.ops.sin(values * 0.37), (8, self.latent_dim))


class CountedNoiseDCGAN(CountedNoise, kg.DCGAN):
    pass


@pytest.mark.parametrize(
    "reuse, d_steps, draws_per_step", [(True, 1, 1), (False, 1, 2), (True, 2, 2)]
)
def test_reusing_fake_images_runs_the_generator_once_per_step(
    images, reuse, d_steps, draws_per_step
):
    gan = CountedNoiseDCGAN.from_config(tiny_dcgan().get_config())
    gan.compile(reuse_fake_images=reuse, d_steps=d_steps, run_eagerly=True)
    fit(gan, images)
    assert gan.noise_draws == draws_per_step * (len(images) // 8)


def test_reusing_fake_images_gives_the_update_of_the_same_noise(images):
    # With the same noise for both updates, generating once and generating
    # twice give the same images, so the two steps must agree: the generator
    # update goes through the reused forward pass to the updated discriminator.
    trained = []
    for reuse in (True, False):
        keras.utils.set_random_seed(0)
        gan = CountedNoiseDCGAN.from_config(tiny_dcgan().get_config())
        gan.fixed = True
        gan.compile(
            d_optimizer=keras.optimizers.SGD(0.5),
            g_optimizer=keras.optimizers.SGD(0.5),
            reuse_fake_images=reuse,
        )
        before = [
            variable_values(network.trainable_variables)
            for network in (gan.generator, gan.discriminator)
        ]
        history = fit(gan, images[:16])
        after = [
            variable_values(network.trainable_variables)
            for network in (gan.generator, gan.discriminator)
        ]
        trained.append((after, history.history["g_loss"]))
    (reused, reused_loss), (fresh, fresh_loss) = trained
    for reused_values, fresh_values in zip(reused, fresh):
        assert_all_close(reused_values, fresh_values, atol=1e-5)
    assert reused_loss == pytest.approx(fresh_loss, rel=1e-5)
    for initial, final in zip(before, reused):
        # Both networks moved by far more than the tolerance.
        assert max(np.abs(a - b).max() for a, b in zip(initial, final)) > 5e-4


def test_reuse_fake_images_follows_the_compiler_unless_told():
    # Under TensorFlow's XLA a second generator pass is cheaper than the
    # recorded one (docs/benchmarks.md); everywhere else the pass is reused.
    import keras

    from keras_gen import backend

    class Compiled:
        jit_compile = True

    xla_on_tensorflow = keras.backend.backend() == "tensorflow"
    assert backend.default_reuse_fake_images(Compiled) is not xla_on_tensorflow
    Compiled.jit_compile = False
    assert backend.default_reuse_fake_images(Compiled) is True
    gan = tiny_gan()
    gan.compile()
    chosen = backend.default_reuse_fake_images(gan)
    assert gan.reuse_fake_images is chosen
    assert gan.get_compile_config()["reuse_fake_images"] is chosen
    for reuse in (True, False):
        gan.compile(reuse_fake_images=reuse)
        assert gan.reuse_fake_images is reuse
        assert gan.get_compile_config()["reuse_fake_images"] is reuse


def test_reuse_fake_images_must_be_a_bool_or_auto():
    with pytest.raises(ValueError, match="True, False or 'auto'"):
        tiny_gan().compile(reuse_fake_images="yes")


def test_each_optimizer_updates_only_its_own_network(images):
    gan = tiny_gan()
    gan.compile(
        d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(0.1)
    )
    d_before = variable_values(gan.discriminator.variables)
    g_before = variable_values(gan.generator.trainable_variables)
    fit(gan, images)
    assert_all_close(variable_values(gan.discriminator.variables), d_before, atol=0)
    g_after = variable_values(gan.generator.trainable_variables)
    assert all(not np.allclose(a, b) for a, b in zip(g_before, g_after))


def test_model_optimizer_combines_the_two_optimizers():
    gan = tiny_gan()
    gan.compile()
    # No stray default optimizer: model.optimizer holds exactly the two.
    assert isinstance(gan.optimizer, keras.optimizers.MultiOptimizer)
    assert gan.optimizer.optimizers == [gan.d_optimizer, gan.g_optimizer]
    owned = {id(v) for v in gan.d_optimizer.variables + gan.g_optimizer.variables}
    assert owned <= {id(v) for v in gan.optimizer.variables}
    assert gan.d_optimizer.built and gan.g_optimizer.built
    # Built on their own networks' variables only.
    assert gan.d_optimizer._trainable_variables == gan.discriminator.trainable_variables
    assert gan.g_optimizer._trainable_variables == gan.generator.trainable_variables


@pytest.mark.parametrize(
    "make, d_rate, g_rate, regularization, ema",
    [
        (tiny_gan, 2e-4, 2e-4, (0.0, 0.0, None), None),
        (tiny_paper_dcgan, 2e-4, 2e-4, (0.1, 0.0, None), None),
        (tiny_dcgan, 4e-4, 1e-3, (0.1, 0.3, 16), 0.999),
        (tiny_cgan, 2e-4, 2e-4, (0.1, 0.0, None), None),
    ],
    ids=["gan-none", "dcgan-paper", "dcgan-mnist-preset", "cgan-label-smoothing"],
)
def test_compile_defaults(make, d_rate, g_rate, regularization, ema):
    gan = make()
    gan.compile()
    for optimizer, rate in ((gan.d_optimizer, d_rate), (gan.g_optimizer, g_rate)):
        assert isinstance(optimizer, keras.optimizers.Adam)
        assert float(optimizer.learning_rate) == pytest.approx(rate)
        assert optimizer.beta_1 == 0.5
    assert isinstance(gan.adversarial_loss, kg.losses.NonSaturatingLoss)
    assert (gan.label_smoothing, gan.r1_penalty, gan.r1_batch_size) == regularization
    assert gan.gradient_penalty == 0.0
    assert gan.ema == ema
    # The compile config records the values used, not "auto".
    config = gan.get_compile_config()
    assert (
        config["label_smoothing"],
        config["r1_penalty"],
        config["r1_batch_size"],
    ) == regularization


@pytest.mark.parametrize(
    "options, regularization",
    [
        # Losses without a probability reading get no tuned regularization.
        ({"loss": "hinge"}, (0.0, 0.0, None)),
        ({"loss": "least_squares"}, (0.0, 0.0, None)),
        ({"loss": "minimax"}, (0.1, 0.3, 16)),
        # A gradient penalty replaces R1 unless R1 is asked for too.
        ({"loss": "wasserstein", "gradient_penalty": 10.0}, (0.0, 0.0, None)),
        ({"gradient_penalty": 10.0}, (0.1, 0.0, None)),
        ({"gradient_penalty": 10.0, "r1_penalty": 1.0}, (0.1, 1.0, 16)),
        # Given arguments win; the others stay automatic.
        ({"r1_penalty": 0.0}, (0.1, 0.0, None)),
        ({"r1_penalty": 1.0}, (0.1, 1.0, 16)),
        ({"r1_batch_size": None}, (0.1, 0.3, None)),
        ({"label_smoothing": 0.0}, (0.0, 0.3, 16)),
    ],
)
def test_dcgan_auto_regularization_follows_the_loss(options, regularization):
    gan = tiny_dcgan()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. no "r1_batch_size without r1" warning
        gan.compile(**options)
    assert (gan.label_smoothing, gan.r1_penalty, gan.r1_batch_size) == regularization


def test_regularization_other_than_a_number_or_auto_is_refused():
    with pytest.raises(ValueError, match="'auto'"):
        tiny_dcgan().compile(r1_penalty="strong")


def test_a_given_optimizer_replaces_only_its_default():
    gan = tiny_dcgan()
    gan.compile(g_optimizer=keras.optimizers.SGD(0.1))
    assert isinstance(gan.g_optimizer, keras.optimizers.SGD)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(4e-4)


def test_subclasses_change_the_defaults_through_the_hook():
    class SlowGenerator(kg.DCGAN):
        def compile_defaults(self, loss):
            return {
                **super().compile_defaults(loss),
                "d_optimizer": keras.optimizers.Adam(1e-3),
                "g_optimizer": keras.optimizers.Adam(1e-5),
            }

    gan = SlowGenerator(image_shape=IMAGE_SHAPE, latent_dim=LATENT_DIM, base_filters=4)
    gan.compile()
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(1e-3)
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(1e-5)


def critic_gan(*critic_layers):
    """A GAN with a tiny generator and a critic of flattened images."""
    discriminator = keras.Sequential(
        [keras.Input(IMAGE_SHAPE), keras.layers.Flatten(), *critic_layers]
    )
    generator = kg.networks.mlp_generator(LATENT_DIM, IMAGE_SHAPE, (8,))
    return kg.GAN(generator, discriminator, latent_dim=LATENT_DIM)


def linear_critic_gan():
    """A GAN whose critic is D(x) = w . x (input gradient w everywhere), and
    `w` with unit norm."""
    weights = np.random.default_rng(0).normal(size=(int(np.prod(IMAGE_SHAPE)), 1))
    gan = critic_gan(keras.layers.Dense(1, use_bias=False))
    return gan, weights / np.linalg.norm(weights)


def test_gradient_penalty_of_a_unit_lipschitz_critic_is_zero(images):
    # D(x) = w . x with ||w|| = 1 has gradient norm exactly 1 everywhere.
    gan, unit = linear_critic_gan()
    # Tensors, as in a train step (on a GPU, numpy and device tensors do not mix).
    real = keras.ops.convert_to_tensor(images)
    for scale, expected in [(1.0, 0.0), (3.0, 4.0)]:  # (||w|| - 1)^2
        gan.discriminator.layers[-1].kernel.assign(scale * unit)
        weights = keras.random.uniform((len(images), 1, 1, 1), seed=0)
        penalty = kg.penalties.gradient_penalty(gan.discriminator, real, -real, weights)
        assert float(keras.ops.convert_to_numpy(penalty)) == pytest.approx(
            expected, abs=1e-4
        )


def test_r1_penalty_of_a_linear_critic_is_its_squared_weight_norm(images):
    gan, unit = linear_critic_gan()
    real = keras.ops.convert_to_tensor(images)
    for scale in (1.0, 3.0):
        gan.discriminator.layers[-1].kernel.assign(scale * unit)
        penalty = kg.penalties.r1(gan.discriminator, real)
        assert float(keras.ops.convert_to_numpy(penalty)) == pytest.approx(
            scale**2, rel=1e-4
        )


def test_r1_penalty_is_added_to_the_discriminator_loss(images):
    # With a linear critic, the penalty is a constant gamma / 2 * ||w||^2.
    losses = {}
    for r1 in (0.0, 4.0):
        keras.utils.set_random_seed(0)
        gan, unit = linear_critic_gan()
        gan.discriminator.layers[-1].kernel.assign(2.0 * unit)
        gan.compile(r1_penalty=r1)
        losses[r1] = gan.evaluate(images, batch_size=8, verbose=0, return_dict=True)
    # gamma / 2 * ||2 w||^2 = 4 / 2 * 4
    assert losses[4.0]["d_loss"] == pytest.approx(losses[0.0]["d_loss"] + 8.0, rel=1e-5)
    assert losses[4.0]["g_loss"] == pytest.approx(losses[0.0]["g_loss"], rel=1e-5)


@pytest.mark.parametrize(
    "r1, r2, added",
    [(0.0, 4.0, 8.0), (4.0, 4.0, 16.0), (0.0, 1.0, 2.0)],
)
def test_r2_penalty_is_added_to_the_discriminator_loss(images, r1, r2, added):
    # Linear critic: ||grad D||^2 = ||2 w||^2 = 4 on real and generated images
    # alike, so R1 and R2 each add gamma / 2 * 4.
    losses = {}
    for penalties in ((0.0, 0.0), (r1, r2)):
        keras.utils.set_random_seed(0)
        gan, unit = linear_critic_gan()
        gan.discriminator.layers[-1].kernel.assign(2.0 * unit)
        gan.compile(r1_penalty=penalties[0], r2_penalty=penalties[1])
        losses[penalties] = gan.evaluate(
            images, batch_size=8, verbose=0, return_dict=True
        )
    plain, penalised = losses[(0.0, 0.0)], losses[(r1, r2)]
    assert penalised["d_loss"] == pytest.approx(plain["d_loss"] + added, rel=1e-5)
    assert gan.get_compile_config()["r2_penalty"] == r2


def test_r2_penalty_is_on_the_generated_images(images):
    # D(x) = ||x||^2 / 2 has ||grad D(x)||^2 = ||x||^2: R2 is the mean squared
    # norm of the generated images, whatever the real ones are.
    gan = quadratic_critic_gan()
    fakes = keras.ops.convert_to_tensor(images * 0.5)
    critic = gan._critic(None)
    expected = float(np.mean(np.sum(np.square(images * 0.5), axis=(1, 2, 3))))
    value = kg.penalties.r2(critic, fakes)
    assert float(keras.ops.convert_to_numpy(value)) == pytest.approx(expected, rel=1e-4)


def test_the_relativistic_loss_scores_the_generator_against_real_images(images):
    # A critic that outputs the mean pixel: D(x) - D(G(z)) is known, so the
    # logged losses are the closed forms.
    discriminator = keras.Sequential(
        [
            keras.Input(IMAGE_SHAPE),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(1, kernel_initializer="ones", use_bias=False),
        ]
    )
    generator = kg.networks.mlp_generator(LATENT_DIM, IMAGE_SHAPE, (8,))
    gan = kg.GAN(generator, discriminator, latent_dim=LATENT_DIM, seed=0)
    gan.compile(loss="relativistic")
    assert gan.adversarial_loss.relativistic
    real = images[:8]
    fake = gan._generate(8, None, training=False)
    r = np.mean(real, axis=(1, 2))
    f = keras.ops.convert_to_numpy(keras.ops.mean(fake, axis=(1, 2)))
    d_loss, (_, _) = gan._discriminator_objective(
        keras.ops.convert_to_tensor(real), fake, None, training=False
    )
    assert float(d_loss) == pytest.approx(np.mean(np.logaddexp(0, f - r)), rel=1e-5)
    g_loss, _ = gan._generator_objective(
        fake, keras.ops.convert_to_tensor(real), None, training=False
    )
    assert float(g_loss) == pytest.approx(np.mean(np.logaddexp(0, r - f)), rel=1e-5)
    history = fit(gan, images, epochs=1)
    assert set(history.history) == {"d_loss", "g_loss"}  # no probability scores


def quadratic_critic_gan():
    """A GAN whose critic is D(x) = ||x||^2 / 2, so that ||grad D(x)||^2 =
    ||x||^2 differs from image to image."""
    return critic_gan(
        keras.layers.Lambda(keras.ops.square),
        keras.layers.Dense(1, use_bias=False, kernel_initializer="ones"),
        keras.layers.Rescaling(0.5),
    )


def test_r1_batch_size_estimates_the_penalty_on_every_kth_image(images):
    # Brightness rising through each batch of 8: each image's norm differs.
    images = images * np.tile(np.linspace(0.25, 1.0, 8, dtype="float32"), 4).reshape(
        -1, 1, 1, 1
    )

    def d_loss(**options):
        keras.utils.set_random_seed(0)
        gan = quadratic_critic_gan()
        gan.compile(**options)
        return gan.evaluate(images, batch_size=8, verbose=0, return_dict=True)["d_loss"]

    unpenalised = d_loss()
    whole_batch = d_loss(r1_penalty=2.0) - unpenalised
    two_of_eight = d_loss(r1_penalty=2.0, r1_batch_size=2) - unpenalised
    # gamma / 2 * mean ||x||^2 over the images used, averaged over the 4 batches.
    squared_norms = np.sum(np.square(images), axis=(1, 2, 3)).reshape(4, 8)
    assert whole_batch == pytest.approx(squared_norms.mean(), rel=1e-4)
    # Images 0 and 4 of each batch (every 8 // 2 = 4th), not the first two.
    assert two_of_eight == pytest.approx(squared_norms[:, ::4].mean(), rel=1e-4)
    assert two_of_eight < 0.7 * whole_batch


def test_r1_batch_size_trains_a_conditional_model(images, labels):
    cgan = tiny_cgan()
    cgan.compile(r1_penalty=1.0, r1_batch_size=2)
    history = cgan.fit(images, labels, batch_size=8, epochs=1, verbose=0)
    assert np.all(np.isfinite(history.history["d_loss"]))


def test_r1_batch_size_without_r1_penalty_warns():
    with pytest.warns(UserWarning, match="r1_penalty"):
        tiny_gan().compile(r1_batch_size=16)


@pytest.mark.usefixtures("float64_policy")
def test_seed_makes_training_reproducible(images):
    results = []
    for _ in range(2):
        keras.utils.set_random_seed(1)
        gan = tiny_gan(seed=7)
        gan.compile()
        fit(gan, images)
        results.append(gan.get_weights())
    assert_same_training(results[0], results[1])


# --- Generation -------------------------------------------------------------


def test_generate_returns_numpy_images_in_range(images):
    gan = tiny_gan()
    gan.compile()
    fit(gan, images)
    samples = gan.generate(5, seed=0)
    assert isinstance(samples, np.ndarray)
    assert samples.shape == (5,) + IMAGE_SHAPE and samples.dtype == np.float32
    assert samples.min() >= -1 and samples.max() <= 1
    np.testing.assert_array_equal(samples, gan.generate(5, seed=0))
    assert not np.allclose(samples, gan.generate(5, seed=1))
    assert gan.generate(0).shape == (0,) + IMAGE_SHAPE


def test_generate_does_not_advance_the_training_seed():
    gan = tiny_gan()
    state = np.asarray(gan.seed_generator.state)
    gan.generate(4)
    np.testing.assert_array_equal(state, np.asarray(gan.seed_generator.state))


def test_generate_rejects_bad_requests():
    gan = tiny_gan()
    with pytest.raises(ValueError, match="num_images"):
        gan.generate(-1)
    with pytest.raises(ValueError, match=r"\(num_images, 4\)"):
        gan.generate(noise=np.zeros((3, 5), "float32"))


def test_truncation_bounds_the_noise_generate_draws():
    gan = tiny_gan()
    drawn = []
    generate_images = gan.generate_images

    def recording(noise, condition=None, use_ema=True):
        drawn.append(np.asarray(noise))
        return generate_images(noise, condition, use_ema=use_ema)

    gan.generate_images = recording
    samples = gan.generate(2000, seed=0, truncation=0.5)
    noise = np.concatenate(drawn)
    assert noise.shape == (2000, LATENT_DIM)
    assert np.abs(noise).max() <= 0.5
    # A normal truncated at 0.5 spreads nearly uniformly over the interval
    # (standard deviation 0.28), not piled at its edges as clipping would.
    assert 0.26 < noise.std() < 0.30 and (np.abs(noise) == 0.5).mean() < 0.01
    np.testing.assert_array_equal(samples, gan.generate(2000, seed=0, truncation=0.5))
    drawn.clear()
    gan.generate(2000, seed=0)
    assert np.abs(np.concatenate(drawn)).max() > 2  # untruncated by default


def test_truncation_rejects_bad_requests():
    gan = tiny_gan()
    for bad in (0, -1.0, float("nan"), "1"):
        with pytest.raises(ValueError, match="`truncation` must be a number > 0"):
            gan.generate(2, truncation=bad)
    with pytest.raises(ValueError, match="own `noise`"):
        gan.generate(noise=np.zeros((2, LATENT_DIM), "float32"), truncation=1.0)


def test_ema_weights_follow_the_generator_and_drive_generate(images):
    gan = tiny_gan(ema=0.9)
    gan.compile()
    fit(gan, images, epochs=3)
    live = variable_values(gan.generator.trainable_variables)
    average = variable_values(gan._ema_weights)
    assert any(not np.allclose(a, b) for a, b in zip(live, average))
    noise = np.random.default_rng(0).normal(size=(4, LATENT_DIM)).astype("float32")
    from_live = keras.ops.convert_to_numpy(gan.generator(noise, training=False))
    generated = gan.generate(noise=noise)
    assert not np.allclose(generated, from_live)
    for variable, value in zip(gan.generator.trainable_variables, average):
        variable.assign(value)
    np.testing.assert_allclose(
        generated,
        keras.ops.convert_to_numpy(gan.generator(noise, training=False)),
        atol=1e-6,
    )


def test_ema_must_be_a_decay():
    with pytest.raises(ValueError, match=r"\(0, 1\)"):
        tiny_gan(ema=1.5)


# --- Compile options --------------------------------------------------------


def test_label_smoothing_is_refused_where_meaningless():
    gan = tiny_gan()
    with pytest.raises(ValueError, match="no meaning"):
        gan.compile(loss="hinge", label_smoothing=0.1)


def test_shared_optimizer_is_refused():
    optimizer = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="same object"):
        tiny_gan().compile(d_optimizer=optimizer, g_optimizer=optimizer)


def test_single_optimizer_argument_is_refused():
    with pytest.raises(TypeError, match="d_optimizer"):
        tiny_gan().compile(optimizer="adam")


def test_wasserstein_without_penalty_warns():
    with pytest.warns(UserWarning, match="gradient_penalty"):
        tiny_gan().compile(loss="wasserstein")


@pytest.mark.parametrize(
    "options, message",
    [
        ({"d_steps": 0}, "d_steps"),
        ({"label_smoothing": 1.0}, "label_smoothing"),
        ({"gradient_penalty": -1}, "gradient_penalty"),
        ({"r1_penalty": -0.5}, "r1_penalty"),
        ({"r1_penalty": 1.0, "r1_batch_size": 0}, "r1_batch_size"),
        ({"r1_penalty": 1.0, "r1_batch_size": 2.5}, "r1_batch_size"),
        ({"loss": "nonsaturating"}, "non_saturating"),
    ],
)
def test_bad_compile_options(options, message):
    with pytest.raises(ValueError, match=message):
        tiny_gan().compile(**options)


# --- Data -------------------------------------------------------------------


def test_trains_on_a_labelled_dataset_ignoring_labels(images, labels, tf):
    gan = tiny_gan()
    gan.compile()
    dataset = tf.data.Dataset.from_tensor_slices((images, labels)).batch(8)
    with warnings_as_errors():
        history = gan.fit(dataset, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][0])


def test_trains_from_a_python_generator(images):
    gan = tiny_gan()
    gan.compile()

    def batches():
        while True:
            yield (images[:8],)  # Keras wants tuples from generators

    with warnings_as_errors():
        history = gan.fit(batches(), steps_per_epoch=2, epochs=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][0])


def test_evaluate_reports_both_losses(images):
    gan = tiny_gan()
    gan.compile()
    results = gan.evaluate(images, batch_size=8, verbose=0, return_dict=True)
    assert set(results) == {"d_loss", "g_loss", "real_score", "fake_score"}
    assert all(np.isfinite(v) for v in results.values())


class warnings_as_errors:
    """Fails on the `shuffle` warning Keras gives for datasets by default."""

    def __enter__(self):
        self._context = warnings.catch_warnings()
        self._context.__enter__()
        warnings.filterwarnings("error", message=".*shuffle.*")

    def __exit__(self, *exc):
        return self._context.__exit__(*exc)


@pytest.mark.parametrize(
    "bad, message",
    [
        (lambda x: (x * 127.5 + 127.5).astype("uint8"), r"uint8.*x / 127\.5 - 1"),
        (lambda x: x * 127.5 + 127.5, r"\[-1, 1\].*spans"),
        (lambda x: x[..., 0], "channel axis is missing"),
        (lambda x: np.repeat(x, 3, axis=-1), "1 channel"),
        (lambda x: np.pad(x, ((0, 0), (0, 2), (0, 2), (0, 0))), r"\(batch, 8, 8, 1\)"),
    ],
)
def test_bad_images_are_refused_before_training(images, bad, message, tf):
    gan = tiny_gan()
    gan.compile()
    with pytest.raises(ValueError, match=message):
        fit(gan, bad(images))
    dataset = tf.data.Dataset.from_tensor_slices(bad(images)).batch(8)
    with pytest.raises(ValueError, match=message):
        gan.fit(dataset, verbose=0)
    assert int(gan.g_optimizer.iterations) == 0


def test_wrong_shape_from_a_generator_fails_while_tracing(images):
    gan = tiny_gan()
    gan.compile()

    def batches():
        while True:
            yield (images[:8, :4],)

    with pytest.raises(ValueError, match=r"\(batch, 8, 8, 1\)"):
        gan.fit(batches(), steps_per_epoch=1, verbose=0)


def test_non_finite_loss_stops_training_naming_the_loss(images):
    gan = non_finite_gan()
    with pytest.raises(
        kg.callbacks.NonFiniteLossError, match="`d_loss`.*epoch 1, batch 1"
    ):
        fit(gan, images)


def test_unsupported_backend_is_refused_before_training(images, monkeypatch):
    from keras_gen import backend

    gan = tiny_gan()
    gan.compile()
    monkeypatch.setattr(backend, "BACKEND", "openvino")
    with pytest.raises(NotImplementedError, match="KERAS_BACKEND"):
        fit(gan, images)
    with pytest.raises(NotImplementedError, match="'openvino'"):
        gan.evaluate(images, verbose=0)
    assert gan.generate(2, seed=0).shape == (2,) + IMAGE_SHAPE


def test_model_optimizer_iterations_count_train_steps(images):
    gan = tiny_gan()
    gan.compile(d_steps=2)
    fit(gan, images)
    steps = len(images) // 8
    assert int(gan.optimizer.iterations) == steps
    assert int(gan.g_optimizer.iterations) == steps
    assert int(gan.d_optimizer.iterations) == 2 * steps


def test_learning_rate_scheduler_reaches_both_optimizers(images):
    gan = tiny_gan()
    gan.compile()
    scheduler = keras.callbacks.LearningRateScheduler(lambda epoch, lr: 1e-5)
    fit(gan, images, callbacks=[scheduler])
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(1e-5)
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(1e-5)


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="Keras' 'auto' elsewhere"
)
def test_default_jit_compile_is_xla_for_dense_models_on_cpu(monkeypatch):
    # The test session enables op determinism, under which Keras refuses XLA;
    # pretend it allows it to see keras_gen's choice.
    from keras_gen.backend import tensorflow as tensorflow_backend

    monkeypatch.setattr(tensorflow_backend, "model_supports_jit", lambda model: True)
    dense, convolutional = tiny_gan(), tiny_dcgan()
    assert kg.backend.default_jit_compile(dense) is True
    assert kg.backend.default_jit_compile(convolutional) is False
    # An explicit choice wins, and is what the compile config stores.
    dense.compile(jit_compile=False)
    assert dense.jit_compile is False
    assert dense.get_compile_config()["jit_compile"] is False
    monkeypatch.setattr(tensorflow_backend, "model_supports_jit", lambda model: False)
    assert kg.backend.default_jit_compile(tiny_gan()) == "auto"
