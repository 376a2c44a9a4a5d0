"""`keras-gen` train / sample / export / evaluate on a tiny local MNIST file."""

import json
import os
import shutil
import subprocess
import sys

import keras
import pytest

from keras_gen import cli
from tests.helpers import write_fake_mnist_npz

TINY = ["--batch-size", "16", "--latent-dim", "8", "--verbose", "0"]


@pytest.fixture(scope="module")
def mnist_file(tmp_path_factory):
    """A Keras-layout mnist.npz with 64 training digits (random pixels)."""
    return write_fake_mnist_npz(tmp_path_factory.mktemp("data") / "mnist.npz", 64)


def train(run, model, mnist_file, *extra):
    return cli.main(
        [
            "train",
            model,
            "--data-dir",
            str(mnist_file),
            "--out",
            str(run),
            *TINY,
            *extra,
        ]
    )


def usage_error(capsys, argv):
    status = cli.main(argv)
    err = capsys.readouterr().err
    assert status == 2
    assert len(err.strip().splitlines()) == 1, err
    return err


@pytest.fixture(scope="module")
def dcgan_run(tmp_path_factory, mnist_file):
    run = tmp_path_factory.mktemp("runs") / "dcgan"
    recommended = ["--r1-penalty", "0.3", "--r1-batch-size", "4", "--ema", "0.99"]
    assert (
        train(
            run,
            "dcgan",
            mnist_file,
            "--epochs",
            "1",
            "--base-filters",
            "4",
            *recommended,
        )
        == 0
    )
    return run


def test_train_writes_a_complete_run_folder(dcgan_run):
    assert (dcgan_run / "model.keras").is_file()
    assert (dcgan_run / "samples" / "epoch_0001.png").is_file()
    assert (dcgan_run / "checkpoints" / "ckpt-0001.keras").is_file()
    assert any((dcgan_run / "logs").rglob("events.out.tfevents.*"))
    rows = (dcgan_run / "history.csv").read_text().splitlines()
    assert rows[0].split(",")[:3] == ["epoch", "d_loss", "fake_score"]
    assert len(rows) == 2
    settings = json.loads((dcgan_run / "run.json").read_text())
    assert settings["model"] == "dcgan" and settings["base_filters"] == 4
    assert settings["latent_dim"] == 8
    assert (settings["r1_penalty"], settings["r1_batch_size"]) == (0.3, 4)
    model = keras.saving.load_model(dcgan_run / "model.keras")
    assert model.ema == 0.99
    assert (model.r1_penalty, model.r1_batch_size) == (0.3, 4)


def test_resume_continues_the_run(tmp_path, mnist_file, capsys):
    run = tmp_path / "run"
    assert train(run, "gan", mnist_file, "--epochs", "1", "--hidden-units", "16") == 0
    # It says what it trains on: the source and the size.
    assert f"Training a gan on mnist from {mnist_file}: 4 batches of 16 images" in (
        capsys.readouterr().out
    )
    # Starting over on top of it is refused ...
    err = usage_error(
        capsys,
        ["train", "gan", "--data-dir", str(mnist_file), "--out", str(run), *TINY],
    )
    assert "--resume" in err
    # ... resuming trains epoch 2 only, with the settings of the first call.
    assert (
        cli.main(
            [
                "train",
                "gan",
                "--out",
                str(run),
                "--epochs",
                "2",
                "--resume",
                "--verbose",
                "0",
            ]
        )
        == 0
    )
    rows = (run / "history.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == ["1", "2"]  # as epoch_0001
    assert not [name for name in rows[0].split(",") if name.startswith("val_")]
    assert (run / "checkpoints" / "ckpt-0002.keras").is_file()


def test_unset_options_take_the_models_defaults_and_resume_keeps_them(
    tmp_path, mnist_file
):
    def recorded(run):
        settings = json.loads((run / "run.json").read_text())
        names = ("label_smoothing", "r1_penalty", "r1_batch_size", "ema")
        return tuple(settings[name] for name in names)

    tiny = ["--epochs", "1", "--base-filters", "4"]
    default = tmp_path / "default"
    assert train(default, "dcgan", mnist_file, *tiny) == 0
    assert recorded(default) == (0.1, 0.3, 16, 0.999)  # the "mnist" preset
    assert json.loads((default / "run.json").read_text())["preset"] == "mnist"
    plain = tmp_path / "plain"
    assert (
        train(plain, "dcgan", mnist_file, *tiny, "--r1-penalty", "0", "--ema", "0") == 0
    )
    assert recorded(plain) == (0.1, 0.0, None, None)
    # Resuming rebuilds the recorded model (no average), not today's defaults.
    resume = ["train", "dcgan", "--out", str(plain), "--resume", "--verbose", "0"]
    assert cli.main([*resume, "--epochs", "2"]) == 0
    model = keras.saving.load_model(plain / "model.keras")
    assert (model.ema, model.r1_penalty, model.optimizer.iterations.numpy()) == (
        None,
        0.0,
        8,
    )


def test_latent_size_is_recorded(tmp_path, mnist_file):
    run = tmp_path / "run"
    argv = ["train", "dcgan", "--data-dir", str(mnist_file), "--out", str(run)]
    tiny = ["--batch-size", "16", "--epochs", "1", "--base-filters", "4"]
    assert cli.main([*argv, *tiny, "--verbose", "0"]) == 0
    settings = json.loads((run / "run.json").read_text())
    assert settings["latent_dim"] == 16  # DCGAN's default, resolved
    assert cli.build_model(settings, (28, 28, 1)).latent_dim == 16


def test_sample_export_and_evaluate(dcgan_run, tmp_path, capsys):
    grid = tmp_path / "grid.png"
    assert cli.main(["sample", str(dcgan_run), "--num", "9", "--out", str(grid)]) == 0
    assert grid.is_file()
    typical = tmp_path / "typical.png"
    assert (
        cli.main(
            ["sample", str(dcgan_run), "--num", "9", "--out", str(typical)]
            + ["--truncation", "0.1"]
        )
        == 0
    )
    assert typical.read_bytes() != grid.read_bytes()
    export_dir = tmp_path / "export" / "1"
    assert cli.main(["export", str(dcgan_run), str(export_dir)]) == 0
    assert (export_dir / "saved_model.pb").is_file()
    capsys.readouterr()
    assert cli.main(["evaluate", str(dcgan_run), "--num-samples", "50", "--json"]) == 0
    results = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {"frechet_distance", "classifier_score", "precision", "recall"} <= set(
        results["metrics"]
    )
    # The run's training digits are the memorization check's reference.
    assert "memorization_ratio" in results["metrics"]
    assert results["provenance"]["training_images"] == 64
    assert results["real_digits"]["classifier_score"] > 9  # what good looks like
    written = json.loads((dcgan_run / "evaluation.json").read_text())
    assert written["metrics"] == results["metrics"]
    assert cli.main(["evaluate", str(dcgan_run), "--num-samples", "50"]) == 0
    table = capsys.readouterr().out
    assert "real digits" in table and "frechet_distance" in table
    assert "50 samples (seed 0)" in table
    assert (
        cli.main(
            ["evaluate", str(dcgan_run), "--num-samples", "50", "--truncation", "1"]
        )
        == 0
    )
    capsys.readouterr()
    record = json.loads((dcgan_run / "evaluation-3.json").read_text())
    assert record["provenance"]["truncation"] == 1.0
    # Later evaluations are kept beside the first.
    assert (dcgan_run / "evaluation-2.json").is_file()
    assert json.loads((dcgan_run / "evaluation.json").read_text()) == written


def test_cgan_samples_chosen_labels(tmp_path, mnist_file, capsys):
    run = tmp_path / "cgan"
    assert train(run, "cgan", mnist_file, "--epochs", "1", "--base-filters", "4") == 0
    grid = tmp_path / "sevens.png"
    assert (
        cli.main(
            ["sample", str(run), "--labels", "7", "--num", "4", "--out", str(grid)]
        )
        == 0
    )
    assert grid.is_file()
    other = tmp_path / "twelves.png"
    err = usage_error(
        capsys, ["sample", str(run), "--labels", "12", "--out", str(other)]
    )
    assert "[0, 10)" in err and not other.exists()


def test_usage_errors_are_one_line_with_status_2(dcgan_run, tmp_path, capsys):
    usage_error(capsys, ["train", "stylegan", "--out", str(tmp_path / "x")])
    err = usage_error(
        capsys, ["train", "dcgan", "--out", str(tmp_path / "x"), "--epochs", "0"]
    )
    assert "--epochs: must be at least 1, got 0" in err
    err = usage_error(capsys, ["sample", str(dcgan_run), "--num", "many"])
    assert "--num: expected a whole number of at least 1, got 'many'" in err
    err = usage_error(capsys, ["sample", str(dcgan_run), "--truncation", "0"])
    assert "--truncation: must be a number above 0, got 0" in err
    err = usage_error(capsys, ["sample", str(tmp_path / "missing")])
    assert "no run folder" in err
    err = usage_error(capsys, ["sample", str(dcgan_run), "--labels", "1"])
    assert "conditional" in err
    err = usage_error(
        capsys, ["train", "dcgan", "--out", str(tmp_path / "new"), "--resume"]
    )
    assert "nothing to resume" in err
    err = usage_error(
        capsys,
        [
            "train",
            "vae",
            "--data-dir",
            str(tmp_path / "nowhere"),
            "--out",
            str(tmp_path / "v"),
        ],
    )
    assert "No MNIST" in err
    err = usage_error(
        capsys, ["train", "vae", "--out", str(tmp_path / "v"), "--ema", "0.999"]
    )
    assert "for the GANs" in err
    usage_error(capsys, [])


@pytest.mark.parametrize("command", [["train"], ["sample"], ["export"], ["evaluate"]])
def test_help_for_every_command(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*command, "--help"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: keras-gen {command[0]}")


def test_the_installed_entry_point_runs():
    result = subprocess.run(
        [sys.executable, "-m", "keras_gen.cli", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0
    assert "train" in result.stdout and "evaluate" in result.stdout


def test_the_command_keeps_tensorflows_native_log_lines_out():
    command = shutil.which("keras-gen") or os.path.join(
        os.path.dirname(sys.executable), "keras-gen"
    )
    if not os.path.exists(command):
        pytest.skip("the keras-gen command is not installed")
    env = {k: v for k, v in os.environ.items() if k != "KERAS_GEN_NATIVE_LOGS"}

    def stderr(*args):
        result = subprocess.run(
            [command, *args], capture_output=True, text=True, timeout=120, env=env
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stderr

    assert stderr("--help") == ""
    # --debug keeps them: TensorFlow writes its start-up lines on import.
    assert "absl::InitializeLog" in stderr("--debug", "--help")


@pytest.mark.parametrize("task", ["super_resolution", "inpainting"])
def test_pix2pix_trains_samples_exports_and_evaluates_a_task(
    task, tmp_path, mnist_file, capsys
):
    run = tmp_path / "pix2pix"
    argv = ["train", "pix2pix", "--task", task, "--data-dir", str(mnist_file)]
    tiny = ["--batch-size", "16", "--base-filters", "4", "--verbose", "0"]
    assert cli.main([*argv, "--out", str(run), *tiny, "--epochs", "1"]) == 0
    assert f"({task} pairs)" in capsys.readouterr().out
    settings = json.loads((run / "run.json").read_text())
    assert settings["task"] == task and settings["latent_dim"] == 0
    assert (run / "samples" / "epoch_0001.png").is_file()
    assert "l1" in (run / "history.csv").read_text().splitlines()[0]

    assert cli.main([*argv, "--out", str(run), *tiny, "--epochs", "2", "--resume"]) == 0
    assert len((run / "history.csv").read_text().splitlines()) == 3

    grid = tmp_path / "grid.png"
    assert cli.main(["sample", str(run), "--num", "8", "--out", str(grid)]) == 0
    height, width, _ = keras.utils.img_to_array(keras.utils.load_img(grid)).shape
    assert 0.3 < height / width < 0.45  # inputs, outputs, targets: 3 rows of 8

    assert cli.main(["export", str(run), str(tmp_path / "export")]) == 0
    capsys.readouterr()
    assert cli.main(["evaluate", str(run), "--num-samples", "16", "--json"]) == 0
    scores = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {"l1", "psnr", "label_accuracy", "frechet_distance"} <= set(
        scores["metrics"]
    )
    assert set(scores["skipped"]) == {"memorization_ratio", "near_copy_fraction"}


def test_pix2pix_options_that_do_not_apply_are_usage_errors(
    tmp_path, mnist_file, capsys
):
    base = ["train", "pix2pix", "--data-dir", str(mnist_file), "--out", str(tmp_path)]
    assert "--latent-dim" in usage_error(capsys, [*base, "--latent-dim", "8"])
    assert "--task is for pix2pix" in usage_error(
        capsys,
        ["train", "dcgan", "--task", "inpainting", "--out", str(tmp_path / "d")],
    )


def test_cli_tasks_are_the_datasets_tasks():
    import keras_gen as kg

    assert cli.TASKS == kg.datasets.TASKS
