"""`keras-gen` train / sample / export / evaluate on a tiny local MNIST file."""

import json
import os
import shutil
import subprocess
import sys

import keras
import numpy as np
import pytest

import keras_gen as kg
from keras_gen import cli
from keras_gen.cli import model_options
from keras_gen.cli.data import DataSource
from tests.helpers import write_fake_mnist_npz

TINY = ["--batch-size", "16", "--verbose", "0"]


@pytest.fixture(scope="module")
def mnist_file(tmp_path_factory):
    """A Keras-layout mnist.npz with 64 training digits (random pixels)."""
    return write_fake_mnist_npz(tmp_path_factory.mktemp("data") / "mnist.npz", 64)


def train(run, model, mnist_file, *extra):
    argv = ["train", model, "--data-dir", str(mnist_file), "--out", str(run)]
    return cli.main([*argv, *TINY, *extra])


def usage_error(capsys, argv):
    status = cli.main(argv)
    err = capsys.readouterr().err
    assert status == 2
    assert len(err.strip().splitlines()) == 1, err
    return err


def settings(run):
    return json.loads((run / "run.json").read_text())


@pytest.fixture(scope="module")
def dcgan_run(tmp_path_factory, mnist_file):
    run = tmp_path_factory.mktemp("runs") / "dcgan"
    options = ["--base-filters", "4", "--latent-dim", "8", "--ema", "0.99"]
    assert train(run, "dcgan", mnist_file, "--epochs", "1", *options) == 0
    return run


# --- What the command reads off the models ----------------------------------


def test_every_model_class_is_a_command_with_its_own_options():
    classes = model_options.model_classes()
    assert {"gan", "dcgan", "cgan", "vae", "cvae", "pix2pix"} <= set(classes)
    assert classes["cvae"] is kg.CVAE
    dcgan = model_options.constructor_options(kg.DCGAN)
    assert dcgan["latent_dim"] == 100 and dcgan["base_filters"] == 64
    assert "generator" not in dcgan and "image_shape" not in dcgan
    assert model_options.compile_options(kg.DCGAN)["r1_penalty"] == "auto"
    # The GAN's options include its preset's (the networks it builds).
    assert "hidden_units" in model_options.constructor_options(kg.GAN)
    assert model_options.compile_options(kg.VAE)["objective"] == "elbo"


def test_help_shows_the_models_defaults_and_presets(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["train", "dcgan", "--help"])
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    # From DCGAN's signature and its "mnist" preset, not from a copy.
    assert (
        "--latent-dim VALUE size of the noise vector (default 100; preset 'mnist': 16)"
        in text
    )
    assert "--r1-penalty" in text and "--hidden-units" not in text
    assert kg.DCGAN.list_presets()["mnist"].split(".")[0] in text


def test_values_are_read_as_python():
    parse = model_options.parse_value
    assert [parse("none"), parse("true"), parse("0.3"), parse("16")] == [
        None,
        True,
        0.3,
        16,
    ]
    assert parse("least_squares") == "least_squares" and parse("auto") == "auto"


def test_the_default_preset_is_the_one_tuned_on_the_data():
    mnist, folder = DataSource("mnist"), DataSource("folder", data_dir="x")
    assert cli.default_preset(kg.DCGAN, mnist) == "mnist"
    assert cli.default_preset(kg.DCGAN, DataSource("mnist", image_size=64)) is None
    assert cli.default_preset(kg.DCGAN, folder) is None  # the paper's settings
    assert cli.default_preset(kg.GAN, folder) == "mlp"  # tuned on no data set


def test_data_settings_that_cannot_give_the_models_data_are_refused():
    pairs, images = kg.Pix2Pix(base_filters=4).training_data, kg.datasets.DataSpec()
    with pytest.raises(cli.UsageError, match="--task makes MNIST pairs"):
        DataSource("mnist", task="inpainting").check(images)
    with pytest.raises(cli.UsageError, match="takes --dataset mnist"):
        DataSource("fashion_mnist").check(pairs)
    with pytest.raises(cli.UsageError, match="needs --data-dir"):
        DataSource("folder").check(images)
    assert DataSource("mnist", image_size=32).image_shape(images) == (32, 32, 1)
    assert DataSource("folder", data_dir="x", color_mode="grayscale").image_shape(
        images
    ) == (64, 64, 1)


# --- Training ---------------------------------------------------------------


def test_train_writes_a_complete_run_folder(dcgan_run):
    assert (dcgan_run / "model.keras").is_file()
    assert (dcgan_run / "samples" / "epoch_0001.png").is_file()
    assert (dcgan_run / "checkpoints" / "ckpt-0001.keras").is_file()
    assert any((dcgan_run / "logs").rglob("events.out.tfevents.*"))
    rows = (dcgan_run / "history.csv").read_text().splitlines()
    assert rows[0].split(",")[:3] == ["epoch", "d_loss", "fake_score"]
    assert len(rows) == 2
    recorded = settings(dcgan_run)
    assert recorded["model"] == "dcgan" and recorded["preset"] == "mnist"
    assert recorded["arguments"] == {"base_filters": 4, "latent_dim": 8, "ema": 0.99}
    # What the preset's "auto" values became, for reading.
    assert recorded["resolved"]["compile"]["r1_penalty"] == 0.3
    assert recorded["resolved"]["arguments"]["latent_dim"] == 8
    model = keras.saving.load_model(dcgan_run / "model.keras")
    assert (model.ema, model.latent_dim, model.r1_penalty) == (0.99, 8, 0.3)


def test_resume_continues_the_run_with_its_settings(tmp_path, mnist_file, capsys):
    run = tmp_path / "run"
    assert train(run, "gan", mnist_file, "--epochs", "1", "--hidden-units", "16") == 0
    # It says what it trains on, in one plain line: the source and the size.
    out = capsys.readouterr().out
    assert (
        f"Training gan (mlp preset) on mnist from {mnist_file}: 4 batches of 16 images"
        in out
    )
    # Starting over on top of it is refused ...
    argv = ["train", "gan", "--data-dir", str(mnist_file), "--out", str(run)]
    assert "--resume" in usage_error(capsys, [*argv, *TINY])
    # ... resuming with other settings too ...
    resume = ["train", "gan", "--out", str(run), "--resume", "--verbose", "0"]
    assert "leave out --latent-dim" in usage_error(
        capsys, [*resume, "--latent-dim", "3"]
    )
    # ... resuming trains epoch 2 only, with the settings of the first call.
    assert cli.main([*resume, "--epochs", "2"]) == 0
    rows = (run / "history.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == ["1", "2"]  # as epoch_0001
    assert not [name for name in rows[0].split(",") if name.startswith("val_")]
    model = keras.saving.load_model(run / "model.keras")
    assert model.generator.get_layer(index=1).units == 16
    assert int(model.optimizer.iterations) == 8


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
    nowhere = ["--data-dir", str(tmp_path / "nowhere"), "--out", str(tmp_path / "v")]
    assert "No MNIST" in usage_error(capsys, ["train", "vae", *nowhere])
    # Options the model does not take: VAE has no `ema`, Pix2Pix no noise.
    assert "--ema" in usage_error(
        capsys, ["train", "vae", "--out", str(tmp_path / "v"), "--ema", "0.999"]
    )
    assert "--latent-dim" in usage_error(
        capsys, ["train", "pix2pix", "--out", str(tmp_path / "p"), "--latent-dim", "8"]
    )
    assert "--task makes MNIST pairs" in usage_error(
        capsys, ["train", "dcgan", "--task", "inpainting", "--out", str(tmp_path / "d")]
    )
    assert "no preset 'huge'" in usage_error(
        capsys, ["train", "dcgan", "--preset", "huge", "--out", str(tmp_path / "d")]
    )
    assert "does not take" in usage_error(
        capsys, ["evaluate", str(dcgan_run), "--importance-samples", "5"]
    )
    usage_error(capsys, [])


def test_sample_to_a_folder_writes_files_and_continues(dcgan_run, tmp_path, capsys):
    folder = tmp_path / "samples"
    argv = ["sample", str(dcgan_run), "--num", "5", "--out", str(folder)]
    assert cli.main([*argv, "--format", "npz", "--verbose", "0"]) == 0
    assert "Wrote 5 samples" in capsys.readouterr().out
    shard = np.load(folder / "samples-00000.npz")["images"]
    assert shard.shape == (5, 28, 28, 1) and shard.dtype == np.uint8
    written = (folder / "samples-00000.npz").stat().st_mtime_ns
    assert cli.main([*argv, "--format", "npz", "--verbose", "0"]) == 0  # complete
    assert (folder / "samples-00000.npz").stat().st_mtime_ns == written
    assert "other arguments" in usage_error(capsys, [*argv, "--seed", "3"])
    assert "grid" in usage_error(capsys, [*argv, "--labels", "1"])


@pytest.mark.parametrize("command", [["train"], ["sample"], ["export"], ["evaluate"]])
def test_help_for_every_command(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*command, "--help"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: keras-gen {command[0]}")


# --- The whole run: the slow tier ---------------------------------------------


@pytest.mark.slow
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
    truncated = ["evaluate", str(dcgan_run), "--num-samples", "50", "--truncation", "1"]
    assert cli.main(truncated) == 0
    capsys.readouterr()
    record = json.loads((dcgan_run / "evaluation-3.json").read_text())
    assert record["provenance"]["truncation"] == 1.0
    # Later evaluations are kept beside the first.
    assert (dcgan_run / "evaluation-2.json").is_file()
    assert json.loads((dcgan_run / "evaluation.json").read_text()) == written


@pytest.mark.slow
def test_conditional_models_sample_chosen_labels(tmp_path, mnist_file, capsys):
    for model in ("cgan", "cvae"):
        run = tmp_path / model
        tiny = ["--epochs", "1", "--latent-dim", "4"]
        if model == "cgan":
            tiny += ["--base-filters", "4"]
        assert train(run, model, mnist_file, *tiny) == 0
        assert settings(run)["resolved"]["arguments"]["num_classes"] == 10  # the data's
        grid = tmp_path / f"{model}-sevens.png"
        argv = ["sample", str(run), "--labels", "7", "--num", "4", "--out", str(grid)]
        assert cli.main(argv) == 0
        assert grid.is_file()
    other = tmp_path / "twelves.png"
    err = usage_error(
        capsys,
        ["sample", str(tmp_path / "cgan"), "--labels", "12", "--out", str(other)],
    )
    assert "[0, 10)" in err and not other.exists()


@pytest.mark.slow
def test_a_vae_is_evaluated_with_its_own_options(tmp_path, mnist_file, capsys):
    run = tmp_path / "vae"
    assert train(run, "vae", mnist_file, "--epochs", "1", "--latent-dim", "2") == 0
    capsys.readouterr()
    argv = ["evaluate", str(run), "--num-samples", "20", "--json"]
    assert cli.main([*argv, "--importance-samples", "7"]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["provenance"]["importance_samples"] == 7
    assert "negative_log_likelihood" in report["metrics"]


@pytest.mark.slow
@pytest.mark.parametrize("task", ["super_resolution", "inpainting"])
def test_pix2pix_trains_samples_exports_and_evaluates_a_task(
    task, tmp_path, mnist_file, capsys
):
    run = tmp_path / "pix2pix"
    argv = ["train", "pix2pix", "--task", task, "--data-dir", str(mnist_file)]
    tiny = ["--batch-size", "16", "--base-filters", "4", "--verbose", "0"]
    assert cli.main([*argv, "--out", str(run), *tiny, "--epochs", "1"]) == 0
    assert f"({task} pairs): 4 batches of 16 pairs" in capsys.readouterr().out
    assert settings(run)["data"]["task"] == task
    assert (run / "samples" / "epoch_0001.png").is_file()
    assert "l1" in (run / "history.csv").read_text().splitlines()[0]

    resume = ["train", "pix2pix", "--out", str(run), "--verbose", "0", "--resume"]
    assert cli.main([*resume, "--epochs", "2"]) == 0
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


def test_data_settings_for_two_domains_and_task_options():
    unpaired = kg.CycleGAN(base_filters=4, residual_blocks=1).training_data
    with pytest.raises(cli.UsageError, match="two domains takes --dataset mnist"):
        DataSource("fashion_mnist").check(unpaired)
    with pytest.raises(cli.UsageError, match="--task makes MNIST pairs"):
        DataSource("mnist", task="inpainting").check(unpaired)
    with pytest.raises(cli.UsageError, match="--factor .* --task super_resolution"):
        DataSource("mnist", task="inpainting", factor=7).check(
            kg.Pix2Pix(base_filters=4).training_data
        )
    assert DataSource("mnist").channels_b() == 3
    assert DataSource("folder", data_dir="x", color_mode="grayscale").channels_b() == 1


def test_a_folder_without_the_two_domains_names_them(tmp_path):
    unpaired = kg.CycleGAN(base_filters=4, residual_blocks=1).training_data
    source = DataSource("folder", data_dir=str(tmp_path))
    with pytest.raises(cli.UsageError, match="trainA/ and trainB/"):
        source.load(unpaired, batch_size=2, seed=0)


@pytest.mark.slow
def test_cyclegan_trains_samples_exports_and_evaluates_the_mnist_task(tmp_path, capsys):
    mnist_file = write_fake_mnist_npz(tmp_path / "mnist.npz", 64, num_test=32)
    run = tmp_path / "cyclegan"
    argv = ["train", "cyclegan", "--data-dir", str(mnist_file), "--out", str(run)]
    tiny = ["--batch-size", "16", "--base-filters", "4", "--residual-blocks", "1"]
    assert cli.main([*argv, *tiny, "--verbose", "0", "--epochs", "1"]) == 0
    out = capsys.readouterr().out
    assert "(the translation task: digits and styled digits): 2 batches of 16" in out
    assert settings(run)["preset"] == "mnist"
    assert settings(run)["resolved"]["arguments"]["channels_b"] == 3
    assert "cycle_a" in (run / "history.csv").read_text().splitlines()[0]
    resume = ["train", "cyclegan", "--out", str(run), "--verbose", "0", "--resume"]
    assert cli.main([*resume, "--epochs", "2"]) == 0

    grid = tmp_path / "grid.png"
    assert cli.main(["sample", str(run), "--num", "8", "--out", str(grid)]) == 0
    height, width, _ = keras.utils.img_to_array(keras.utils.load_img(grid)).shape
    assert 0.7 < height / width < 0.8  # six rows of eight
    assert cli.main(["export", str(run), str(tmp_path / "export")]) == 0
    capsys.readouterr()
    assert cli.main(["evaluate", str(run), "--num-samples", "8", "--json"]) == 0
    scores = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {"cycle_l1_a", "cycle_l1_b", "frechet_distance_b_to_a"} <= set(
        scores["metrics"]
    )
    assert "label_accuracy_b_to_a" in scores["metrics"]


@pytest.mark.slow
@pytest.mark.parametrize("task", ["outpainting", "denoising"])
def test_pix2pix_trains_the_new_tasks_and_super_resolution_by_seven(
    task, tmp_path, mnist_file, capsys
):
    run = tmp_path / task
    argv = ["train", "pix2pix", "--task", task, "--data-dir", str(mnist_file)]
    tiny = ["--batch-size", "16", "--base-filters", "4", "--verbose", "0"]
    assert cli.main([*argv, "--out", str(run), *tiny, "--epochs", "1"]) == 0
    assert f"({task} pairs)" in capsys.readouterr().out
    run7 = tmp_path / "sr7"
    argv = ["train", "pix2pix", "--task", "super_resolution", "--factor", "7"]
    argv += ["--data-dir", str(mnist_file), "--out", str(run7), *tiny, "--epochs", "1"]
    assert cli.main(argv) == 0
    assert settings(run7)["data"]["factor"] == 7


@pytest.mark.slow
def test_the_installed_entry_point_runs():
    result = subprocess.run(
        [sys.executable, "-m", "keras_gen.cli", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0
    assert "train" in result.stdout and "evaluate" in result.stdout


@pytest.mark.slow
def test_a_first_run_is_quiet_and_plain(tmp_path):
    """`keras-gen train dcgan` offline, as a newcomer's first run: one plain
    line says which data and why; no warning, no TensorFlow log line."""
    command = shutil.which("keras-gen") or os.path.join(
        os.path.dirname(sys.executable), "keras-gen"
    )
    if not os.path.exists(command):
        pytest.skip("the keras-gen command is not installed")
    env = {k: v for k, v in os.environ.items() if k != "KERAS_GEN_NATIVE_LOGS"}
    env.pop("KERAS_GEN_DATA_DIR", None)
    env["TFDS_DATA_DIR"] = str(tmp_path / "tfds")  # an empty cache
    env["HOME"] = str(tmp_path)

    def run(*args):
        result = subprocess.run(
            [command, *args], capture_output=True, text=True, timeout=600, env=env
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return result

    assert run("--help").stderr == ""
    # --debug keeps TensorFlow's lines: it writes its start-up lines on import.
    assert "absl::InitializeLog" in run("--debug", "--help").stderr
    first = run(
        "train",
        "dcgan",
        "--epochs",
        "1",
        "--base-filters",
        "4",
        "--verbose",
        "0",
        "--out",
        str(tmp_path / "run"),
    )
    assert first.stderr == ""
    lines = first.stdout.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("Training dcgan (mnist preset) on ")
    if "shipped with keras_gen" in lines[0]:  # no network here
        assert "could not be downloaded" in lines[0]
