"""Keras' JAX distribution API trains keras_gen models: DataParallel equals one
device on the same global batch, checkpoints resume across it, and ModelParallel
shards the wide kernels (`kg.distribute.layout_map`)."""

import importlib.util

import numpy as np
import pytest

from tests.helpers import DATA_PARALLEL_KINDS, run_module

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("jax") is None, reason="needs JAX installed"
    ),
]

#: Float32 sums over a split batch differ from one device in the last bits;
#: after 8 Adam steps the weights agree to this (measured: up to 4e-6, the VAE).
TOLERANCE = 1e-5


def weights_of(results, prefix):
    return sorted(k for k in results if k.startswith(prefix) and "/w" in k)


@pytest.fixture(scope="module", params=[2, 4])
def data_parallel(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("jax") / "data.npz"
    run_module(
        "tests.programs.jax_parallel", "data", request.param, path, backend="jax"
    )
    return request.param, dict(np.load(path))


@pytest.mark.parametrize("kind", DATA_PARALLEL_KINDS)
def test_data_parallel_equals_one_device(data_parallel, kind):
    devices, results = data_parallel
    assert int(results["devices"]) == devices
    assert int(results[f"{kind}/parallel_devices"]) == devices  # it ran distributed
    keys = weights_of(results, f"{kind}/single/")
    assert len(keys) >= 10
    for key in keys:
        np.testing.assert_allclose(
            results[key.replace("/single/", "/parallel/")],
            results[key],
            atol=TOLERANCE,
            err_msg=key,
        )
    losses = [k for k in results if k.startswith(f"{kind}/single/") and "loss" in k]
    for key in losses:  # global-batch values, not per-device ones
        np.testing.assert_allclose(
            results[key.replace("/single/", "/parallel/")], results[key], rtol=1e-5
        )


def test_checkpoints_resume_under_the_distribution_and_on_one_device(data_parallel):
    _, results = data_parallel
    for key in weights_of(results, "resumed/parallel/"):
        uninterrupted = key.replace("resumed/parallel/", "dcgan/parallel/")
        np.testing.assert_allclose(results[key], results[uninterrupted], atol=TOLERANCE)
        one_device = key.replace("resumed/parallel/", "resumed/single/")
        np.testing.assert_allclose(results[one_device], results[key], atol=TOLERANCE)


def test_model_parallel_shards_the_wide_kernels_and_trains(tmp_path):
    path = tmp_path / "model.npz"
    run_module("tests.programs.jax_parallel", "model", path, backend="jax")
    results = dict(np.load(path))
    assert {"dense/kernel", "conv2d_transpose/kernel", "conv2d/kernel"} <= set(
        results["sharded"]
    )
    # Sharded, the step equals the unsharded one to round-off: the noise it
    # draws is laid out like the batch (keras_gen.backend.lay_out_as_batch;
    # left to XLA's propagation, the weights differed by up to 5e-3).
    for key in weights_of(results, "single/"):
        parallel = results[key.replace("single/", "parallel/")]
        np.testing.assert_allclose(parallel, results[key], atol=TOLERANCE, err_msg=key)
    for name in ("d_loss", "g_loss", "real_score", "fake_score"):
        np.testing.assert_allclose(
            results[f"parallel/{name}"], results[f"single/{name}"], atol=TOLERANCE
        )
