"""The benchmarks run and print their rows (smoke tests, not timings or scores)."""

import importlib.util
import re

import keras
import pytest

from tests.helpers import run_module, run_python, write_fake_mnist_npz

pytestmark = pytest.mark.slow


def throughput(*args):
    return run_module("benchmarks.throughput", "--repeats", "1", *args)


@pytest.mark.parametrize(
    "args, expected",
    [
        (
            (),
            r"mlp_gan .* keras_gen +[\d.]+ img/s +hand-written +[\d.]+ img/s +ratio"
            r".* steps/s [\d.]+ vs [\d.]+",
        ),
        (
            ("--compare-precision", "mixed_bfloat16"),
            r"mlp_gan .* float32 +[\d.]+ img/s +mixed_bfloat16 +[\d.]+ img/s "
            r"+speed-up [\d.]+",
        ),
    ],
    ids=["against-hand-written", "compare-precision"],
)
def test_throughput_prints_a_row(args, expected):
    output = throughput("--models", "mlp_gan", "--steps-scale", "0.01", *args)
    assert output.startswith("# tensorflow, keras ")
    assert len(re.findall(expected, output)) == 1, output


@pytest.mark.parametrize("kind", ["mlp_gan", "vae"])
def test_fresh_fake_images_reaches_the_gans_only(kind):
    from benchmarks import throughput

    compile_kwargs = {"reuse_fake_images": False}  # what --fresh-fake-images passes
    model, _, _ = throughput.keras_gen_model(kind, compile_kwargs)
    if kind != "vae":
        assert model.reuse_fake_images is False
    assert compile_kwargs == {"reuse_fake_images": False}  # not consumed
    default, _, _ = throughput.keras_gen_model(kind, {})
    if kind != "vae":  # compile()'s own choice for the compiler it uses
        from keras_gen import backend

        assert default.reuse_fake_images is backend.default_reuse_fake_images(default)


@pytest.mark.parametrize("flag, state", [("1", "on"), ("0", "off")])
def test_benchmark_header_says_whether_tensorflow_runs_onednn(flag, state):
    # CPU timings change by about 1.6x with oneDNN, which TensorFlow leaves off
    # on many CPUs unless TF_ENABLE_ONEDNN_OPTS=1: the header must say which.
    code = (
        "from benchmarks import machine; "
        "print(machine.onednn_state()); print(machine.describe())"
    )
    output = run_python("-c", code, env={"TF_ENABLE_ONEDNN_OPTS": flag})
    state_line, header = output.splitlines()[-2:]
    assert state_line == f"oneDNN {state}", output
    device = header.split(", ")[2]  # a GPU's name where TensorFlow sees one
    if device.startswith("CPU"):
        assert device == f"CPU (oneDNN {state})", header


# The JAX reference threads two optimizers' state through fit() by hand: check
# that one fit() updates every weight of both networks, counts both
# optimizers' steps and logs finite losses, for the conditional row too.
JAX_REFERENCE_TRAINS = """
import numpy as np
from benchmarks import throughput

for kind in ("mlp_gan", "cgan"):
    model, batch, data = throughput.keras_gen_model(kind, {})
    reference = throughput.hand_written_model(kind, model, data)
    assert type(reference).__name__ == "HandWrittenJaxGAN", type(reference)
    before = [np.array(v) for v in reference.trainable_variables]
    history = reference.fit(
        throughput._dataset(data), steps_per_epoch=3, epochs=1, verbose=0
    )
    after = [np.array(v) for v in reference.trainable_variables]
    assert all(not np.allclose(b, a) for b, a in zip(before, after)), kind
    assert int(reference.d_optimizer.iterations) == 3
    assert int(reference.g_optimizer.iterations) == 3
    losses = [history.history[name][0] for name in ("d_loss", "g_loss")]
    assert np.all(np.isfinite(losses)), losses
    print(kind, "ok")
"""


# One JAX process for both checks of the JAX reference (a process costs seconds).
JAX_CHECKS = (
    JAX_REFERENCE_TRAINS
    + """
import sys
sys.argv = ["throughput", "--repeats", "1", "--models", "cgan",
            "--steps-scale", "0.07", "--bare-jax-loop"]
throughput.main()
"""
)


@pytest.fixture(scope="module")
def jax_checks():
    if importlib.util.find_spec("jax") is None:
        pytest.skip("needs JAX installed")
    return run_python("-c", JAX_CHECKS, backend="jax")


def test_the_jax_reference_updates_both_networks_through_fit(jax_checks):
    assert "mlp_gan ok" in jax_checks and "cgan ok" in jax_checks


def test_bare_jax_loop_times_the_references_own_step(jax_checks):
    assert re.search(
        r"cgan .* keras_gen +[\d.]+ img/s +bare loop +[\d.]+ img/s", jax_checks
    ), jax_checks


def test_quality_trains_each_model_for_the_steps_asked(tmp_path):
    # Random digits in the `mnist.npz` layout: the benchmark must not download.
    write_fake_mnist_npz(tmp_path / "mnist.npz", 300)
    output = run_module(
        "benchmarks.quality",
        *("--steps", "3", "--models", "dcgan", "--num-samples", "200"),
        *("--bootstrap-resamples", "5", "--truncation", "1.5"),
        *("--data-dir", str(tmp_path), "--save-samples", str(tmp_path / "samples")),
    )
    assert "dcgan: 3 steps in" in output, output
    assert "3 steps per model; 200 samples scored" in output, output
    interval = r"[\d.]+ \[[\d.]+, [\d.]+\]"
    assert re.search(rf"^\| dcgan \| 3 \| \d+ \| {interval} \| ", output, re.M), output
    # The same trained model, its noise truncated: a row of its own.
    assert re.search(
        rf"^\| dcgan, truncation 1.5 \| 3 \| \d+ \| {interval} \| ", output, re.M
    ), output
    for reference in ("real digits not trained on", "copies of training digits"):
        assert f"| {reference} |" in output, output
    # 64 samples, 8 by 8, each 28 + 2 pixels of padding, then doubled.
    grid = keras.utils.load_img(tmp_path / "samples" / "dcgan.png")
    assert grid.size == (2 * (8 * 30 + 2),) * 2


def test_quality_scores_stacked_mnist_and_the_likelihood(tmp_path):
    write_fake_mnist_npz(tmp_path / "mnist.npz", 300)
    output = run_module(
        "benchmarks.quality",
        *("--steps", "2", "--models", "stacked-dcgan,vae"),
        *("--num-samples", "50", "--mode-samples", "300"),
        *("--bootstrap-resamples", "5"),
        *("--importance-samples", "3", "--likelihood-images", "16"),
        *("--data-dir", str(tmp_path)),
    )
    assert re.search(
        r"^\| DCGAN\(image_shape=\(28, 28, 3\)\) \| 2 \| \d+ \| \d+ \| [\d.]+ \| [\d.]+ \|$",
        output,
        re.M,
    ), output
    assert re.search(
        r'^\| DCGAN.from_preset\("mnist", image_shape=\(28, 28, 3\)\) \| 2 \| ',
        output,
        re.M,
    ), output
    assert "likelihood with k = 3 on 16 test digits" in output, output
    assert re.search(r"^\| vae \| 2 \|.*\| [\d.]+ \| [\d.]+ \|$", output, re.M), output


def test_translation_scores_pix2pix_l1_alone_and_cyclegan(tmp_path):
    write_fake_mnist_npz(tmp_path / "mnist.npz", 128, num_test=64)
    output = run_module(
        "benchmarks.translation",
        *("--steps", "1", "--tasks", "outpainting", "--l1-weights", "100,10"),
        *("--cyclegan", "--data-dir", str(tmp_path)),
    )
    for method in (
        "naive",
        "L1 only",
        "pix2pix, L1 weight 100",
        "pix2pix, L1 weight 10",
        "L1 only, equal steps",
    ):
        assert re.search(rf"^\| outpainting \| {method} \| ", output, re.M), output
    for method in ("real digits", "identity map", "per-pixel colour mapping"):
        assert re.search(rf"^\| {method}.* \| - \| - \| [\d.]+ \| ", output, re.M)
    assert re.search(
        r'^\| CycleGAN.from_preset\("mnist"\) \| 1 \| \d+ \| [\d.]+ \| [\d.]+ \| '
        r"[\d.]+ \| [\d.]+ \|$",
        output,
        re.M,
    ), output


def test_quality_trains_on_a_part_of_the_digits_with_a_seed(tmp_path):
    write_fake_mnist_npz(tmp_path / "mnist.npz", 300)
    output = run_module(
        "benchmarks.quality",
        *("--steps", "2", "--models", "dcgan-ada", "--num-samples", "100"),
        *("--bootstrap-resamples", "5", "--seed", "3", "--train-digits", "256"),
        *("--data-dir", str(tmp_path)),
    )
    assert "; seed 3, the first 256 training digits" in output, output
    assert re.search(r"^\| dcgan-ada \| 2 \| \d+ \| ", output, re.M), output


def test_throughput_compares_a_compile_option():
    output = throughput(
        *("--models", "mlp_gan", "vae", "--steps-scale", "0.01"),
        *("--compare-option", "augmentation=ada", "--compare-option", "r2_penalty=0.3"),
    )
    rows = re.findall(r"mlp_gan .* (\w+)=(.+?): with +[\d.]+ img/s +without", output)
    assert rows == [("augmentation", "'ada'"), ("r2_penalty", "0.3")], output
    assert " vae " not in output  # GAN options: no VAE row


def test_sample_files_benchmark_prints_its_rows():
    output = run_module("benchmarks.sample_files", "--num", "40")
    assert re.search(r"generate\(\) alone +[\d.]+ img/s", output), output
    assert (
        len(re.findall(r"write_samples\((npz|png)\) +[\d.]+ img/s +ratio", output)) == 2
    )
    assert re.search(r"peak memory growth: [\d.-]+ MiB writing 40 images", output)


def test_fid_benchmark_prints_its_rows():
    output = run_module("benchmarks.fid", "--num", "4", "--batch-size", "2")
    rows = re.findall(r"(tf1|clean) resize +[\d.]+ img/s +ratio to the first", output)
    assert len(rows) == 3, output
    assert "min per 10,000 images" in output


def test_diffusion_benchmark_prints_its_tables():
    output = run_module(
        "benchmarks.diffusion",
        *("--steps", "2", "--num-samples", "20", "--batch-size", "8"),
        *("--table-samples", "10", "--table-steps", "2,3"),
        *("--models", "dcgan,diffusion,conditional-diffusion", "--guidance", "2"),
        *("--likelihood-images", "20"),
    )
    assert re.search(r"\| diffusion \| 2 \| [\d.]+ \| [\d.]+ \|", output), output
    # The bound in nats for the diffusion models, none for the DCGAN.
    elbo = re.search(r"^\| diffusion \|(?: [^|]* \|){8} ([\d.]+) \|", output, re.M)
    assert elbo and float(elbo.group(1)) > 0, output
    # Guidance against label accuracy: unguided, then the scale asked for.
    assert (
        len(re.findall(r"^\| (none|2) \| [\d.]+ \| [01]\.\d{3} \|", output, re.M)) == 2
    )
    assert re.search(r"\| dcgan \| 2 \|.*\| 1\.00 \|", output), output
    # Sampling steps against quality (five columns), for each diffusion model.
    steps_rows = r"^\| [23] \|(?: [\d.]+ \|){4}$"
    assert len(re.findall(steps_rows, output, re.M)) == 4
