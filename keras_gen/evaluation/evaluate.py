"""Scores a trained model's samples with every metric that applies to it."""

import numpy as np
from keras import ops

from keras_gen import validation
from keras_gen.evaluation import metrics
from keras_gen.evaluation.classifier import feature_extractor, mnist_classifier


def _to_unit_range(samples, value_range):
    """Samples mapped from the model's `value_range` to [0, 1], clipped to it
    (a generator without a bounded output can overshoot)."""
    low, high = value_range
    return np.clip((np.asarray(samples, dtype="float32") - low) / (high - low), 0, 1)


def default_reference_images():
    """The official MNIST test split shipped with keras_gen, in [0, 1], `(10000, 28, 28, 1)`."""
    from keras_gen.datasets.mnist_sources import bundled

    images, labels = bundled("test")
    return images[..., None].astype("float32") / 255.0, labels.astype("int32")


class Evaluator:
    """Features and class probabilities of images, from one classifier.

    Args:
        classifier: a Keras model from images in [0, 1] to class logits with a
            layer named `features`; defaults to the bundled MNIST classifier.
        reference_images: real images in [0, 1] to compare samples with;
            defaults to the MNIST test split shipped with keras_gen.
        batch_size: images per forward pass.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    evaluator = kg.evaluation.Evaluator()  # bundled classifier, MNIST test digits
    noise = np.random.default_rng(0).uniform(0, 1, (100, 28, 28, 1))
    evaluator.score_images(noise.astype("float32"))["frechet_distance"]  # large
    ```
    """

    def __init__(self, classifier=None, reference_images=None, batch_size=500):
        self.extractor = feature_extractor(classifier or mnist_classifier())
        self.batch_size = batch_size
        if reference_images is None:
            reference_images, _ = default_reference_images()
        self.reference_features, _ = self.features_and_probabilities(reference_images)

    def check_images(self, images_01):
        """Raises `ValueError` unless the classifier can score these images."""
        validation.check_image_shape(
            np.shape(images_01),
            tuple(self.extractor.inputs[0].shape[1:]),
            "The evaluator's classifier",
            fix="The bundled classifier scores 28x28 grayscale digits; for other "
            "images pass `Evaluator(classifier=...)`, a Keras classifier of them "
            "with a layer named `features`, and `reference_images`.",
        )
        validation.check_image_values(
            images_01, (0.0, 1.0), "The evaluator", reason="the classifier's input"
        )

    def features_and_probabilities(self, images_01):
        """The classifier's features and class probabilities of images in [0, 1]."""
        self.check_images(images_01)
        features, logits = [], []
        for start in range(0, len(images_01), self.batch_size):
            batch_features, batch_logits = self.extractor(
                images_01[start : start + self.batch_size], training=False
            )
            features.append(ops.convert_to_numpy(batch_features))
            logits.append(ops.convert_to_numpy(batch_logits))
        logits = np.concatenate(logits).astype("float64")
        probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        return np.concatenate(features), probabilities

    def score_images(self, images_01, labels=None):
        """Metrics of images in [0, 1] against the reference images."""
        features, probabilities = self.features_and_probabilities(images_01)
        shares = metrics.class_coverage(probabilities)
        result = {
            "frechet_distance": metrics.frechet_distance(
                self.reference_features, features
            ),
            "kernel_distance": metrics.kernel_distance(
                self.reference_features, features
            ),
            "classifier_score": metrics.classifier_score(probabilities),
            # 1.0: every class equally common; 0.0: some class never appears.
            "class_coverage": float(shares.min() * len(shares)),
        }
        if labels is not None:
            result["label_accuracy"] = metrics.label_accuracy(probabilities, labels)
        return result


def evaluate(model, num_samples=10_000, evaluator=None, test_images=None, seed=0):
    """Every metric that applies to `model`, on `num_samples` samples.

    GANs: Fréchet distance, kernel distance, classifier score, class
    coverage, and for conditional models label accuracy (samples of every
    class in turn). VAEs: the same on prior samples, plus the negative ELBO
    and a 50-sample importance-weighted bound in nats on binarised
    `test_images` (default: the shipped MNIST test split).

    Returns:
        dict of metric name to float.
    """
    from keras_gen.models import CGAN, VAE

    evaluator = evaluator or Evaluator()
    if isinstance(model, VAE):
        samples = model.generate(num_samples, seed=seed)
        result = evaluator.score_images(_to_unit_range(samples, model.value_range))
        if model.likelihood == "bernoulli":
            if test_images is None:
                test_images, _ = default_reference_images()
            result["negative_elbo"] = metrics.negative_elbo(
                model, test_images, seed=seed
            )
            result["iwae_bound_k50"] = metrics.importance_weighted_bound(
                model, test_images[:2000], num_samples=50, seed=seed
            )
        return result
    if isinstance(model, CGAN):
        labels = np.arange(num_samples) % model.num_classes
        samples = model.generate(labels=labels, seed=seed)
        return evaluator.score_images(
            _to_unit_range(samples, model.value_range), labels
        )
    samples = model.generate(num_samples, seed=seed)
    return evaluator.score_images(_to_unit_range(samples, model.value_range))
