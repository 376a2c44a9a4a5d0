"""A `.keras` file saved on one backend loads on another and training continues.

Each model goes round TensorFlow -> JAX -> PyTorch -> TensorFlow, one epoch
per backend, each backend in its own process (`tests/backends/continue_training.py`,
which takes every model kind in one process).
"""

import importlib.util
import json

import numpy as np
import pytest

from tests.helpers import run_module

CHAIN = ("tensorflow", "jax", "torch", "tensorflow")
STEPS_PER_EPOCH = 4

missing = [b for b in set(CHAIN) if importlib.util.find_spec(b) is None]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(missing), reason=f"needs every backend; missing {missing}"),
]


KINDS = ("dcgan", "cgan", "vae")


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    """The reports of every hop, by hop and kind."""
    folder = tmp_path_factory.mktemp("chain")
    source, hops = "new", []
    for hop, backend in enumerate(CHAIN):
        target = folder / f"{hop}-{backend}"
        target.mkdir()
        output = run_module(
            "tests.programs.continue_training", source, target, *KINDS, backend=backend
        )
        hops.append(json.loads(output.strip().splitlines()[-1]))
        source = target
    return hops


@pytest.mark.parametrize("kind", KINDS)
def test_round_trip_through_every_backend(chain, kind):
    previous = None
    for backend, reports in zip(CHAIN, chain):
        report = reports[kind]
        assert report["backend"] == backend
        if previous is not None:
            # The loaded model is the saved one: same images from the same noise,
            # and its step count goes on from where the last backend stopped.
            np.testing.assert_allclose(report["loaded"], previous["saved"], atol=1e-4)
            assert report["steps_before"] == previous["steps_after"]
        assert report["steps_after"] == report["steps_before"] + STEPS_PER_EPOCH
        assert all(np.isfinite(v) for v in report["losses"].values()), report["losses"]
        assert not np.allclose(report["saved"], report["loaded"])  # it trained
        previous = report
