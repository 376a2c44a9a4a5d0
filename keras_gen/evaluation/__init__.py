"""Sample quality without downloads: a bundled MNIST classifier and the metrics built on it."""

from keras_gen.evaluation.classifier import (
    build_mnist_classifier,
    feature_extractor,
    mnist_classifier,
)
from keras_gen.evaluation.evaluate import (
    EvaluationResult,
    Evaluator,
    default_reference_images,
    evaluate,
    real_digit_scores,
)
from keras_gen.evaluation.metrics import (
    class_coverage,
    classifier_score,
    frechet_distance,
    importance_weighted_bound,
    kernel_distance,
    label_accuracy,
    negative_elbo,
)
from keras_gen.evaluation.streaming import ClassifierScore, FrechetDistance

__all__ = [
    "ClassifierScore",
    "EvaluationResult",
    "Evaluator",
    "FrechetDistance",
    "build_mnist_classifier",
    "class_coverage",
    "classifier_score",
    "default_reference_images",
    "evaluate",
    "feature_extractor",
    "frechet_distance",
    "importance_weighted_bound",
    "kernel_distance",
    "label_accuracy",
    "mnist_classifier",
    "negative_elbo",
    "real_digit_scores",
]
