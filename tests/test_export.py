"""The exported SavedModel serves without keras_gen, equals generate(), refuses bad requests."""

import os
import shutil
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers import (
    IMAGE_SHAPE,
    LATENT_DIM,
    run_tensorflow_only,
    tiny_cgan,
    tiny_dcgan,
    tiny_vae,
)

NOISE = np.random.default_rng(0).normal(size=(5, LATENT_DIM)).astype("float32")
LABELS = np.array([0, 1, 2, 1, 0], "int32")


def trained(model, images, labels=None):
    model.compile()
    model.fit(images, labels, batch_size=8, epochs=1, verbose=0)
    return model


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """Each model kind trained a little, exported, with the outputs it should serve."""
    keras.utils.set_random_seed(0)  # module fixtures run before the per-test seeding
    folder = tmp_path_factory.mktemp("exports")
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (32,) + IMAGE_SHAPE).astype("float32")
    labels = rng.integers(0, 3, 32).astype("int32")

    dcgan = trained(tiny_dcgan(ema=0.9), images)
    cgan = trained(tiny_cgan(), images, labels)
    vae = trained(tiny_vae(), (images + 1) / 2)
    z = NOISE[:, :2]

    def as_uint8(x):
        return np.round((x + 1) / 2 * 255).astype("uint8")

    # What `sample(num_images=5, seed=11)` draws, on every backend.
    sample_noise = tf.random.stateless_normal([5, LATENT_DIM], seed=[11, 0]).numpy()
    if keras.backend.backend() == "tensorflow":
        # ... and what generate(5, seed=11) draws on TensorFlow.
        np.testing.assert_array_equal(
            dcgan.generate(5, seed=11), dcgan.generate(noise=sample_noise)
        )

    expected = {
        "dcgan": {
            "serving_default": dcgan.generate(noise=NOISE),
            "sample": as_uint8(dcgan.generate(noise=sample_noise)),
        },
        "cgan": {
            "serving_default": cgan.generate(labels=LABELS, noise=NOISE),
            "sample": as_uint8(cgan.generate(noise=sample_noise, labels=LABELS)),
        },
        "vae": {
            "serving_default": vae.decode(z),
            "encode": vae.encoder.predict(images[:5] * 0.5 + 0.5, verbose=0)[0],
        },
    }
    for name, model in [("dcgan", dcgan), ("cgan", cgan), ("vae", vae)]:
        model.export_generator(folder / name / "1")
        np.savez(folder / f"{name}_expected.npz", **expected[name])
    np.savez(
        folder / "inputs.npz",
        noise=NOISE,
        labels=LABELS,
        z=z,
        images=images[:5] * 0.5 + 0.5,
    )
    return folder


CHILD = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import tensorflow as tf

    folder = sys.argv[1]
    inputs = np.load(f"{folder}/inputs.npz")
    seed = tf.constant(11, tf.int64)
    calls = {
        "dcgan": {
            "serving_default": dict(noise=inputs["noise"]),
            "sample": dict(num_images=tf.constant(5), seed=seed),
        },
        "cgan": {
            "serving_default": dict(noise=inputs["noise"], labels=inputs["labels"]),
            "sample": dict(num_images=tf.constant(5), seed=seed, labels=inputs["labels"]),
        },
        "vae": {
            "serving_default": dict(z=inputs["z"]),
            "encode": dict(images=inputs["images"].astype("float32")),
        },
    }
    report = {}
    for name, signatures in calls.items():
        loaded = tf.saved_model.load(f"{folder}/{name}/1")
        expected = np.load(f"{folder}/{name}_expected.npz")
        report[name] = {"signatures": sorted(loaded.signatures)}
        for signature, kwargs in signatures.items():
            kwargs = {k: tf.constant(v) for k, v in kwargs.items()}
            outputs = loaded.signatures[signature](**kwargs)
            key = "z_mean" if signature == "encode" else "images"
            out = outputs[key].numpy()
            report[name][signature] = {
                "outputs": sorted(outputs),
                "dtype": str(out.dtype),
                "shape": list(out.shape),
                "min": float(out.min()),
                "max": float(out.max()),
                "max_error": float(np.abs(out.astype("float64") - expected[signature]).max()),
            }
    report["modules"] = sorted(m for m in sys.modules if m.split(".")[0] in ("keras", "keras_gen"))
    print(json.dumps(report))
    """
)


@pytest.mark.slow
def test_plain_tensorflow_process_serves_every_signature(exports, tmp_path):
    report = run_tensorflow_only(CHILD, exports, cwd=tmp_path)
    # On JAX the jax2tf-converted networks are endpoints of their own.
    jax = keras.backend.backend() == "jax"
    assert report["dcgan"]["signatures"] == sorted(
        ["sample", "serving_default"] + ["generator"] * jax
    )
    assert report["vae"]["signatures"] == sorted(
        ["encode", "sample", "serving_default"] + ["encode_function", "generator"] * jax
    )
    for name in ("dcgan", "cgan"):
        served = report[name]["serving_default"]
        assert served["outputs"] == ["images"] and served["dtype"] == "float32"
        assert served["shape"] == [5, *IMAGE_SHAPE]
        assert -1 <= served["min"] and served["max"] <= 1
        assert (
            served["max_error"] <= 1e-5
        )  # equals model.generate (EMA weights for dcgan)
        sampled = report[name]["sample"]
        assert sampled["dtype"] == "uint8" and sampled["shape"] == [5, *IMAGE_SHAPE]
        assert sampled["max_error"] <= 1  # generate(seed=11) as uint8, up to rounding
    decoded = report["vae"]["serving_default"]
    assert (
        decoded["shape"] == [5, *IMAGE_SHAPE]
        and 0 <= decoded["min"]
        and decoded["max"] <= 1
    )
    assert decoded["max_error"] <= 1e-5
    assert report["vae"]["encode"]["outputs"] == ["z_log_var", "z_mean"]
    assert report["vae"]["encode"]["max_error"] <= 1e-5


@pytest.mark.slow
def test_saved_model_cli_lists_the_signatures(exports):
    cli = shutil.which("saved_model_cli") or os.path.join(
        os.path.dirname(sys.executable), "saved_model_cli"
    )
    if not os.path.exists(cli):
        pytest.skip("saved_model_cli is not installed")
    result = subprocess.run(
        [cli, "show", "--dir", str(exports / "cgan" / "1"), "--all"],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for text in (
        "signature_def['serving_default']",
        "signature_def['sample']",
        "inputs['noise']",
        "inputs['labels']",
        "inputs['num_images']",
        "inputs['seed']",
        "outputs['images']",
        "dtype: DT_UINT8",
    ):
        assert text in result.stdout


def test_same_seed_same_images(exports):
    sample = tf.saved_model.load(str(exports / "dcgan" / "1")).signatures["sample"]
    first = sample(num_images=tf.constant(3), seed=tf.constant(4, tf.int64))["images"]
    again = sample(num_images=tf.constant(3), seed=tf.constant(4, tf.int64))["images"]
    other = sample(num_images=tf.constant(3), seed=tf.constant(5, tf.int64))["images"]
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_concurrent_requests_equal_single_requests(exports):
    """A bounded load test: 8 threads, 48 requests of both signatures at once."""
    from concurrent.futures import ThreadPoolExecutor

    loaded = tf.saved_model.load(str(exports / "cgan" / "1"))
    serve, sample = loaded.signatures["serving_default"], loaded.signatures["sample"]
    rng = np.random.default_rng(1)
    requests = []
    for number in range(48):
        size = int(rng.integers(1, 6))
        if number % 2:
            requests.append(
                (
                    "sample",
                    dict(
                        num_images=tf.constant(size),
                        seed=tf.constant(number, tf.int64),
                        labels=tf.constant(rng.integers(0, 3, size), tf.int32),
                    ),
                )
            )
        else:
            requests.append(
                (
                    "serving_default",
                    dict(
                        noise=tf.constant(
                            rng.normal(size=(size, LATENT_DIM)), tf.float32
                        ),
                        labels=tf.constant(rng.integers(0, 3, size), tf.int32),
                    ),
                )
            )

    def answer(request):
        name, kwargs = request
        function = serve if name == "serving_default" else sample
        return function(**kwargs)["images"].numpy()

    single = [answer(request) for request in requests]
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(answer, requests))
    for alone, together in zip(single, concurrent):
        np.testing.assert_array_equal(alone, together)


@pytest.mark.parametrize(
    "name, signature, kwargs, message",
    [
        (
            "dcgan",
            "serving_default",
            {"noise": tf.zeros((2, LATENT_DIM + 1))},
            rf"noise must have shape \[batch, {LATENT_DIM}\]",
        ),
        (
            "cgan",
            "serving_default",
            {
                "noise": tf.zeros((2, LATENT_DIM)),
                "labels": tf.constant([0, 3], tf.int32),
            },
            r"labels must lie in \[0, 2\]",
        ),
        (
            "cgan",
            "serving_default",
            {"noise": tf.zeros((2, LATENT_DIM)), "labels": tf.constant([0], tf.int32)},
            "give one row of labels per row of noise",
        ),
        (
            "dcgan",
            "sample",
            {"num_images": tf.constant(-1), "seed": tf.constant(0, tf.int64)},
            "num_images must be >= 0",
        ),
        (
            "cgan",
            "sample",
            {
                "num_images": tf.constant(2),
                "seed": tf.constant(0, tf.int64),
                "labels": tf.constant([0, 1, 2], tf.int32),
            },
            "num_images must equal the number of labels",
        ),
        (
            "vae",
            "serving_default",
            {"z": tf.zeros((2, 3))},
            r"z must have shape \[batch, 2\]",
        ),
    ],
)
def test_bad_requests_fail_with_a_clear_message(
    exports, name, signature, kwargs, message
):
    loaded = tf.saved_model.load(str(exports / name / "1"))
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        loaded.signatures[signature](**kwargs)


def test_an_interrupted_export_leaves_no_half_folder(tmp_path, monkeypatch):
    archive_class = type(keras.export.ExportArchive())  # the backend's class
    real_write_out = archive_class.write_out

    def full_disk(self, path, **kwargs):
        real_write_out(self, path, **kwargs)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(archive_class, "write_out", full_disk)
    target = tmp_path / "served" / "1"
    with pytest.raises(OSError, match="No space left"):
        tiny_dcgan().export_generator(target)
    assert not target.exists()
    assert list((tmp_path / "served").iterdir()) == []
