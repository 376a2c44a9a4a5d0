"""Penalties on a discriminator's input gradient: WGAN-GP, R1 and R2, as plain functions.

Each takes `critic`, a function from a batch of images to one logit per image
(the model closes over the condition), and returns a scalar in at least
float32. `GAN` adds them to the discriminator's loss (`compile(
gradient_penalty=..., r1_penalty=..., r2_penalty=..., r1_batch_size=...)`).
"""

import keras
from keras import ops

from keras_gen import backend
from keras_gen.losses import at_least_float32


def squared_gradient_norms(critic, images):
    """`||d critic(x) / dx||^2` for each image `x`, in at least float32."""
    gradients = at_least_float32(
        backend.input_gradient(lambda x: at_least_float32(critic(x)), images)
    )
    return ops.sum(ops.square(gradients), axis=tuple(range(1, len(gradients.shape))))


def gradient_penalty(critic, real_images, fake_images, weights):
    """The WGAN-GP penalty `E[(||grad critic(x_hat)|| - 1)^2]` (Gulrajani et al., 2017).

    Args:
        critic: images to logits.
        real_images: a batch of real images.
        fake_images: a batch of generated images of the same shape.
        weights: `(batch, 1, 1, 1)` interpolation weights, uniform in [0, 1]:
            `x_hat = weights * real + (1 - weights) * fake`.
    """
    interpolates = weights * real_images + (1.0 - weights) * fake_images
    squared = squared_gradient_norms(critic, interpolates)
    norms = ops.sqrt(squared + 1e-12)  # a finite gradient where a norm is 0
    return ops.mean(ops.square(norms - 1.0))


def r1(critic, real_images):
    """The R1 penalty's expectation `E[||grad critic(x)||^2]` on real images
    (Mescheder et al., 2018); the weight `gamma / 2` is the caller's."""
    return ops.mean(squared_gradient_norms(critic, real_images))


def r2(critic, fake_images):
    """The R2 penalty's expectation `E[||grad critic(x)||^2]` on generated
    images (Roth et al., 2017; R3GAN, Huang et al., 2024), R1 on the other
    side; the weight `gamma / 2` is the caller's."""
    return ops.mean(squared_gradient_norms(critic, fake_images))


def every_kth(structure, size, replicas=1):
    """Every k-th row of each tensor in `structure`, `k = global batch // size`:
    about `size` rows of the global batch.

    An unbiased subset for a mean such as R1. Under a distribution strategy
    (`replicas` > 1) each replica keeps the rows one device would keep of
    the global batch, when `k` divides each replica's batch. `None` leaves
    pass through.

    Args:
        structure: tensors sharing their first dimension (the images, the
            condition).
        size: how many rows of the global batch to keep, about.
        replicas: replicas the global batch is split across.
    """
    first = keras.tree.flatten(structure)[0]
    rows = first.shape[0]
    if rows is None:  # TensorFlow, batch size unknown when traced
        rows = ops.shape(first)[0]
        stride = ops.maximum(rows * replicas // size, 1)
    else:
        stride = max(rows * replicas // size, 1)
    # A gather: a slice with a traced step would lose the static shape.
    indices = ops.arange(0, rows, stride)
    return keras.tree.map_structure(
        lambda tensor: ops.take(tensor, indices, axis=0), structure, none_is_leaf=False
    )
