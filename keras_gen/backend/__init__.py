"""The backend-specific part of keras_gen's training, kept in one place.

Everything else in a keras_gen train step (sampling, losses, metrics, EMA) is
written in `keras.ops` against variables that look stateful. What differs
between Keras backends is how gradients are taken and applied, and (on JAX)
how state goes in and out of a step, so each backend module here exposes:

- `minimize(optimizer, loss_fn, variables)`: calls `loss_fn()`, which returns
  `(loss, aux)`, differentiates `loss` with respect to `variables`, lets
  `optimizer` apply the gradients (with loss scaling where the optimizer does
  it) and returns `(loss, aux)`.
- `record(fn, variables)` and `minimize_recorded(optimizer, recording,
  loss_fn)`: the same update for `loss_fn(outputs)`, where `outputs, recording
  = record(fn, variables)` ran earlier, once, and other code (the
  discriminator's updates) ran in between on the outputs without gradients.
  A GAN step generates once and trains both players on those images.
- `input_gradient(fn, x)`: the gradient of `sum(fn(x))` with respect to `x`,
  itself differentiable (for gradient penalties).

| backend    | gradients                  | state                               |
|------------|----------------------------|-------------------------------------|
| tensorflow | `tf.GradientTape`          | variables, in place                 |
| torch      | `torch.autograd.grad`      | variables, in place                 |
| jax        | `jax.grad`, `jax.vjp`      | `keras.StatelessScope` over the trainer's state |

`train_step(model, step_fn, args)` and `test_step(...)` call the model's
step function with the arguments the active Keras trainer passes: `(data,)`
on TensorFlow and PyTorch, `(state, data)` on JAX, where the step runs
inside a stateless scope and the new state is returned with the logs.

Two more pieces adapt a model to its backend: `ModelMixin`, a base class of
every keras_gen model (on JAX it keeps Keras from tracking the train state it
stores on the model after each step), and `default_jit_compile(model)`, the
`jit_compile` a model compiles with when not given one.

The module for the active backend (`keras.backend.backend()`) is chosen here,
the way Keras chooses its own trainer. Private Keras functions are imported
only here, in `tensorflow.py` and `jax.py`; `tests/backends/test_private_keras.py`
pins the Keras versions they were checked on.
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


class ModelMixin:
    """Nothing to adapt on this backend."""


if BACKEND == "tensorflow":
    from keras_gen.backend.tensorflow import (
        input_gradient,
        minimize,
        minimize_recorded,
        record,
    )
elif BACKEND == "jax":
    from keras_gen.backend.jax import (  # noqa: F811
        ModelMixin,
        input_gradient,
        minimize,
        minimize_recorded,
        record,
    )
elif BACKEND == "torch":
    from keras_gen.backend.torch import (
        input_gradient,
        minimize,
        minimize_recorded,
        record,
    )
else:

    def minimize(*args, **kwargs):
        require_adversarial_training()

    input_gradient = minimize_recorded = record = minimize


def default_jit_compile(model):
    """The `jit_compile` a model compiles with when `compile()` is not given one.

    On TensorFlow: XLA for models without convolutions on a CPU-only machine
    outside `tf.distribute`, none for models with them (XLA speeds up dense
    networks on CPUs and slows convolutional ones down; `docs/benchmarks.md`).
    Everywhere else Keras' `"auto"` (XLA on GPU and on JAX).
    """
    if BACKEND == "tensorflow":
        from keras_gen.backend.tensorflow import default_jit_compile as choose

        return choose(model)
    return "auto"


def default_reuse_fake_images(model):
    """Whether a compiled GAN's generator update reuses the discriminator
    update's images (`compile(reuse_fake_images="auto")`).

    Yes, for one generator forward pass per step, except where TensorFlow
    compiles the step with XLA (`model.jit_compile`): there, keeping the
    first pass's gradient tape through the discriminator's update costs more
    CPU time than a second forward pass (`docs/benchmarks.md`).
    """
    return not (BACKEND == "tensorflow" and model.jit_compile is True)


def replica_context():
    """`(num_replicas, replica_id)` of the step running now; `(1, 0)` outside
    `tf.distribute` and on JAX and PyTorch."""
    if BACKEND == "tensorflow":
        from keras_gen.backend.tensorflow import replica_context as context

        return context()
    return 1, 0


def is_distributed():
    """Whether a step would run over several devices: under a `tf.distribute`
    strategy on TensorFlow, under a `keras.distribution` on JAX."""
    if BACKEND == "tensorflow":
        import tensorflow as tf

        return tf.distribute.has_strategy()
    if BACKEND == "jax":
        return keras.distribution.distribution() is not None
    return False


def mean_across_replicas(value):
    """The mean of a per-replica scalar over the replicas under `tf.distribute`
    (the global batch's, for per-replica means of equal batches); unchanged
    elsewhere (a JAX distribution computes over the global batch)."""
    replicas, _ = replica_context()
    if replicas == 1:
        return value
    import tensorflow as tf

    return tf.distribute.get_replica_context().all_reduce("MEAN", value)


def loss_for_replicas(loss):
    """A model's own loss (`compute_loss`, a mean over this replica's share
    of the batch) as Keras' own train step needs it: divided by the replica
    count under `tf.distribute`, whose optimizer sums the replicas'
    gradients and whose logged loss multiplies it back; unchanged elsewhere."""
    replicas, _ = replica_context()
    return loss / replicas if replicas > 1 else loss


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


def skipping_train_function(model, count, resume):
    """A train function for Keras' `fit()` loop that reads `count` batches
    without training on them, then calls `resume()` (which puts the real one
    back). Used to resume mid-epoch at the next unseen batch.

    Keras hands the train function the epoch's iterator on TensorFlow and
    JAX (JAX with the train state first) and the batch itself on PyTorch;
    a skipped call reads `steps_per_execution` batches and returns no logs.
    """
    left = [count]

    def read(iterator):
        for _ in range(model.steps_per_execution):
            next(iterator)

    def skipped():
        left[0] -= 1
        if left[0] <= 0:
            resume()

    if BACKEND == "jax":

        def skip(state, iterator):
            read(iterator)
            skipped()
            return {}, state

    elif BACKEND == "torch":

        def skip(data):
            skipped()
            return {}

    else:

        def skip(iterator):
            read(iterator)
            skipped()
            return {}

    return skip


def iterations_before_epoch(epoch, batches_known):
    """How many iterations of a `tf.data.Dataset` Keras' `fit()` has started
    when epoch `epoch` (counted from 0) begins; see `pipeline.skip_iterations`.

    Keras' epoch iterator (`keras.src.trainers.epoch_iterator`) asks for a
    new iterator at the start of every epoch and, when the dataset's size is
    known, again at its end. On TensorFlow that is an iterator of the
    dataset, started at once: two per epoch for a dataset of known size, one
    for a dataset of unknown size. On JAX and PyTorch it is a Python
    generator over the dataset, which starts an iteration only when read:
    one per epoch. Pinned by tests/callbacks/test_checkpoint.py, which
    resumes reshuffling pipelines of known and unknown size.
    """
    if epoch <= 0:
        return 0
    if BACKEND != "tensorflow":
        return epoch
    return 2 * epoch if batches_known else epoch


def sync_training_state(model):
    """Writes the state of a running `fit()` back into the model's variables
    (on JAX, where the trainer keeps it apart between epochs), so that a
    callback can save it mid-epoch. Nothing to do elsewhere."""
    if BACKEND == "jax" and getattr(model, "_jax_state", None) is not None:
        model.jax_state_sync()


def step_logs(logs):
    """Adapts a TensorFlow step's logs to multi-worker training; see
    `keras_gen.backend.tensorflow.step_logs`. Unchanged elsewhere."""
    if BACKEND == "tensorflow":
        from keras_gen.backend.tensorflow import step_logs as adapt

        return adapt(logs)
    return logs


__all__ = [
    "BACKEND",
    "ModelMixin",
    "default_jit_compile",
    "input_gradient",
    "iterations_before_epoch",
    "lay_out_as_batch",
    "loss_for_replicas",
    "mean_across_replicas",
    "minimize",
    "minimize_recorded",
    "record",
    "replica_context",
    "require_adversarial_training",
    "skipping_train_function",
    "step_logs",
    "sync_training_state",
    "test_step",
    "train_step",
]
