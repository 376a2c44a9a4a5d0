"""The backend-specific part of an adversarial train step, kept in one place.

Everything else in a keras_gen train step (sampling, losses, metrics, EMA) is
written in `keras.ops`. What differs between Keras backends is how gradients
are taken and applied, so each backend module here exposes the same two
functions:

- `minimize(optimizer, loss_fn, variables)`: calls `loss_fn()`, which returns
  `(loss, aux)`, differentiates `loss` with respect to `variables`, lets
  `optimizer` apply the gradients (with loss scaling where the optimizer does
  it) and returns `(loss, aux)`.
- `input_gradient(fn, x)`: the gradient of `sum(fn(x))` with respect to `x`,
  itself differentiable (for gradient penalties).

The module for the active backend (`keras.backend.backend()`) is chosen here,
the way Keras chooses its own trainer.
"""

import keras

BACKEND = keras.backend.backend()

if BACKEND == "tensorflow":
    from keras_gen.backend.tensorflow import input_gradient, minimize
else:

    def _unsupported(*args, **kwargs):
        raise NotImplementedError(
            f"keras_gen's adversarial train step does not support the "
            f"{BACKEND!r} Keras backend yet; it runs on TensorFlow. Set "
            "KERAS_BACKEND=tensorflow before importing keras. (VAE trains on "
            "every backend.)"
        )

    minimize = input_gradient = _unsupported

__all__ = ["BACKEND", "input_gradient", "minimize"]
