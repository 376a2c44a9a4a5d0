"""Small networks, assertions and a subprocess runner shared by the tests."""

import json
import os
import pathlib
import subprocess
import sys

import keras
import numpy as np

import keras_gen as kg

IMAGE_SHAPE = (8, 8, 1)
#: The models tests/programs/jax_parallel.py trains on one device and under
#: JAX's `DataParallel`.
DATA_PARALLEL_KINDS = (
    "dcgan",
    "relativistic",
    "ada",
    "cgan",
    "vae",
    "pix2pix",
    "diffusion",
    "conditional_diffusion",
)
LATENT_DIM = 4


def tiny_gan(**kwargs):
    """An MLP GAN on 8x8x1 images, small enough to train in a second."""
    generator = kg.networks.mlp_generator(
        latent_dim=LATENT_DIM, image_shape=IMAGE_SHAPE, hidden_units=(16,)
    )
    discriminator = kg.networks.mlp_discriminator(
        image_shape=IMAGE_SHAPE, hidden_units=(16,)
    )
    return kg.GAN(generator, discriminator, latent_dim=LATENT_DIM, **kwargs)


def tiny_dcgan(**kwargs):
    """A DCGAN of the "mnist" preset (R1 on a subset, EMA) on 8x8x1 images."""
    return kg.DCGAN.from_preset(
        "mnist",
        image_shape=IMAGE_SHAPE,
        latent_dim=LATENT_DIM,
        base_filters=4,
        **kwargs,
    )


def tiny_paper_dcgan(**kwargs):
    """A DCGAN with the paper's settings on 8x8x1 images."""
    return kg.DCGAN(
        image_shape=IMAGE_SHAPE, latent_dim=LATENT_DIM, base_filters=4, **kwargs
    )


def tiny_cgan(**kwargs):
    return kg.CGAN(
        num_classes=3,
        image_shape=IMAGE_SHAPE,
        latent_dim=LATENT_DIM,
        base_filters=4,
        **kwargs,
    )


def tiny_pix2pix(**kwargs):
    """A Pix2Pix (U-Net and PatchGAN of width 4) on 8x8x1 images."""
    return kg.Pix2Pix(image_shape=IMAGE_SHAPE, base_filters=4, **kwargs)


def pairs_of(images, task="inpainting"):
    """`(inputs, targets)` made from images in [-1, 1]."""
    return kg.datasets.make_pairs(images, task)


def tiny_vae(**kwargs):
    return kg.VAE(image_shape=IMAGE_SHAPE, latent_dim=2, **kwargs)


def tiny_diffusion(**kwargs):
    """A Diffusion U-Net of width 8 on 8x8x1 images, sampling in 3 steps."""
    return kg.Diffusion(
        image_shape=IMAGE_SHAPE, base_filters=8, sampling_steps=3, **kwargs
    )


def tiny_conditional_diffusion(**kwargs):
    return kg.ConditionalDiffusion(
        3, image_shape=IMAGE_SHAPE, base_filters=8, sampling_steps=3, **kwargs
    )


def assert_all_close(left, right, atol=1e-5):
    """Asserts two lists of arrays (weights, optimizer variables) are equal to atol."""
    assert len(left) == len(right)
    for a, b in zip(left, right):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=atol)


# Two trainings from the same seed agree only up to round-off, which training then
# amplifies; in float64 (the `float64_policy` fixture) that stays below
# FLOAT64_RESUME_ATOL. What a resume bug leaves on the tiny models (optimizer
# moments or step count lost, another noise draw) is 1e-3 or more in the weights
# and 1e-2 or more in the optimizer slots; tests/models/test_saving.py checks that
# RESUME_ATOL, used for float32 runs (JAX, PyTorch), still tells them apart.
RESUME_ATOL = 2e-4
FLOAT64_RESUME_ATOL = 1e-6


def assert_same_training(left, right):
    """Asserts two trainings ended in the same state (weights, optimizer variables)."""
    assert len(left) == len(right)
    for a, b in zip(left, right):
        a, b = np.asarray(a), np.asarray(b)
        atol = FLOAT64_RESUME_ATOL if a.dtype == np.float64 else RESUME_ATOL
        np.testing.assert_allclose(a, b, atol=atol)


def variable_values(variables):
    return [keras.ops.convert_to_numpy(v) for v in variables]


def non_finite_gan(value=np.nan):
    """A GAN whose discriminator multiplies its logit by `value` (nan or inf)."""
    discriminator = keras.Sequential(
        [
            keras.Input(IMAGE_SHAPE),
            keras.layers.Flatten(),
            keras.layers.Dense(1),
            keras.layers.Lambda(lambda t: t * value),
        ]
    )
    generator = kg.networks.mlp_generator(LATENT_DIM, IMAGE_SHAPE, (8,))
    gan = kg.GAN(generator, discriminator, latent_dim=LATENT_DIM)
    gan.compile()
    return gan


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _run(argv, env, cwd):
    """Runs `argv`; fails the test on error; returns the process's stdout."""
    result = subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def run_python(*args, backend="tensorflow", env=None):
    """`python args` in the repository with KERAS_BACKEND=backend and the
    variables in `env` set; fails the test on error. Returns the process's
    stdout."""
    env = dict(
        os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3", **(env or {})
    )
    return _run([sys.executable, *map(str, args)], env, ROOT)


def run_tensorflow_only(script, *args, cwd):
    """Runs the Python source `script` with `args` in a fresh process without
    keras_gen on its path, the way a serving process would, and returns the
    JSON object its last line prints. The script reports the modules it
    imported under `"modules"`; the test fails if it fails or if keras_gen
    was among them."""
    path = pathlib.Path(cwd) / "tensorflow_only.py"
    path.write_text(script)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("PYTHONPATH", None)
    output = _run([sys.executable, str(path), *map(str, args)], env, cwd)
    report = json.loads(output.strip().splitlines()[-1])
    modules = report.pop("modules")
    assert not [m for m in modules if m.startswith("keras_gen")], modules
    return report


def fake_mnist_arrays(n=64, seed=0):
    """`n` random 28x28 uint8 "digits" and labels, MNIST's dtypes and shapes."""
    rng = np.random.default_rng(seed)
    return (
        rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
        rng.integers(0, 10, n).astype(np.uint8),
    )


def write_fake_mnist_npz(path, num_train, num_test=16):
    """Writes a Keras-layout `mnist.npz` of random digits to `path`; returns it."""
    x_train, y_train = fake_mnist_arrays(num_train, seed=0)
    x_test, y_test = fake_mnist_arrays(num_test, seed=1)
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return path


def run_module(module, *args, backend="tensorflow", env=None):
    """`python -m module args`; see `run_python`."""
    return run_python("-m", module, *args, backend=backend, env=env)


def tiny_cyclegan(**kwargs):
    """A CycleGAN between 8x8x1 and 8x8x3 images, networks of width 4."""
    options = {"channels_b": 3, "base_filters": 4, "residual_blocks": 1}
    options.update(history_size=4)
    return kg.CycleGAN(image_shape=IMAGE_SHAPE, **{**options, **kwargs})


def colour_of(images):
    """Domain B images for `tiny_cyclegan`: the images in three tinted channels."""
    return np.clip(images * np.array([1.0, 0.5, -0.5], "float32"), -1, 1)
