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
        `(loss, aux)` as computed by `loss_fn`.
    """
    with tf.GradientTape() as tape:
        loss, aux = loss_fn()
        scaled_loss = optimizer.scale_loss(loss)
    gradients = tape.gradient(scaled_loss, variables)
    optimizer.apply(gradients, variables)
    return loss, aux


def input_gradient(fn, x):
    """Returns d sum(fn(x)) / dx, recorded so an outer tape can differentiate it."""
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return tape.gradient(y, x)
