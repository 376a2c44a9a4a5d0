"""Sample quality without downloads: a bundled MNIST classifier and the metrics built on it.

`evaluate(model)` reports every metric that applies, with what it skipped and
how the figures were obtained: distances between feature distributions
(Fréchet, kernel, with bootstrap intervals), quality and diversity apart
(precision and recall, density and coverage), the classifier's view (score,
class coverage, label accuracy, per-class distances), memorization against
the training images, Stacked MNIST mode counts, and a model's own held-out
figures (a VAE's likelihood, Pix2Pix's L1 and PSNR).

For any other images, `InceptionMetrics` computes the published Fréchet
Inception Distance, Kernel Inception Distance and Inception Score with the
reference Inception network (`build_fid_inception`), whose weights are
fetched once, or read from a local file.
"""

from keras_gen.evaluation.classifier import (
    build_mnist_classifier,
    classifier_fingerprint,
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
from keras_gen.evaluation.inception import (
    build_fid_inception,
    fid_inception,
    fid_weights_path,
    load_fid_weights,
)
from keras_gen.evaluation.inception_metrics import (
    InceptionMetrics,
    Statistics,
    inception_score,
)
from keras_gen.evaluation.intervals import bootstrap_interval
from keras_gen.evaluation.metrics import (
    class_coverage,
    classifier_score,
    frechet_distance,
    importance_weighted_bound,
    kernel_distance,
    label_accuracy,
    mean_absolute_error,
    negative_elbo,
    peak_signal_to_noise_ratio,
)
from keras_gen.evaluation.modes import (
    STACKED_MNIST_SAMPLES,
    digit_kl,
    mode_ids,
    mode_statistics,
    stacked_mnist_modes,
)
from keras_gen.evaluation.neighbours import (
    density_coverage,
    memorization,
    nearest_distances,
    neighbour_radii,
    precision_recall,
)
from keras_gen.evaluation.resize import TF1Resize, resize_clean, resize_tf1
from keras_gen.evaluation.streaming import ClassifierScore, FrechetDistance
from keras_gen.evaluation.torch_weights import read_state_dict

__all__ = [
    "STACKED_MNIST_SAMPLES",
    "ClassifierScore",
    "EvaluationResult",
    "Evaluator",
    "FrechetDistance",
    "InceptionMetrics",
    "Statistics",
    "TF1Resize",
    "bootstrap_interval",
    "build_fid_inception",
    "build_mnist_classifier",
    "class_coverage",
    "classifier_fingerprint",
    "classifier_score",
    "default_reference_images",
    "density_coverage",
    "digit_kl",
    "evaluate",
    "feature_extractor",
    "fid_inception",
    "fid_weights_path",
    "frechet_distance",
    "importance_weighted_bound",
    "inception_score",
    "kernel_distance",
    "label_accuracy",
    "load_fid_weights",
    "mean_absolute_error",
    "memorization",
    "mnist_classifier",
    "mode_ids",
    "mode_statistics",
    "nearest_distances",
    "negative_elbo",
    "neighbour_radii",
    "peak_signal_to_noise_ratio",
    "precision_recall",
    "read_state_dict",
    "real_digit_scores",
    "resize_clean",
    "resize_tf1",
    "stacked_mnist_modes",
]
