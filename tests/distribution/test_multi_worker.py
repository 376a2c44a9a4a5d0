"""MultiWorkerMirroredStrategy across 2 worker processes on localhost (loopback)."""

import os
import socket
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as sock:
        sock.bind(("localhost", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_two_workers_train_one_model_and_only_the_chief_checkpoints(tmp_path):
    ports = [str(free_port()), str(free_port())]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.programs.multi_worker",
                *ports,
                str(i),
                str(tmp_path),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    for worker in workers:
        _, stderr = worker.communicate(timeout=600)
        assert worker.returncode == 0, stderr[-3000:]

    chief = sorted(p.name for p in (tmp_path / "worker-0").iterdir())
    other = sorted(p.name for p in (tmp_path / "worker-1").iterdir())
    assert chief == ["ckpt-0001.keras", "ckpt-0002.keras"]
    assert other == []

    # Synchronous training: both workers end with the same weights and logs.
    first, second = (dict(np.load(tmp_path / f"weights-{i}.npz")) for i in range(2))
    for key in first:
        np.testing.assert_allclose(first[key], second[key], atol=1e-6, err_msg=key)
