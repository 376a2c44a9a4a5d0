"""The bundled classifier and the metrics on real digits, noise and models."""

import keras
import numpy as np
import pytest

import keras_gen as kg
from keras_gen.evaluation.evaluate import default_reference_images


@pytest.fixture(scope="module")
def test_split():
    return default_reference_images()


@pytest.fixture(scope="module")
def evaluator(test_split):
    images, _ = test_split
    return kg.evaluation.Evaluator(
        reference_images=images[5000:], bootstrap_resamples=10
    )


def test_bundled_classifier_is_small_and_accurate(test_split):
    from keras_gen.evaluation.classifier import WEIGHTS

    assert WEIGHTS.stat().st_size < 2_000_000
    images, labels = test_split
    logits = kg.evaluation.mnist_classifier().predict(
        images, batch_size=1000, verbose=0
    )
    assert (logits.argmax(axis=1) == labels).mean() > 0.98


@pytest.mark.slow
def test_real_digits_score_far_better_than_noise(test_split, evaluator):
    images, labels = test_split
    real = evaluator.score_images(images[:5000], labels[:5000])
    noise = evaluator.score_images(
        np.random.default_rng(0).uniform(0, 1, (5000, 28, 28, 1)).astype("float32")
    )
    assert real["frechet_distance"] * 10 < noise["frechet_distance"]
    assert real["kernel_distance"] * 10 < noise["kernel_distance"]
    assert real["classifier_score"] > 9 and noise["classifier_score"] < 2
    assert real["class_coverage"] > 0.8 and noise["class_coverage"] < 0.1
    assert real["label_accuracy"] > 0.98


def test_evaluate_fits_each_model_kind(evaluator):
    dcgan = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=8, base_filters=4)
    assert set(kg.evaluation.evaluate(dcgan, 200, evaluator, detail=False)) == {
        "frechet_distance",
        "kernel_distance",
        "classifier_score",
        "class_coverage",
    }
    cgan = kg.CGAN(
        num_classes=10, image_shape=(28, 28, 1), latent_dim=8, base_filters=4
    )
    assert 0 <= kg.evaluation.evaluate(cgan, 200, evaluator)["label_accuracy"] <= 1
    vae = kg.VAE(image_shape=(28, 28, 1), latent_dim=2)
    images, _ = default_reference_images()
    scores = kg.evaluation.evaluate(vae, 200, evaluator, test_data=images[:50])
    assert scores["negative_elbo"] == pytest.approx(
        784 * np.log(2), rel=0.02
    )  # untrained
    assert scores["negative_log_likelihood"] == pytest.approx(784 * np.log(2), rel=0.02)


def test_evaluate_samples_truncated_noise_and_records_it(evaluator):
    dcgan = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=8, base_filters=4)
    plain = kg.evaluation.evaluate(dcgan, 200, evaluator, detail=False)
    truncated = kg.evaluation.evaluate(
        dcgan, 200, evaluator, detail=False, truncation=0.1
    )
    assert truncated.provenance["truncation"] == 0.1
    assert "truncation" not in plain.provenance
    # Noise near zero makes near-identical images: far from the test digits.
    assert truncated["frechet_distance"] != plain["frechet_distance"]
    with pytest.raises(ValueError, match="truncation"):
        kg.evaluation.evaluate(dcgan, 200, evaluator, truncation=-1)


def test_evaluate_callback_adds_scores_every_few_epochs(evaluator):
    dcgan = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=8, base_filters=4)
    dcgan.compile()
    images = np.random.default_rng(0).uniform(-1, 1, (32, 28, 28, 1)).astype("float32")
    callback = kg.callbacks.Evaluate(every=2, num_samples=200, evaluator=evaluator)
    history = dcgan.fit(
        images, batch_size=16, epochs=4, verbose=0, callbacks=[callback]
    )
    assert len(history.history["frechet_distance"]) == 2  # after epochs 2 and 4
    assert len(history.history["d_loss"]) == 4


def test_images_the_classifier_cannot_score_are_a_clear_error(test_split, evaluator):
    images, _ = test_split
    with pytest.raises(ValueError, match=r"\(32, 32, 3\).*Evaluator\(classifier="):
        evaluator.score_images(np.zeros((4, 32, 32, 3), "float32"))
    with pytest.raises(ValueError, match=r"channel axis is missing"):
        evaluator.score_images(images[:4, ..., 0])
    with pytest.raises(ValueError, match=r"\[0, 1\].*spans \[-1, 1\].*\(x \+ 1\) / 2"):
        evaluator.score_images(images[:4] * 2 - 1)
    with pytest.raises(ValueError, match=r"uint8"):
        evaluator.score_images((images[:4] * 255).astype("uint8"))


def test_samples_beyond_the_value_range_are_clipped_not_refused(evaluator):
    # A generator without tanh can overshoot [-1, 1] a little.
    generator = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(28 * 28),
            keras.layers.Reshape((28, 28, 1)),
        ]
    )
    gan = kg.GAN(generator, kg.networks.mlp_discriminator(), latent_dim=4)
    gan.generator.layers[0].kernel.assign(
        3.0 * np.ones(gan.generator.layers[0].kernel.shape, "float32")
    )
    scores = kg.evaluation.evaluate(gan, num_samples=20, evaluator=evaluator)
    assert np.isfinite(scores["frechet_distance"])


def test_real_digit_scores_belong_to_the_bundled_classifier():
    import json

    from keras_gen.evaluation.evaluate import REAL_DIGIT_SCORES

    record = json.loads(REAL_DIGIT_SCORES.read_text())
    # Written by scripts/real_digit_scores.py for these very weights.
    assert record["classifier_sha256"] == kg.evaluation.classifier_fingerprint(
        kg.evaluation.mnist_classifier()
    )
    real = kg.evaluation.real_digit_scores()
    assert 0 <= real["frechet_distance"] < 2 and real["classifier_score"] > 9


def test_reference_images_that_were_trained_on_are_not_held_out(test_split, evaluator):
    """Trained on the reference digits themselves, a model has no held-out
    images to measure memorization against: it is skipped, never a ratio over
    a zero distance."""
    images, _ = test_split
    dcgan = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=8, base_filters=4)
    some = kg.evaluation.evaluate(
        dcgan, 100, evaluator, detail=False, training_images=images[5000:5300]
    )
    assert some.provenance["reference_overlap"].startswith(
        "300 of the 5,000 reference images are also training images"
    )
    assert 0 < some["memorization_ratio"] < 100
    every = kg.evaluation.evaluate(
        dcgan, 100, evaluator, detail=False, training_images=images[5000:]
    )
    assert "memorization_ratio" not in every
    assert (
        "5,000 of the 5,000 reference images are training images"
        in (every.skipped["memorization_ratio"])
    )
    apart = kg.evaluation.evaluate(
        dcgan, 100, evaluator, detail=False, training_images=images[:300]
    )
    assert "reference_overlap" not in apart.provenance and "memorization_ratio" in apart


def test_other_images_get_the_inception_metrics_or_the_reason(
    tmp_path, monkeypatch, evaluator
):
    monkeypatch.delenv("KERAS_GEN_FID_WEIGHTS", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    dcgan = kg.DCGAN(image_shape=(16, 16, 3), latent_dim=8, base_filters=4)
    colour = np.random.default_rng(0).uniform(-1, 1, (20, 16, 16, 3))
    result = kg.evaluation.evaluate(dcgan, 20, evaluator, test_data=colour)
    assert not {"fid", "kid", "inception_score", "frechet_distance"} & set(result)
    assert "pt_inception-2015-12-05-6726825d.pth" in result.skipped["fid"]
    alone = kg.evaluation.evaluate(dcgan, 20, evaluator)
    assert "no reference images of the model's shape" in alone.skipped["fid"]
