"""A `.keras` file saved on one backend loads on another and training continues.

Each model goes round TensorFlow -> JAX -> PyTorch -> TensorFlow, one epoch
per backend, each in its own process (`tests/backends/continue_training.py`).
"""

import importlib.util
import json

import numpy as np
import pytest

from tests.helpers import run_module

CHAIN = ("tensorflow", "jax", "torch", "tensorflow")
STEPS_PER_EPOCH = 4

missing = [b for b in set(CHAIN) if importlib.util.find_spec(b) is None]
pytestmark = pytest.mark.skipif(
    bool(missing), reason=f"needs every backend; missing {missing}"
)


def continue_training(backend, kind, source, target):
    output = run_module(
        "tests.backends.continue_training", kind, source, target, backend=backend
    )
    return json.loads(output.strip().splitlines()[-1])


@pytest.mark.parametrize("kind", ["dcgan", "cgan", "vae"])
def test_round_trip_through_every_backend(tmp_path, kind):
    source = "new"
    previous = None
    for hop, backend in enumerate(CHAIN):
        target = tmp_path / f"{hop}-{backend}.keras"
        report = continue_training(backend, kind, source, target)
        assert report["backend"] == backend
        if previous is not None:
            # The loaded model is the saved one: same images from the same noise,
            # and its step count goes on from where the last backend stopped.
            np.testing.assert_allclose(report["loaded"], previous["saved"], atol=1e-4)
            assert report["steps_before"] == previous["steps_after"]
        assert report["steps_after"] == report["steps_before"] + STEPS_PER_EPOCH
        assert all(np.isfinite(v) for v in report["losses"].values()), report["losses"]
        assert not np.allclose(report["saved"], report["loaded"])  # it trained
        previous, source = report, target
