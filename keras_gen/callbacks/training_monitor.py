"""Warns when GAN training goes wrong, and says what to try."""

import warnings

import numpy as np

from keras_gen import validation
from keras_gen.conditions import conditions_for
from keras_gen.non_finite import TerminateOnNonFinite


class TrainingWarning(UserWarning):
    """A sign that training is going wrong, from `TrainingMonitor`."""


class TrainingMonitor(TerminateOnNonFinite):
    """Watches a GAN's training health and warns, or stops when asked.

    It watches for:

    - **NaN or infinite losses.** Training cannot recover, so it always ends:
      with `stop=True` gracefully (`fit()` returns), otherwise with
      `NonFiniteLossError`. Either way a warning says what to try.
    - **A discriminator that wins outright.** `real_score` above
      `1 - win_margin` and `fake_score` below `win_margin` for `patience`
      epochs in a row: the generator then gets almost no gradient.
    - **Mode collapse.** A sharp drop in sample diversity: the mean
      per-pixel standard deviation across `num_samples` samples from fixed
      noise falls below `1 - diversity_drop` of the highest value seen.
      The samples come from the generator being trained, not from an
      average of its weights (`ema`), which would show a collapse late.

    It replaces the `TerminateOnNonFinite` guard that keras_gen models add by
    default.

    Args:
        stop: stop training (`model.stop_training = True`) after a warning.
        patience: epochs the discriminator must win before the warning.
        win_margin: how close to 1 and 0 the scores must be to count as a win.
        diversity_drop: the fall in diversity, as a fraction of its highest
            value, that counts as collapse.
        num_samples: samples used to measure diversity.
        seed: seed of the fixed noise.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    dcgan = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=8, base_filters=4)
    dcgan.compile()
    monitor = kg.callbacks.TrainingMonitor(stop=True, patience=2)
    images = np.random.uniform(-1, 1, (32, 28, 28, 1)).astype("float32")
    dcgan.fit(images, batch_size=16, epochs=2, callbacks=[monitor], verbose=0)
    monitor.diversity  # one diversity value per epoch
    ```
    """

    def __init__(
        self,
        stop=False,
        patience=3,
        win_margin=0.05,
        diversity_drop=0.5,
        num_samples=64,
        seed=0,
    ):
        super().__init__(
            suggestion="Try lower learning rates, gradient_penalty=10.0, or "
            "check the data for NaN values."
        )
        validation.check_flag(stop, "stop")
        validation.check_count(patience, "patience")
        validation.check_count(num_samples, "num_samples", minimum=2)
        for name, value in (
            ("win_margin", win_margin),
            ("diversity_drop", diversity_drop),
        ):
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not (0 < value < 1)
            ):
                raise ValueError(f"`{name}` must lie in (0, 1); got {value!r}.")
        self.stop = stop
        self.patience = patience
        self.win_margin = win_margin
        self.diversity_drop = diversity_drop
        self.num_samples = num_samples
        self.seed = seed
        self.diversity = []
        self.warnings = []
        self._wins = 0
        self._inputs = None
        self._non_finite = False

    def _warn(self, message):
        self.warnings.append(message)
        warnings.warn(message, TrainingWarning, stacklevel=3)
        if self.stop:
            self.model.stop_training = True

    def handle_non_finite(self, error):
        self._non_finite = True
        self._warn(str(error))
        if not self.stop:
            raise error

    # --- Epoch checks -------------------------------------------------------

    def _sample_diversity(self):
        """Mean per-pixel std of samples from fixed noise (and conditions), or
        `None` for a model that cannot draw its own conditions."""
        model = self.model
        if self._inputs is None:
            rng = np.random.default_rng(self.seed)
            noise = rng.standard_normal((self.num_samples, *model.noise_shape))
            try:
                condition = conditions_for(model, self.num_samples, self.seed)
            except ValueError:
                return None
            self._inputs = {"noise": noise.astype("float32"), "condition": condition}
            if getattr(model, "ema", None) is not None:
                self._inputs["use_ema"] = False  # the weights being trained
        samples = model.generate(**self._inputs)
        return float(samples.reshape(len(samples), -1).std(axis=0).mean())

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        self._non_finite = False

    def on_epoch_end(self, epoch, logs=None):
        super().on_epoch_end(epoch, logs)
        if self._non_finite:
            return  # the weights are broken: nothing more to watch
        logs = logs or {}
        real, fake = logs.get("real_score"), logs.get("fake_score")
        if real is not None and fake is not None:
            won = real > 1 - self.win_margin and fake < self.win_margin
            self._wins = self._wins + 1 if won else 0
            if self._wins == self.patience:
                self._warn(
                    f"The discriminator has won outright for {self._wins} epochs "
                    f"(epoch {epoch + 1}: D(x) = {real:.3f}, D(G(z)) = {fake:.3f}), "
                    "so the generator gets almost no gradient. Try "
                    "label_smoothing=0.1, a lower d_optimizer learning rate, "
                    "a smaller discriminator, or loss='least_squares' or "
                    "'wasserstein' with gradient_penalty=10."
                )
        diversity = self._sample_diversity()
        if diversity is None:
            return
        best = max(self.diversity, default=diversity)
        self.diversity.append(diversity)
        if diversity < (1 - self.diversity_drop) * best:
            self._warn(
                f"Sample diversity fell sharply at epoch {epoch + 1}: {diversity:.4f}, "
                f"from a best of {best:.4f} (mean per-pixel std over "
                f"{self.num_samples} samples of fixed noise). The generator may "
                "be collapsing onto a few modes. Try a lower g_optimizer "
                "learning rate, label_smoothing=0.1, ema=0.999, or "
                "loss='wasserstein' with gradient_penalty=10."
            )
