"""The backend-specific part of an adversarial train step, kept in one place.

Everything else in a keras_gen train step (sampling, losses, metrics, EMA) is
written in `keras.ops` against variables that look stateful. What differs
between Keras backends is how gradients are taken and applied, and (on JAX)
how state goes in and out of a step, so each backend module here exposes:

- `minimize(optimizer, loss_fn, variables)`: calls `loss_fn()`, which returns
  `(loss, aux)`, differentiates `loss` with respect to `variables`, lets
  `optimizer` apply the gradients (with loss scaling where the optimizer does
  it) and returns `(loss, aux)`.
- `minimize_reusing_outputs(optimizer, forward_fn, use_fn, loss_fn,
  variables)`: the same step for `loss_fn(outputs)`, where `outputs =
  forward_fn()` is computed once and first handed, without gradients, to
  `use_fn`; returns `(use_fn(outputs), loss, aux)`. A GAN step generates
  once, updates the discriminator on those images, then the generator.
- `input_gradient(fn, x)`: the gradient of `sum(fn(x))` with respect to `x`,
  itself differentiable (for gradient penalties).

| backend    | gradients                  | state                               |
|------------|----------------------------|-------------------------------------|
| tensorflow | `tf.GradientTape`          | variables, in place                 |
| torch      | `torch.autograd.grad`      | variables, in place                 |
| jax        | `jax.grad`                 | `keras.StatelessScope` over the trainer's state |

`train_step(model, step_fn, args)` and `test_step(...)` call the model's
step function with the arguments the active Keras trainer passes: `(data,)`
on TensorFlow and PyTorch, `(state, data)` on JAX, where the step runs
inside a stateless scope and the new state is returned with the logs.

The module for the active backend (`keras.backend.backend()`) is chosen here,
the way Keras chooses its own trainer.
"""

import keras

BACKEND = keras.backend.backend()
ADVERSARIAL_BACKENDS = ("tensorflow", "jax", "torch")


def require_adversarial_training():
    """Raises `NotImplementedError` if GANs cannot train on the active backend."""
    if BACKEND not in ADVERSARIAL_BACKENDS:
        raise NotImplementedError(
            f"keras_gen's GANs train on {', '.join(ADVERSARIAL_BACKENDS)}; the "
            f"{BACKEND!r} Keras backend is not supported for training. Set "
            "KERAS_BACKEND before importing keras. Building, loading and "
            "generate() work on every backend."
        )


if BACKEND == "tensorflow":
    from keras_gen.backend.tensorflow import (
        input_gradient,
        minimize,
        minimize_reusing_outputs,
    )
elif BACKEND == "jax":
    from keras_gen.backend.jax import (
        input_gradient,
        minimize,
        minimize_reusing_outputs,
    )
elif BACKEND == "torch":
    from keras_gen.backend.torch import (
        input_gradient,
        minimize,
        minimize_reusing_outputs,
    )
else:

    def minimize(*args, **kwargs):
        require_adversarial_training()

    input_gradient = minimize_reusing_outputs = minimize


def replica_context():
    """`(num_replicas, replica_id)` of the step running now; `(1, 0)` outside
    `tf.distribute` and on JAX and PyTorch."""
    if BACKEND == "tensorflow":
        from keras_gen.backend.tensorflow import replica_context as context

        return context()
    return 1, 0


def lay_out_as_batch(values):
    """Per-example values drawn inside a step (a GAN's noise), laid out over
    devices like the input batch under a JAX `keras.distribution`; see
    `keras_gen.backend.jax.lay_out_as_batch`. Unchanged elsewhere."""
    if BACKEND == "jax":
        from keras_gen.backend.jax import lay_out_as_batch as lay_out

        return lay_out(values)
    return values


def _run_step(model, step_fn, args, training):
    if BACKEND == "jax":
        from keras_gen.backend import jax as jax_backend

        state, data = args
        groups = jax_backend.TRAIN_STATE if training else jax_backend.TEST_STATE
        return jax_backend.stateless_step(model, step_fn, state, data, groups)
    (data,) = args
    return step_logs(step_fn(data))


def train_step(model, step_fn, args):
    """Runs `step_fn(data)` as the active trainer's train step."""
    return _run_step(model, step_fn, args, training=True)


def test_step(model, step_fn, args):
    """Runs `step_fn(data)` as the active trainer's test step."""
    return _run_step(model, step_fn, args, training=False)


def step_logs(logs):
    """Adapts a TensorFlow step's logs to multi-worker training; see
    `keras_gen.backend.tensorflow.step_logs`. Unchanged elsewhere."""
    if BACKEND == "tensorflow":
        from keras_gen.backend.tensorflow import step_logs as adapt

        return adapt(logs)
    return logs


__all__ = [
    "BACKEND",
    "input_gradient",
    "lay_out_as_batch",
    "minimize",
    "minimize_reusing_outputs",
    "replica_context",
    "require_adversarial_training",
    "step_logs",
    "test_step",
    "train_step",
]
