"""OwnLossModel: the base of the models that Keras' own train step trains.

A VAE and a diffusion model have one loss of their own and one optimizer:
they compute the loss in `compute_loss` from what `call` returns, and
Keras' own train and test steps do the rest on every backend. This base
holds what that takes: the steps fed `unpack_batch`'s `(images, condition)`
as the model's input, the default `compile()` bookkeeping and its
`get_compile_config`/`compile_from_config`.
"""

import keras

from keras_gen import backend, validation
from keras_gen.models.generative_model import GenerativeModel


class OwnLossModel(GenerativeModel):
    """A `GenerativeModel` trained by Keras' own train step through `compute_loss`.

    A subclass implements `call(inputs, training)` on `images` or `(images,
    condition)` and `compute_loss(x, y_pred, ...)`, takes its own
    `compile()` options and passes the rest on to this `compile()`, and
    names those options in `own_compile_options()` so that they are saved.

    Example:

    ```python
    import keras_gen as kg

    issubclass(kg.VAE, kg.models.OwnLossModel)  # True
    ```
    """

    def compile(self, optimizer, check_data=True, **kwargs):
        """Configures training with one optimizer.

        Args:
            optimizer: optimizer instance, name or config.
            check_data: check every batch in the train step and stop `fit()`
                at the first bad one. Default True.
            **kwargs: passed to `keras.Model.compile` (`jit_compile`,
                `steps_per_execution`, `run_eagerly`, ...).
        """
        self.check_data = validation.check_flag(check_data, "check_data")
        self._compile_kwargs = dict(kwargs)
        super().compile(optimizer=optimizer, **kwargs)
        self.optimizer.build(self.trainable_variables)

    def own_compile_options(self):
        """The subclass's own `compile()` options, `{name: value}`, to save."""
        return {}

    def get_compile_config(self):
        if not self.compiled:
            return None
        return {
            "optimizer": keras.optimizers.serialize(self.optimizer),
            **self.own_compile_options(),
            "check_data": self.check_data,
            **self._compile_kwargs,
        }

    def compile_from_config(self, config):
        config = dict(config)
        config["optimizer"] = keras.optimizers.deserialize(config["optimizer"])
        self.compile(**config)

    def train_step(self, *args):
        """Keras' own train step (through `compute_loss`), on `unpack_batch`'s
        `(images, condition)` as the model's input."""
        return backend.step_logs(super().train_step(*self._as_model_input(args)))

    def test_step(self, *args):
        return backend.step_logs(super().test_step(*self._as_model_input(args)))

    def _as_model_input(self, args):
        """The trainer's step arguments with the batch (the last one) made the
        model's input `images` or `(images, condition)`, with no target."""
        images, condition = self.unpack_batch(args[-1])
        data = (images,) if condition is None else ((images, condition),)
        return args[:-1] + (data,)
