"""One train step gives the same losses and weights on TensorFlow, JAX and PyTorch.

Each backend runs in its own process (Keras fixes the backend at import) via
`tests/programs/one_step.py`, from the same initial weights, batch and noise.
A backend that is not installed is skipped.
"""

import importlib.util

import numpy as np
import pytest

from tests.helpers import run_module

pytestmark = pytest.mark.slow

BACKENDS = ("tensorflow", "jax", "torch")
TOLERANCE = 1e-4


def run_one_step(backend, path):
    run_module("tests.programs.one_step", path, backend=backend)
    return dict(np.load(path))


@pytest.fixture(scope="module")
def steps(tmp_path_factory):
    folder = tmp_path_factory.mktemp("parity")
    return {
        backend: run_one_step(backend, folder / f"{backend}.npz")
        for backend in BACKENDS
        if importlib.util.find_spec(backend) is not None
    }


def test_the_step_changes_the_weights(steps):
    reference = steps["tensorflow"]
    moved = [
        np.abs(reference[key] - reference[key.replace("/weight", "/initial")]).max()
        for key in reference
        if "/weight" in key and reference[key].dtype.kind == "f"
    ]
    # Most variables move by far more than the tolerance: the comparison below is
    # not passing because nothing happened.
    assert np.median(moved) > 30 * TOLERANCE


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_one_step_matches_tensorflow(steps, backend):
    if backend not in steps:
        pytest.skip(f"{backend} is not installed")
    reference, other = steps["tensorflow"], steps[backend]
    assert sorted(other) == sorted(reference)
    compared = 0
    for key, expected in reference.items():
        if expected.dtype.kind != "f":  # the seed generator's integer state
            continue
        np.testing.assert_allclose(other[key], expected, atol=TOLERANCE, err_msg=key)
        compared += 1
    losses = [k for k in reference if k.endswith(("d_loss", "g_loss"))]
    assert len(losses) == 12  # gan, dcgan, cgan x SGD, Adam x d, g
    assert compared > 100
