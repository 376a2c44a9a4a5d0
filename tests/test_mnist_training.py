"""Slow checks on real MNIST (../shared/datasets/mnist/): the models learn.

Run with `pytest -m slow`; skipped where the shared copy is absent.
"""

import pathlib

import numpy as np
import pytest
import tensorflow as tf

import keras_gen as kg

MNIST = pathlib.Path(__file__).resolve().parents[2] / "shared/datasets/mnist/mnist.npz"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not MNIST.is_file(), reason=f"no MNIST copy at {MNIST}"),
]


def load(split, value_range):
    with np.load(MNIST) as data:
        images = data[f"x_{split}"][..., None].astype("float32") / 255.0
    low, high = value_range
    return images * (high - low) + low


def batches(images, batch_size=128):
    return (
        tf.data.Dataset.from_tensor_slices(images)
        .shuffle(len(images), seed=0)
        .batch(batch_size, drop_remainder=True)
        .prefetch(tf.data.AUTOTUNE)
    )


def test_vae_reaches_a_good_elbo_in_three_epochs():
    train, test = load("train", (0, 1)), load("test", (0, 1))[:2000]
    vae = kg.VAE(image_shape=(28, 28, 1), latent_dim=16, seed=0)
    vae.compile()
    vae.fit(batches(train), epochs=3, verbose=0)
    logs = vae.evaluate(test, batch_size=250, verbose=0, return_dict=True)
    # An untrained VAE scores about 543 nats; a converged one about 100 on this data.
    assert logs["loss"] < 140, logs


def test_dcgan_moves_toward_the_data_after_one_epoch():
    train = load("train", (-1, 1))
    dcgan = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=100, base_filters=32, seed=0)
    dcgan.compile(label_smoothing=0.1)
    untrained = dcgan.generate(500, seed=0)
    dcgan.fit(batches(train), epochs=1, verbose=0)
    samples = dcgan.generate(500, seed=0)
    real_mean = train.mean()  # about -0.74: mostly black background
    # Untrained samples are grey (mean ~0); one epoch closes most of that gap
    # (seen here: 0.74 -> 0.19).
    assert abs(untrained.mean() - real_mean) > 0.5
    assert abs(samples.mean() - real_mean) < 0.5 * abs(untrained.mean() - real_mean)
    # Diverse samples: images differ from each other as much as real digits do.
    spread = samples.reshape(500, -1).std(axis=0).mean()
    real_spread = train[:500].reshape(500, -1).std(axis=0).mean()
    assert spread > 0.5 * real_spread
