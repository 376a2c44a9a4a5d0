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
ADVERSARIAL_BACKENDS = ("tensorflow",)


def require_adversarial_training():
    """Raises `NotImplementedError` if GANs cannot train on the active backend."""
    if BACKEND not in ADVERSARIAL_BACKENDS:
        raise NotImplementedError(
            f"keras_gen's GANs train on TensorFlow; the {BACKEND!r} Keras "
            "backend is not supported for training yet. Set "
            "KERAS_BACKEND=tensorflow before importing keras. Building, "
            "loading and generate() work on every backend, and so does the "
            "VAE's training."
        )


if BACKEND == "tensorflow":
    from keras_gen.backend.tensorflow import input_gradient, minimize
else:

    def minimize(*args, **kwargs):
        require_adversarial_training()

    input_gradient = minimize

__all__ = ["BACKEND", "input_gradient", "minimize", "require_adversarial_training"]
