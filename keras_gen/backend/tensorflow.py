"""TensorFlow implementation of the adversarial step's gradient layer."""

import keras
import tensorflow as tf

# Keras' own test of whether a model can run under XLA (its layers'
# `supports_jit`, TensorFlow's op determinism), which has no public name.
# tests/backends/test_private_keras.py pins the Keras versions it was checked on.
from keras.src.trainers.trainer import model_supports_jit

#: Layers that XLA slows down on CPUs.
CONVOLUTIONS = (
    keras.layers.Conv1D,
    keras.layers.Conv2D,
    keras.layers.Conv3D,
    keras.layers.Conv1DTranspose,
    keras.layers.Conv2DTranspose,
    keras.layers.Conv3DTranspose,
    keras.layers.DepthwiseConv2D,
    keras.layers.SeparableConv2D,
)


def minimize(optimizer, loss_fn, variables):
    """Takes one optimizer step on `variables` for the loss that `loss_fn` returns.

    Args:
        optimizer: a built `keras.optimizers.Optimizer` for `variables`.
        loss_fn: callable with no arguments returning `(loss, aux)`; `loss`
            is a scalar, `aux` anything to hand back to the caller.
        variables: the trainable variables to update, and only those.

    Returns:
        `(loss, aux)` as computed by `loss_fn` (on this replica's batch).
    """
    with tf.GradientTape() as tape:
        loss, aux = loss_fn()
        scaled_loss = _scaled_loss(optimizer, loss)
    gradients = tape.gradient(scaled_loss, variables)
    optimizer.apply(gradients, variables)
    return loss, aux


def record(fn, variables):
    """Runs `fn()` and records it, so that `minimize_recorded` can later
    differentiate a loss of its outputs with respect to `variables`.

    Args:
        fn: callable with no arguments; its outputs depend on `variables`
            (the generator's forward pass).
        variables: the trainable variables a later update will train.

    Returns:
        `(outputs, recording)`: what `fn` returned, and the recording to pass
        to `minimize_recorded`. Code run between the two calls (the
        discriminator's updates) is not recorded.
    """
    tape = tf.GradientTape()
    with tape:
        outputs = fn()
    return outputs, (tape, list(variables), outputs)


def minimize_recorded(optimizer, recording, loss_fn):
    """One optimizer step for `loss_fn(outputs)` through a recorded pass.

    Args:
        optimizer: a built `keras.optimizers.Optimizer` for the recorded
            variables.
        recording: what `record` returned with the outputs.
        loss_fn: callable on the recorded outputs returning `(loss, aux)`.

    Returns:
        `(loss, aux)`.
    """
    tape, variables, outputs = recording
    with tape:
        loss, aux = loss_fn(outputs)
        scaled_loss = _scaled_loss(optimizer, loss)
    gradients = tape.gradient(scaled_loss, variables)
    optimizer.apply(gradients, variables)
    return loss, aux


def _scaled_loss(optimizer, loss):
    """`loss` as the optimizer differentiates it on this replica.

    Under tf.distribute each replica's loss is a mean over its share of the
    batch, and the optimizer sums the replicas' gradients: dividing by the
    replica count makes the step equal one on the global batch. Then the
    optimizer's loss scaling, if any.
    """
    replicas, _ = replica_context()
    return optimizer.scale_loss(loss / replicas if replicas > 1 else loss)


def input_gradient(fn, x):
    """Returns d sum(fn(x)) / dx, recorded so an outer tape can differentiate it."""
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return tape.gradient(y, x)


def replica_context():
    """`(num_replicas_in_sync, replica_id_in_sync_group)`; `(1, 0)` outside a replica."""
    context = tf.distribute.get_replica_context()
    if context is None:  # cross-replica context
        return 1, 0
    replica_id = context.replica_id_in_sync_group
    if not isinstance(replica_id, int):
        replica_id = tf.get_static_value(replica_id)
    return context.num_replicas_in_sync, replica_id


def step_logs(logs):
    """Logs of a train or test step, shaped for Keras' reduction across workers.

    Under `MultiWorkerMirroredStrategy`, Keras 3 averages step logs across
    workers with `strategy.reduce("MEAN", value, axis=0)`, which fails on the
    scalars a train step returns ("Invalid reduction dimension 0",
    tensorflow/tensorflow#72388). Giving each value a leading axis of 1 makes
    that reduction the mean over workers, a scalar again (and a vector, such
    as the data check's findings, the same vector).
    """
    if isinstance(
        tf.distribute.get_strategy(), tf.distribute.MultiWorkerMirroredStrategy
    ):
        return {name: tf.expand_dims(value, 0) for name, value in logs.items()}
    return logs


def _all_layers(layer):
    """Every layer nested in `layer`, through sub-models' `.layers`."""
    for child in getattr(layer, "layers", []):
        yield child
        yield from _all_layers(child)


def default_jit_compile(model):
    """XLA for models without convolutions on a CPU-only machine outside
    `tf.distribute`, no XLA for those with them (XLA speeds up dense
    networks on CPUs and slows convolutional ones down); Keras' `"auto"`
    on a GPU, under a strategy, and for a model XLA cannot compile."""
    if (
        tf.config.list_logical_devices("GPU")
        or tf.distribute.has_strategy()
        or not model_supports_jit(model)
    ):
        return "auto"
    return not any(isinstance(layer, CONVOLUTIONS) for layer in _all_layers(model))
