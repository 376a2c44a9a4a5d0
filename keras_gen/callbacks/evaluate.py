"""Adds sample-quality metrics to the training logs every few epochs."""

import keras

from keras_gen import validation


class Evaluate(keras.callbacks.Callback):
    """Scores the model's samples every `every` epochs and adds the scores to the logs.

    The scores (`frechet_distance`, `kernel_distance`, `classifier_score`,
    `class_coverage`, plus `label_accuracy` for conditional models and
    `negative_elbo`, `negative_log_likelihood` for a Bernoulli VAE; see
    `kg.evaluation.evaluate`) join the epoch's logs, so they appear in the
    `History` that `fit()` returns and, when this callback comes before
    `keras.callbacks.TensorBoard` in the list, as TensorBoard scalars
    (`epoch_frechet_distance`, ...). Other epochs log nothing for them.

    Args:
        every: score every this many epochs (and never in between).
        num_samples: samples per evaluation.
        evaluator: a `kg.evaluation.Evaluator` (classifier and reference
            images); defaults to the bundled MNIST classifier and test split.
        seed: seed of the samples, so evaluations compare the same noise.
        detail: also log precision and recall, density and coverage, the
            distances' intervals and per-class distances (`evaluate(detail=)`);
            False by default, as they take longer than the rest together.
        inception: a `kg.evaluation.InceptionMetrics` with a reference, to
            log `fid`, `kid` and `inception_score` too (the way to score
            images other than 28x28 digits during training).

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    dcgan = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=8, base_filters=4)
    dcgan.compile()
    images = np.random.uniform(-1, 1, (32, 28, 28, 1)).astype("float32")
    history = dcgan.fit(images, batch_size=16, epochs=2, verbose=0,
                        callbacks=[kg.callbacks.Evaluate(every=2, num_samples=200)])
    history.history["frechet_distance"]  # one value, after epoch 2
    ```
    """

    def __init__(
        self,
        every=5,
        num_samples=10_000,
        evaluator=None,
        seed=0,
        detail=False,
        inception=None,
    ):
        super().__init__()
        validation.check_count(every, "every")
        validation.check_count(num_samples, "num_samples", minimum=2)
        self.every = int(every)
        self.num_samples = int(num_samples)
        self.evaluator = evaluator
        self.seed = seed
        self.detail = detail
        self.inception = inception

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        from keras_gen.evaluation import Evaluator, evaluate

        if self.evaluator is None:
            self.evaluator = Evaluator()
        scores = evaluate(
            self.model,
            self.num_samples,
            self.evaluator,
            seed=self.seed,
            detail=self.detail,
            inception=self.inception,
        )
        if logs is not None:
            logs.update(scores)
