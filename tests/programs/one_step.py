"""Runs one train step on the backend in KERAS_BACKEND and saves the result.

Usage: python -m tests.programs.one_step OUT.npz

Every backend starts from the same weights (drawn with numpy from a fixed seed),
the same batch and the same noise (a deterministic `sample_noise`), so the
losses and updated weights can be compared across backends by
`test_backend_parity.py`.
"""

import sys

import keras
import numpy as np
from keras import ops

import keras_gen as kg
from tests.helpers import IMAGE_SHAPE, tiny_cgan, tiny_dcgan, tiny_gan

BATCH = 8


class FixedNoise:
    """Mixin: noise is a fixed function of the position, the same everywhere."""

    def sample_noise(self, batch_size):
        count = BATCH * self.latent_dim
        noise = ops.sin(ops.arange(count, dtype="float32") * 0.37)
        return ops.reshape(noise, (BATCH, self.latent_dim))


class FixedNoiseGAN(FixedNoise, kg.GAN):
    pass


class FixedNoiseDCGAN(FixedNoise, kg.DCGAN):
    pass


class FixedNoiseCGAN(FixedNoise, kg.CGAN):
    pass


def build(kind):
    make, cls = {
        "gan": (tiny_gan, FixedNoiseGAN),
        "dcgan": (tiny_dcgan, FixedNoiseDCGAN),
        "cgan": (tiny_cgan, FixedNoiseCGAN),
    }[kind]
    # No weight average: it starts as a copy of each backend's own random init.
    template = make(ema=None)
    model = cls.from_config(template.get_config())
    rng = np.random.default_rng(1)
    for variable in model.trainable_variables:
        variable.assign(rng.normal(0, 0.2, variable.shape).astype("float32"))
    return model


def run(kind, optimizer):
    model = build(kind)
    learning_rate = {"SGD": 0.1, "Adam": 0.01}[optimizer]

    def make_optimizer():
        return keras.optimizers.get(
            {"class_name": optimizer, "config": {"learning_rate": learning_rate}}
        )

    model.compile(
        d_optimizer=make_optimizer(), g_optimizer=make_optimizer(), label_smoothing=0.1
    )
    results = {
        f"{kind}/{optimizer}/initial{index}": ops.convert_to_numpy(variable)
        for index, variable in enumerate(model.weights)
    }
    rng = np.random.default_rng(2)
    images = rng.uniform(-1, 1, (BATCH,) + IMAGE_SHAPE).astype("float32")
    labels = rng.integers(0, 3, BATCH)
    data = (images, labels) if kind == "cgan" else (images,)
    history = model.fit(*data, batch_size=BATCH, epochs=1, verbose=0, shuffle=False)
    for name, values in history.history.items():
        results[f"{kind}/{optimizer}/{name}"] = np.float32(values[0])
    for index, variable in enumerate(model.weights):
        results[f"{kind}/{optimizer}/weight{index}"] = ops.convert_to_numpy(variable)
    return results


def main(path):
    results = {}
    for kind in ("gan", "dcgan", "cgan"):
        for optimizer in ("SGD", "Adam"):
            results.update(run(kind, optimizer))
    np.savez(path, **results)


if __name__ == "__main__":
    main(sys.argv[1])
