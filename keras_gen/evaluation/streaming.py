"""Streaming versions of the metrics, as `keras.metrics.Metric` classes.

They accumulate sufficient statistics batch by batch (sums of features and of
their outer products; sums of probabilities), so any number of samples can be
scored in fixed memory. Their results equal the functions in
`keras_gen.evaluation.metrics` on the same data.
"""

import keras
from keras import ops


def _psd_sqrt(matrix):
    values, vectors = ops.eigh((matrix + ops.transpose(matrix)) / 2)
    return ops.matmul(
        vectors * ops.sqrt(ops.maximum(values, 0.0)), ops.transpose(vectors)
    )


@keras.saving.register_keras_serializable(package="keras_gen")
class FrechetDistance(keras.metrics.Metric):
    """Fréchet distance between two streams of feature vectors.

    Call `update_state(features_a, features_b)` with `(batch, feature_dim)`
    features of each set (either may be `None` for a batch of the other);
    `result()` is the Fréchet distance of the Gaussians fitted to all of them.

    Args:
        feature_dim: size of the feature vectors.
        name: metric name.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    rng = np.random.default_rng(0)
    metric = kg.evaluation.FrechetDistance(feature_dim=4)
    for _ in range(5):
        metric.update_state(rng.normal(size=(1000, 4)), rng.normal(size=(1000, 4)) + 1.0)
    float(metric.result())  # ~4.0
    ```
    """

    def __init__(self, feature_dim, name="frechet_distance", **kwargs):
        super().__init__(name=name, **kwargs)
        self.feature_dim = int(feature_dim)
        shapes = {
            "count": (),
            "sum": (self.feature_dim,),
            "outer": (self.feature_dim,) * 2,
        }
        self.stats = {
            side: {
                key: self.add_variable(
                    shape=shape, initializer="zeros", name=f"{side}_{key}"
                )
                for key, shape in shapes.items()
            }
            for side in ("a", "b")
        }

    def _accumulate(self, side, features):
        features = ops.cast(ops.convert_to_tensor(features), self.dtype)
        stats = self.stats[side]
        stats["count"].assign_add(ops.cast(ops.shape(features)[0], self.dtype))
        stats["sum"].assign_add(ops.sum(features, axis=0))
        stats["outer"].assign_add(ops.matmul(ops.transpose(features), features))

    def update_state(self, features_a=None, features_b=None):
        if features_a is not None:
            self._accumulate("a", features_a)
        if features_b is not None:
            self._accumulate("b", features_b)

    def _moments(self, side):
        stats = self.stats[side]
        n = stats["count"]
        mean = stats["sum"] / n
        cov = (stats["outer"] - n * ops.outer(mean, mean)) / (n - 1)
        return mean, cov

    def result(self):
        mean_a, cov_a = self._moments("a")
        mean_b, cov_b = self._moments("b")
        root_a = _psd_sqrt(cov_a)
        middle = ops.matmul(ops.matmul(root_a, cov_b), root_a)
        values, _ = ops.eigh((middle + ops.transpose(middle)) / 2)
        trace_sqrt = ops.sum(ops.sqrt(ops.maximum(values, 0.0)))
        difference = mean_a - mean_b
        distance = (
            ops.sum(difference * difference)
            + ops.trace(cov_a)
            + ops.trace(cov_b)
            - 2.0 * trace_sqrt
        )
        return ops.maximum(distance, 0.0)

    def get_config(self):
        return {**super().get_config(), "feature_dim": self.feature_dim}


@keras.saving.register_keras_serializable(package="keras_gen")
class ClassifierScore(keras.metrics.Metric):
    """Streaming `exp(E_x KL(p(y|x) || p(y)))` of class probabilities (Inception-score analogue).

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    metric = kg.evaluation.ClassifierScore(num_classes=10)
    metric.update_state(np.eye(10)[np.arange(500) % 10])
    metric.update_state(np.eye(10)[np.arange(500) % 10])
    float(metric.result())  # 10.0
    ```
    """

    def __init__(self, num_classes, name="classifier_score", eps=1e-12, **kwargs):
        super().__init__(name=name, **kwargs)
        self.num_classes = int(num_classes)
        self.eps = eps
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")
        self.sum_probabilities = self.add_variable(
            shape=(self.num_classes,), initializer="zeros", name="sum_probabilities"
        )
        self.sum_entropy_terms = self.add_variable(
            shape=(), initializer="zeros", name="sum_p_log_p"
        )

    def update_state(self, probabilities):
        p = ops.cast(ops.convert_to_tensor(probabilities), self.dtype)
        self.count.assign_add(ops.cast(ops.shape(p)[0], self.dtype))
        self.sum_probabilities.assign_add(ops.sum(p, axis=0))
        self.sum_entropy_terms.assign_add(ops.sum(p * ops.log(p + self.eps)))

    def result(self):
        marginal = self.sum_probabilities / self.count
        mean_kl = self.sum_entropy_terms / self.count - ops.sum(
            marginal * ops.log(marginal + self.eps)
        )
        return ops.exp(mean_kl)

    def get_config(self):
        return {
            **super().get_config(),
            "num_classes": self.num_classes,
            "eps": self.eps,
        }
