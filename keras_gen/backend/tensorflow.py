"""TensorFlow implementation of the adversarial step's gradient layer."""

import tensorflow as tf


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


def minimize_reusing_outputs(optimizer, forward_fn, use_fn, loss_fn, variables):
    """One optimizer step on `variables` for `loss_fn(outputs)`, running
    `outputs = forward_fn()` once and handing it to `use_fn` first.

    Args:
        optimizer: a built `keras.optimizers.Optimizer` for `variables`.
        forward_fn: callable with no arguments; its outputs depend on
            `variables` (the generator's forward pass).
        use_fn: callable on the outputs without gradients (the
            discriminator's updates), run between the forward pass and the
            loss; its result is returned.
        loss_fn: callable on the outputs returning `(loss, aux)`.
        variables: the trainable variables to update, and only those.

    Returns:
        `(use_fn(outputs), loss, aux)`.
    """
    with tf.GradientTape() as tape:
        outputs = forward_fn()
        with tape.stop_recording():
            used = use_fn(tf.nest.map_structure(tf.stop_gradient, outputs))
        loss, aux = loss_fn(outputs)
        scaled_loss = _scaled_loss(optimizer, loss)
    gradients = tape.gradient(scaled_loss, variables)
    optimizer.apply(gradients, variables)
    return used, loss, aux


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
