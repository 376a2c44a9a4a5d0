"""Two JAX processes on loopback train under Keras' DataParallel as one process
does on the same global batch (`jax.distributed.initialize`, gloo collectives)."""

import importlib.util
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

from tests.helpers import run_module

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("jax") is None
        or importlib.util.find_spec("tensorflow") is None,
        reason="needs JAX and TensorFlow (tf.data) installed",
    ),
]

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return probe.getsockname()[1]


def test_two_processes_equal_one(tmp_path):
    port = str(free_port())
    env = dict(os.environ, KERAS_BACKEND="jax", PYTHONPATH=ROOT)
    env.pop("XLA_FLAGS", None)
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.programs.jax_multiprocess",
                str(i),
                port,
                str(tmp_path / f"process{i}.npz"),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for i in range(2)
    ]
    outputs = [w.communicate(timeout=600)[0] for w in workers]
    for worker, output in zip(workers, outputs):
        assert worker.returncode == 0, output[-3000:]
    run_module(
        "tests.programs.jax_multiprocess",
        "single",
        "-",
        tmp_path / "single.npz",
        backend="jax",
    )
    single = dict(np.load(tmp_path / "single.npz"))
    for i in range(2):
        process = dict(np.load(tmp_path / f"process{i}.npz"))
        assert int(process["processes"]) == 2 and int(process["devices"]) == 2
        keys = [k for k in single if k.startswith("w") or k.endswith("loss")]
        assert len(keys) > 10
        for key in keys:
            np.testing.assert_allclose(
                process[key], single[key], atol=1e-5, err_msg=key
            )
