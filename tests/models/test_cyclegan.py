"""CycleGAN: the objective, the history of generated images, unpaired data in,
both directions out, and every tool on it."""

import keras
import numpy as np
import pytest

import keras_gen as kg
from tests.helpers import IMAGE_SHAPE, assert_same_training, colour_of, tiny_cyclegan


def numpy(tensor):
    if hasattr(tensor, "detach"):  # a PyTorch tensor that requires grad
        tensor = tensor.detach()
    return keras.ops.convert_to_numpy(tensor)


@pytest.fixture
def domains(images):
    return images, colour_of(images[::-1])


def test_the_residual_generator_keeps_the_size_and_the_paper_layout():
    net = kg.networks.resnet_generator((28, 28, 1), output_channels=3, base_filters=4)
    assert net.output_shape == (None, 28, 28, 3)
    # The paper's 256x256 generator: c7s1-64, d128, d256, 9 residual blocks.
    paper = kg.networks.resnet_generator((256, 256, 3))
    widths = [layer.filters for layer in paper.layers if hasattr(layer, "filters")]
    assert widths[:3] == [64, 128, 256] and widths[-3:] == [128, 64, 3]
    assert sum(isinstance(layer, keras.layers.Add) for layer in paper.layers) == 9
    with pytest.raises(ValueError, match="divisible by 4"):
        kg.networks.resnet_generator((30, 30, 1))
    patchgan = kg.networks.patchgan_discriminator(
        (28, 28, 3), base_filters=4, normalization="instance"
    )
    assert not any(
        isinstance(layer, keras.layers.BatchNormalization) for layer in patchgan.layers
    )
    with pytest.raises(ValueError, match="normalization"):
        kg.networks.patchgan_discriminator((28, 28, 3), normalization="layer")


def test_the_generator_objective_adds_the_weighted_cycle_and_identity_terms(images):
    a, b = images[:4], -images[4:8]
    model = kg.CycleGAN(
        image_shape=IMAGE_SHAPE, base_filters=4, residual_blocks=1, cycle_weight=3.0
    )
    assert model.identity_weight == 1.5  # half the cycle weight: the paper's
    model.compile()
    loss, (_, _, logs) = model._generator_objective(a, b, training=False)
    g_ab, g_ba = model.generator_ab, model.generator_ba

    def l1(x, y):
        return np.abs(numpy(x) - numpy(y)).mean()

    def adversarial(d, fake):
        return 0.5 * np.mean((numpy(d(fake)) - 1.0) ** 2)

    cycle_a, cycle_b = l1(g_ba(g_ab(a)), a), l1(g_ab(g_ba(b)), b)
    identity_a, identity_b = l1(g_ba(a), a), l1(g_ab(b), b)
    expected_adversarial = adversarial(model.discriminator_b, g_ab(a)) + adversarial(
        model.discriminator_a, g_ba(b)
    )
    assert float(logs["cycle_a"]) == pytest.approx(cycle_a, rel=1e-5)
    assert float(logs["identity_b"]) == pytest.approx(identity_b, rel=1e-5)
    assert float(logs["g_loss"]) == pytest.approx(expected_adversarial, rel=1e-5)
    expected = (
        expected_adversarial
        + 3.0 * (cycle_a + cycle_b)
        + 1.5 * (identity_a + identity_b)
    )
    assert float(numpy(loss)) == pytest.approx(expected, rel=1e-5)


def test_domains_of_different_channels_have_no_identity_term(domains):
    model = tiny_cyclegan()
    assert model.identity_weight == 0.0
    assert [m.name for m in model.metrics][:4] == [
        "d_loss",
        "g_loss",
        "cycle_a",
        "cycle_b",
    ]
    with pytest.raises(ValueError, match="identity_weight=0"):
        tiny_cyclegan(identity_weight=5.0)
    with pytest.raises(ValueError, match="cycle_weight"):
        tiny_cyclegan(cycle_weight=-1)


def test_the_history_stores_while_filling_then_swaps_half(images):
    model = tiny_cyclegan(history_size=6, seed=2)
    batch = images[:4]
    shown = numpy(model._swap(model.history_a, batch, 0))
    np.testing.assert_array_equal(shown, batch)  # filling: shown as they are
    np.testing.assert_array_equal(numpy(model.history_a)[:4], batch)
    shown = numpy(model._swap(model.history_a, images[4:8], 4))
    # Two slots were free: the first two are shown and stored there (unless a
    # later image of the batch, swapping, drew the same slot: the later wins).
    np.testing.assert_array_equal(shown[:2], images[4:6])
    for kept in numpy(model.history_a)[4:6]:
        assert any(np.array_equal(kept, image) for image in images[4:8])
    # Full: each image is shown, or swapped for a stored one that it replaces
    # (two images drawn to one slot both show the stored image; the later is
    # stored).
    swapped = 0
    for step in range(10):
        before = numpy(model.history_a)
        new = images[(8 + 4 * step) % 28 :][:4]
        shown = numpy(model._swap(model.history_a, new, 6))
        after = numpy(model.history_a)
        for index, (image, seen) in enumerate(zip(new, shown)):
            if np.array_equal(seen, image):
                continue
            swapped += 1
            assert any(np.array_equal(seen, kept) for kept in before)
            stored = any(np.array_equal(image, kept) for kept in after)
            later = any(np.array_equal(seen, other) for other in shown[index + 1 :])
            assert stored or later
        changed = sum(not np.array_equal(b, a) for b, a in zip(before, after))
        assert changed <= 4
    assert 10 <= swapped <= 30  # about half of 40


def test_fit_trains_both_directions_and_fills_the_history(domains):
    a, b = domains
    model = tiny_cyclegan(seed=0)
    model.compile()
    before = [numpy(w).copy() for w in model.generator_ba.weights[:1]]
    history = model.fit(a, b, batch_size=8, epochs=1, verbose=0)
    assert {"d_loss", "g_loss", "cycle_a", "cycle_b"} <= set(history.history)
    assert not np.allclose(numpy(model.generator_ba.weights[0]), before[0])
    assert int(numpy(model.history_filled)) == 4
    assert model.translate(a[:3], to="b").shape == (3,) + IMAGE_SHAPE[:2] + (3,)
    assert model.translate(b[:3], to="a").shape == (3,) + IMAGE_SHAPE
    np.testing.assert_allclose(
        model.generate(condition=a[:3]), model.translate(a[:3]), atol=1e-6
    )


def test_one_set_of_images_or_the_wrong_domain_is_a_clear_error(domains):
    a, b = domains
    model = tiny_cyclegan()
    model.compile()
    with pytest.raises(ValueError, match=r"unpaired batches of \(images_a, images_b\)"):
        model.fit(a, batch_size=8, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="images_a"):
        model.fit(b, b, batch_size=8, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="to='a'"):
        model.translate(a, to="a")
    with pytest.raises(ValueError, match="to"):
        model.translate(a, to="c")
    with pytest.raises(TypeError, match="d_optimizer"):
        model.compile(optimizer="adam")


@pytest.mark.slow
def test_grid_rows_go_there_and_back_in_both_directions(domains, tmp_path):
    a, b = domains
    model = tiny_cyclegan(seed=1)
    model.compile()
    grid = kg.callbacks.ImageGrid(tmp_path, num_images=8, gif=False)
    model.fit(a, b, batch_size=8, epochs=1, callbacks=[grid], verbose=0)
    fixed = dict(np.load(tmp_path / "fixed_inputs.npz"))
    images, columns = model.grid_images(fixed)
    assert columns == 8 and images.shape == (48,) + IMAGE_SHAPE[:2] + (3,)
    real_a, real_b = fixed["example_condition"], fixed["example_images"]
    np.testing.assert_array_equal(images[:8], np.repeat(real_a, 3, axis=-1))
    np.testing.assert_allclose(images[8:16], model.translate(real_a), atol=1e-6)
    np.testing.assert_array_equal(images[24:32], real_b)
    to_a = model.translate(real_b, to="a")
    np.testing.assert_allclose(images[32:40], np.repeat(to_a, 3, axis=-1), atol=1e-6)
    np.testing.assert_allclose(images[40:48], model.translate(to_a), atol=1e-6)
    assert (tmp_path / "epoch_0001.png").exists()


@pytest.mark.slow
def test_export_serves_each_direction(domains, tmp_path):
    tf = pytest.importorskip("tensorflow")
    if keras.backend.backend() == "torch":
        pytest.skip("export runs on TensorFlow and JAX")
    a, b = domains
    model = tiny_cyclegan(seed=1)
    served = tf.saved_model.load(str(model.export_generator(tmp_path / "export")))
    assert {"serving_default", "a_to_b", "b_to_a"} <= set(served.signatures)
    assert "sample" not in served.signatures
    to_b = served.signatures["a_to_b"](images_a=tf.constant(a[:4]))["images"]
    to_a = served.signatures["b_to_a"](images_b=tf.constant(b[:4]))["images"]
    np.testing.assert_allclose(to_b.numpy(), model.translate(a[:4]), atol=1e-5)
    np.testing.assert_allclose(to_a.numpy(), model.translate(b[:4], to="a"), atol=1e-5)
    default = served.signatures["serving_default"](images_a=tf.constant(a[:4]))
    np.testing.assert_allclose(default["images"].numpy(), to_b.numpy(), atol=1e-6)


@pytest.mark.slow
def test_heldout_metrics_score_both_cycles_and_the_digits_that_survive():
    digits, labels = kg.evaluation.default_reference_images()
    a = digits[:40] * 2 - 1
    b = np.repeat(digits[40:80], 3, axis=-1) * 2 - 1
    model = kg.CycleGAN(channels_b=3, base_filters=4, residual_blocks=1, seed=0)
    result = kg.evaluation.evaluate(
        model, num_samples=8, test_data=(a, b), labels_b=labels[40:80], detail=False
    )
    back = (model.translate(model.translate(a), to="a") + 1) / 2
    assert result["cycle_l1_a"] == pytest.approx(np.abs(back - (a + 1) / 2).mean())
    assert {"cycle_l1_b", "frechet_distance_b_to_a", "label_accuracy_b_to_a"} <= set(
        result
    )
    assert "frechet_distance_a_to_b" not in result  # B's colour: no classifier
    # The samples (A to B, colour) cannot be scored by the digit classifier.
    assert "frechet_distance" in result.skipped
    with pytest.raises(ValueError, match="one label per image"):
        model.heldout_metrics((a, b), labels_b=labels[:3])


@pytest.mark.slow
def test_round_trip_keeps_the_history_and_resumes_exactly(domains, tmp_path):
    a, b = domains

    def trained(epochs, model=None):
        model = model or tiny_cyclegan(seed=3)
        if not model.compiled:
            model.compile()
        model.fit(a, b, batch_size=8, epochs=epochs, verbose=0, shuffle=False)
        return model

    keras.utils.set_random_seed(1)
    uninterrupted = trained(2)
    keras.utils.set_random_seed(1)
    half = trained(1)
    half.save(tmp_path / "half.keras")
    restored = keras.saving.load_model(tmp_path / "half.keras")
    np.testing.assert_array_equal(numpy(restored.history_b), numpy(half.history_b))
    networks = set(kg.CycleGAN.network_arguments)
    settings = {k: v for k, v in half.get_config().items() if k not in networks}
    assert {k: restored.get_config()[k] for k in settings} == settings
    resumed = trained(1, restored)
    assert_same_training(resumed.get_weights(), uninterrupted.get_weights())


def test_distribution_is_refused_by_name():
    tf = pytest.importorskip("tensorflow")
    if keras.backend.backend() != "tensorflow":
        pytest.skip("tf.distribute")
    with tf.distribute.OneDeviceStrategy("/cpu:0").scope():
        model = tiny_cyclegan()
        with pytest.raises(NotImplementedError, match="one device"):
            model.compile()
