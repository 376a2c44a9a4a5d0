"""Every tool works on a user's own conditional subclass of `kg.GAN`.

Three models written on the documented hooks only (`tests/user_models.py`):
class labels through an `Embedding`, a continuous vector, and an image (a
low-resolution version of the target). Each gets grids, checkpoints and
resuming, `.keras` round trips, a SavedModel export, evaluation and the CLI.
"""

import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

import keras_gen as kg
from keras_gen import cli
from tests.helpers import ROOT, run_tensorflow_only
from tests.user_models import IMAGE_SHAPE, LATENT_DIM, USER_MODELS, low_res

KINDS = list(USER_MODELS)


def data(kind, n=32, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.uniform(-1, 1, (n,) + IMAGE_SHAPE).astype("float32")
    conditions = {
        "labels": rng.integers(0, 3, n).astype("int32"),
        "vector": rng.normal(size=(n, 2)).astype("float32"),
        "image": low_res(images),
    }[kind]
    return images, conditions


def trained(kind, epochs=1, callbacks=()):
    model = USER_MODELS[kind](seed=0)
    model.compile()
    images, conditions = data(kind)
    model.fit(
        images,
        conditions,
        batch_size=8,
        epochs=epochs,
        verbose=0,
        callbacks=list(callbacks),
    )
    return model


@pytest.fixture(scope="module")
def evaluator():
    images, _ = kg.evaluation.default_reference_images()
    return kg.evaluation.Evaluator(reference_images=images[:500])


@pytest.mark.parametrize("kind", KINDS)
def test_grids_checkpoints_and_resume(kind, tmp_path):
    images, conditions = data(kind)

    def run(epochs):
        grid = kg.callbacks.ImageGrid(tmp_path / "grids", num_images=6, gif=False)
        checkpoint = kg.callbacks.Checkpoint(tmp_path / "checkpoints")
        model = trained(kind, epochs, callbacks=[checkpoint, grid])
        return model, grid, checkpoint

    model, grid, _ = run(2)
    assert sorted(p.name for p in (tmp_path / "grids").glob("*.png")) == [
        "epoch_0001.png",
        "epoch_0002.png",
    ]
    fixed = dict(np.load(tmp_path / "grids" / "fixed_inputs.npz"))
    assert fixed["condition"].shape[1:] == model.condition.shape
    if kind == "labels":  # the model draws its own: one row per class
        np.testing.assert_array_equal(fixed["condition"], [0, 0, 1, 1, 2, 2])
        images_, columns = model.grid_images(fixed)
        assert columns == 2 and len(images_) == 6
    else:  # the conditions of the first real examples
        np.testing.assert_array_equal(fixed["condition"], conditions[:6])
    # The grid shows generate() for the saved noise and conditions.
    expected, columns = model.grid_images(fixed)
    np.testing.assert_allclose(
        expected,
        model.generate(noise=fixed["noise"], condition=fixed["condition"]),
        atol=1e-6,
    )
    np.testing.assert_array_equal(
        grid.render(), kg.visualization.image_grid(expected, columns, (-1, 1))
    )

    resumed, grid, checkpoint = run(3)
    assert checkpoint.restored == (2, 0)
    assert (tmp_path / "grids" / "epoch_0003.png").is_file()
    for key in ("noise", "condition"):
        np.testing.assert_array_equal(grid.fixed[key], fixed[key])


@pytest.mark.parametrize("kind", KINDS)
def test_keras_file_round_trip(kind, tmp_path):
    model = trained(kind)
    path = tmp_path / "model.keras"
    model.save(path)
    restored = keras.models.load_model(path)
    assert type(restored) is type(model) and restored.compiled
    _, conditions = data(kind, n=4, seed=1)
    noise = np.random.default_rng(2).normal(size=(4, LATENT_DIM)).astype("float32")
    np.testing.assert_allclose(
        restored.generate(noise=noise, condition=conditions),
        model.generate(noise=noise, condition=conditions),
        atol=1e-6,
    )


def test_bad_conditions_are_clear_errors():
    vector = USER_MODELS["vector"]()
    with pytest.raises(ValueError, match=r"`attributes` and cannot draw its own"):
        vector.generate(2)
    with pytest.raises(ValueError, match=r"`attributes` of shape \(batch, 2\)"):
        vector.generate(2, condition=np.zeros((2, 3), "float32"))
    image = USER_MODELS["image"]()
    with pytest.raises(ValueError, match=r"`low_res` in \[-1, 1\]"):
        image.generate(1, condition=np.full((1, 7, 7, 1), 5.0, "float32"))
    labels = USER_MODELS["labels"]()
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\)"):
        labels.generate(condition=np.array([0, 3]))
    with pytest.raises(ValueError, match=r"one-hot.*argmax"):
        labels.fit(*data("labels")[:1], np.eye(3)[data("labels")[1]], verbose=0)


SERVE = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import tensorflow as tf

    folder = sys.argv[1]
    report = {}
    for kind in sys.argv[2:]:
        inputs = dict(np.load(f"{folder}/{kind}_inputs.npz"))
        expected = inputs.pop("expected")
        loaded = tf.saved_model.load(f"{folder}/{kind}")
        serve = loaded.signatures["serving_default"]
        _, specs = serve.structured_input_signature
        images = serve(**{k: tf.constant(v) for k, v in inputs.items()})["images"]
        report[kind] = {
            "inputs": {
                name: [spec.dtype.name, spec.shape.as_list()]
                for name, spec in specs.items()
            },
            "max_error": float(np.abs(images.numpy() - expected).max()),
        }
    report["modules"] = sorted(
        m for m in sys.modules if m.split(".")[0] in ("keras", "keras_gen")
    )
    print(json.dumps(report))
    """
)


@pytest.mark.slow
def test_export_serves_the_condition_as_a_named_input(tmp_path):
    if keras.backend.backend() == "torch":
        pytest.skip("export runs on TensorFlow and JAX")
    noise = np.random.default_rng(3).normal(size=(5, LATENT_DIM)).astype("float32")
    models = {}
    for kind in KINDS:
        model = models[kind] = trained(kind)
        _, conditions = data(kind, n=5, seed=4)
        model.export_generator(tmp_path / kind)
        np.savez(
            tmp_path / f"{kind}_inputs.npz",
            noise=noise,
            **{model.condition.name: conditions},
            expected=model.generate(noise=noise, condition=conditions),
        )
    report = run_tensorflow_only(SERVE, tmp_path, *KINDS, cwd=tmp_path)
    for kind, model in models.items():
        spec = model.condition.spec
        assert report[kind]["inputs"] == {
            "noise": ["float32", [None, LATENT_DIM]],
            model.condition.name: [spec.dtype, list(spec.shape)],
        }
        assert report[kind]["max_error"] <= 1e-5


#: What `evaluate()` skips without `training_images`.
MEMORIZATION = {"memorization_ratio", "near_copy_fraction"}


@pytest.mark.parametrize(
    "kind",
    ["vector"] + [pytest.param(k, marks=pytest.mark.slow) for k in ("labels", "image")],
)
def test_evaluate_reports_what_applies_and_what_it_skipped(kind, evaluator, tmp_path):
    model = trained(kind)
    result = kg.evaluation.evaluate(model, 100, evaluator)
    assert {"frechet_distance", "classifier_score", "class_coverage"} <= set(result)
    assert ("label_accuracy" in result) == (kind == "labels")
    assert set(result.skipped) == MEMORIZATION  # no training images were given

    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")  # no real examples
    result = kg.evaluation.evaluate(loaded, 100, evaluator)
    if kind == "labels":
        assert set(result.skipped) == MEMORIZATION
        return
    assert "frechet_distance" not in result
    assert "cannot draw its own" in result.skipped["frechet_distance"]
    _, conditions = data(kind, n=10)
    result = kg.evaluation.evaluate(loaded, 100, evaluator, conditions=conditions)
    assert np.isfinite(result["frechet_distance"])
    assert set(result.skipped) == MEMORIZATION


def test_evaluate_skips_images_the_classifier_cannot_score(evaluator):
    dcgan = kg.DCGAN(image_shape=(8, 8, 1), latent_dim=4, base_filters=4)
    result = kg.evaluation.evaluate(dcgan, 20, evaluator)
    assert dict(result) == {}
    assert "(28, 28, 1)" in result.skipped["frechet_distance"]


@pytest.mark.slow
def test_cli_samples_exports_and_evaluates_a_user_model(tmp_path, capsys):
    for kind in ("labels", "vector"):
        trained(kind).save(tmp_path / f"{kind}.keras")
    np.save(tmp_path / "vectors.npy", data("vector", n=3)[1])
    common = ["--import", "tests.user_models"]
    grid = tmp_path / "grid.png"
    for argv in (
        ["sample", tmp_path / "labels.keras", "--labels", "2", "--num", "4"],
        ["sample", tmp_path / "labels.keras", "--num", "6"],
        ["sample", tmp_path / "vector.keras", "--conditions", tmp_path / "vectors.npy"],
    ):
        grid.unlink(missing_ok=True)
        assert cli.main([*map(str, argv), "--out", str(grid), *common]) == 0
        assert grid.is_file()
    assert cli.main(["sample", str(tmp_path / "vector.keras"), *common]) == 2
    assert "pass --conditions" in capsys.readouterr().err
    assert cli.main(["sample", str(tmp_path / "vector.keras"), "--labels", "1"]) == 2
    assert "conditioned on `attributes`" in capsys.readouterr().err

    if keras.backend.backend() != "torch":  # export runs on TensorFlow and JAX
        export_dir = tmp_path / "export" / "1"
        assert (
            cli.main(["export", str(tmp_path / "vector.keras"), str(export_dir)]) == 0
        )
        assert (export_dir / "saved_model.pb").is_file()
    capsys.readouterr()
    args = ["evaluate", str(tmp_path / "labels.keras"), "--num-samples", "30"]
    assert cli.main([*args, "--json", *common]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert 0 <= report["metrics"]["label_accuracy"] <= 1
    assert set(report["skipped"]) == MEMORIZATION  # a .keras file: no run data


@pytest.mark.slow
def test_cli_names_the_missing_class_and_the_option(tmp_path):
    trained("image").save(tmp_path / "model.keras")
    result = subprocess.run(
        [sys.executable, "-m", "keras_gen.cli", "export", "model.keras", "out"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=ROOT),
        timeout=300,
    )
    assert result.returncode == 2
    assert "'LowResGAN'" in result.stderr and "--import MODULE" in result.stderr
    assert not (tmp_path / "out").exists()
