"""Training survives SIGKILL: mid-epoch, and while a checkpoint is being written."""

import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import time

import keras
import pytest

import keras_gen  # noqa: F401  (registers the model classes for load_model)
from tests.helpers import assert_same_training

pytestmark = pytest.mark.slow

EPOCHS = 6

TRAIN_SCRIPT = textwrap.dedent(
    """
    import os, pathlib, sys, time
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import keras, numpy as np
    import keras_gen as kg

    # The runs are compared at the end: float64 keeps round-off from growing
    # into differences (see tests/conftest.py, float64_policy).
    keras.config.set_dtype_policy("float64")
    run_dir, hook = pathlib.Path(sys.argv[1]), sys.argv[2]
    log = open(run_dir / "log.txt", "a", buffering=1)

    if hook == "pause-while-writing-a-checkpoint":
        real_replace = os.replace

        def interrupted_replace(source, target):
            if pathlib.Path(target).name.startswith("ckpt-"):
                size = os.path.getsize(source)
                with open(source, "r+b") as file:  # as if killed half-way
                    file.truncate(size // 2)
                (run_dir / "writing").touch()
                time.sleep(600)
            return real_replace(source, target)

        os.replace = interrupted_replace

    class Log(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            log.write("start\\n")

        def on_epoch_begin(self, epoch, logs=None):
            log.write(f"begin {epoch}\\n")

        def on_train_batch_end(self, batch, logs=None):
            time.sleep(0.03)

        def on_epoch_end(self, epoch, logs=None):
            log.write(f"end {epoch}\\n")

    keras.utils.set_random_seed(0)
    images = np.random.default_rng(0).uniform(-1, 1, (64, 8, 8, 1)).astype("float32")
    model = kg.DCGAN(image_shape=(8, 8, 1), latent_dim=4, base_filters=4, ema=0.9, seed=0)
    model.compile()
    model.fit(
        images, batch_size=8, epochs=EPOCHS, shuffle=False, verbose=0,
        callbacks=[kg.callbacks.Checkpoint(run_dir / "checkpoints", keep=3), Log()],
    )
    log.write("done\\n")
    """
).replace("EPOCHS", str(EPOCHS))


def start(script, run_dir, hook="none"):
    env = dict(os.environ, PYTHONPATH=str(pathlib.Path(__file__).resolve().parents[2]))
    return subprocess.Popen(
        [sys.executable, str(script), str(run_dir), hook],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(condition, process, timeout=180):
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise AssertionError(
                f"child exited early: {process.stderr.read().decode()[-2000:]}"
            )
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError("timed out waiting for the child")
        time.sleep(0.02)


def log_lines(run_dir):
    path = run_dir / "log.txt"
    return path.read_text().splitlines() if path.exists() else []


def runs(run_dir):
    """The log split per process start: lists of ('begin'|'end', epoch)."""
    result = []
    for line in log_lines(run_dir):
        if line == "start":
            result.append([])
        elif line != "done":
            kind, epoch = line.split()
            result[-1].append((kind, int(epoch)))
    return result


def kill(process):
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL


def test_sigkill_mid_epoch_and_mid_write_loses_no_completed_epoch(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(TRAIN_SCRIPT)
    run_dir = tmp_path / "run"
    run_dir.mkdir()

    # 1. Killed in the middle of epoch 4 (three epochs completed and saved).
    first = start(script, run_dir)
    wait_for(lambda: "begin 3" in log_lines(run_dir), first)
    time.sleep(0.1)
    kill(first)

    # 2. Restarted, then killed while the checkpoint after epoch 4 is written.
    second = start(script, run_dir, "pause-while-writing-a-checkpoint")
    wait_for(lambda: (run_dir / "writing").exists(), second)
    kill(second)
    checkpoints = run_dir / "checkpoints"
    assert sorted(p.name for p in checkpoints.glob("ckpt-*")) == [
        "ckpt-0001.keras",
        "ckpt-0002.keras",
        "ckpt-0003.keras",
    ]
    assert len(list(checkpoints.glob("tmp-*"))) == 1  # the half-written file

    # 3. Restarted again: runs to the end.
    third = start(script, run_dir)
    assert third.wait(timeout=300) == 0, third.stderr.read().decode()[-2000:]
    assert log_lines(run_dir)[-1] == "done"

    # Each restart began right after the last epoch whose checkpoint completed.
    first_run, second_run, third_run = runs(run_dir)
    assert [e for k, e in first_run if k == "end"] == [0, 1, 2]
    assert second_run[0] == ("begin", 3) and ("end", 3) not in second_run
    assert third_run[0] == ("begin", 3)
    assert [e for k, e in third_run if k == "end"] == [3, 4, 5]

    # Every checkpoint left on disk loads; no temporary file is left.
    assert sorted(p.name for p in checkpoints.iterdir()) == [
        "ckpt-0004.keras",
        "ckpt-0005.keras",
        "ckpt-0006.keras",
    ]
    final = None
    for path in sorted(checkpoints.iterdir()):
        final = keras.models.load_model(path)
    assert int(final.g_optimizer.iterations) == EPOCHS * 8

    # And the twice-killed run ends where an uninterrupted one does.
    reference_dir = tmp_path / "reference"
    reference_dir.mkdir()
    reference = start(script, reference_dir)
    assert reference.wait(timeout=300) == 0
    uninterrupted = keras.models.load_model(
        reference_dir / "checkpoints" / "ckpt-0006.keras"
    )
    assert_same_training(final.get_weights(), uninterrupted.get_weights())


def test_sigterm_to_keras_gen_train_checkpoints_and_resume_finishes(tmp_path):
    """A pre-empted `keras-gen train`: SIGTERM mid-epoch, then `--resume`."""
    from tests.helpers import write_fake_mnist_npz

    data = write_fake_mnist_npz(tmp_path / "mnist.npz", 4096)
    run_dir = tmp_path / "run"
    argv = [
        sys.executable,
        "-m",
        "keras_gen.cli",
        "train",
        "dcgan",
        "--data-dir",
        str(data),
        "--out",
        str(run_dir),
        "--epochs",
        "2",
        "--batch-size",
        "16",
        "--verbose",
        "0",
        "--base-filters",
        "4",
        "--latent-dim",
        "8",
    ]
    env = dict(
        os.environ,
        PYTHONPATH=str(pathlib.Path(__file__).resolve().parents[2]),
        TF_CPP_MIN_LOG_LEVEL="3",
        PYTHONUNBUFFERED="1",
    )
    child = subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    first_line = child.stdout.readline()  # printed just before fit() starts
    assert first_line.startswith("Training dcgan"), first_line
    time.sleep(4)  # into the first epoch's 256 batches
    child.send_signal(signal.SIGTERM)
    out, err = child.communicate(timeout=300)
    assert child.returncode == 128 + signal.SIGTERM, err[-2000:]
    assert "Stopped by SIGTERM" in out and "--resume" in out
    written = sorted(p.name for p in (run_dir / "checkpoints").glob("ckpt-*"))
    assert written and all(
        keras.models.load_model(run_dir / "checkpoints" / n) for n in written[-1:]
    )
    assert not (run_dir / "model.keras").exists()

    resumed = subprocess.run(
        [
            *argv[:5],
            "--out",
            str(run_dir),
            "--resume",
            "--epochs",
            "2",
            "--verbose",
            "0",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f"Resuming from {written[-1]}" in resumed.stdout
    model = keras.models.load_model(run_dir / "model.keras")
    assert int(model.g_optimizer.iterations) == 2 * 256
    # One history row per epoch: none for the part of epoch 1 before the signal.
    rows = (run_dir / "history.csv").read_text().splitlines()[1:]
    assert [row.split(",")[0] for row in rows] == ["1", "2"]
