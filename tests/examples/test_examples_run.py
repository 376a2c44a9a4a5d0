"""Every example script runs end to end on a tiny fake mnist.npz (one short epoch)."""

import importlib.util
import pathlib
import sys

import keras
import pytest

from tests.helpers import write_fake_mnist_npz

pytestmark = pytest.mark.slow

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def fake_mnist(tmp_path):
    return write_fake_mnist_npz(tmp_path / "mnist.npz", 256)


def run_example(name, argv):
    sys.path.insert(0, str(EXAMPLES))
    try:
        spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.main([str(a) for a in argv])
    finally:
        sys.path.remove(str(EXAMPLES))


def test_export_and_serve_example(fake_mnist, tmp_path):
    out = tmp_path / "run"
    run_example(
        "export_and_serve", ["--data-dir", fake_mnist, "--epochs", 1, "--out", out]
    )
    assert (out / "export" / "1" / "saved_model.pb").exists()
    assert (out / "served.png").exists() and (out / "sampled.png").exists()


@pytest.mark.parametrize(
    "name, extra, saved",
    [
        ("gan_mnist", [], "gan.keras"),
        ("dcgan_mnist", ["--base-filters", 8], "dcgan.keras"),
        ("cgan_mnist", ["--base-filters", 8], "cgan.keras"),
        ("vae_mnist", ["--latent-dim", 2], "vae.keras"),
        ("cvae_mnist", ["--latent-dim", 2], "cvae.keras"),
        (
            "diffusion_mnist",
            ["--base-filters", 8, "--sampling-steps", 2],
            "diffusion.keras",
        ),
        ("acgan_mnist", ["--base-filters", 8, "--eval-samples", 200], "acgan.keras"),
        ("dcgan64_mnist", ["--base-filters", 4], "dcgan64.keras"),
        ("image_folder", ["--base-filters", 4, "--conditional"], "model.keras"),
        (
            "pix2pix_super_resolution",
            ["--base-filters", 4, "--eval-samples", 100],
            "pix2pix.keras",
        ),
        ("pix2pix_inpainting", ["--base-filters", 4], "pix2pix.keras"),
        (
            "pix2pix_outpainting",
            ["--base-filters", 4, "--eval-samples", 100],
            "pix2pix.keras",
        ),
        (
            "cyclegan_mnist",
            ["--base-filters", 4, "--residual-blocks", 1, "--batch-size", 64],
            "cyclegan.keras",
        ),
    ],
)
def test_example_trains_writes_grids_and_saves(
    name, extra, saved, fake_mnist, tmp_path
):
    out = tmp_path / "run"
    run_example(name, ["--data-dir", fake_mnist, "--epochs", 1, "--out", out, *extra])
    assert list((out / "samples").glob("epoch_*.png")), "no sample grid written"
    model = keras.models.load_model(out / saved)
    assert model.compiled


def test_resume_example_continues_after_the_interruption(fake_mnist, tmp_path, capsys):
    out = tmp_path / "run"
    history = run_example(
        "resume_training",
        ["--data-dir", fake_mnist, "--epochs", 2, "--out", out, "--base-filters", 4],
    )
    assert history.epoch == [1]  # epoch 2 only: epoch 1 came from the checkpoint
    assert "Resuming from ckpt-0001.keras" in capsys.readouterr().out
