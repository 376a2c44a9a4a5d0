"""The reference FID Inception network, its weights file, resize and metrics."""

import os
import pickle

import keras
import numpy as np
import pytest

import keras_gen as kg
from keras_gen.evaluation import inception as fid_network
from tests.evaluation.reference_fid import torch_fidelity_module, write_random_weights


@pytest.fixture(scope="module")
def network():
    return kg.evaluation.build_fid_inception()


@pytest.fixture(scope="module")
def weights_file(tmp_path_factory, network):
    path = tmp_path_factory.mktemp("fid") / "random_inception.pth"
    write_random_weights(path, fid_network.weight_shapes(network))
    return path


@pytest.fixture(scope="module")
def loaded(network, weights_file):
    fid_network.load_fid_weights(network, weights_file)
    return network


def _pixels(shape, seed=0):
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


# --- The weights file --------------------------------------------------------


@pytest.mark.parametrize("zip_layout", [True, False])
def test_reads_both_layouts_of_torch_save(tmp_path, zip_layout):
    torch = pytest.importorskip("torch")
    state = {
        "conv.weight": torch.randn(4, 3, 2, 2),
        # A view with its own strides and offset into a shared storage.
        "view": torch.arange(24, dtype=torch.float32).reshape(4, 6).t()[1:],
        "bn.num_batches_tracked": torch.tensor(7),
        "half": torch.randn(5).half(),
    }
    path = tmp_path / "state.pth"
    torch.save(state, path, _use_new_zipfile_serialization=zip_layout)
    read = kg.evaluation.read_state_dict(path)
    assert sorted(read) == sorted(state)
    for key, tensor in state.items():
        np.testing.assert_array_equal(read[key], tensor.numpy())
        assert read[key].dtype == tensor.numpy().dtype


class _Payload:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_a_weights_file_cannot_run_code(tmp_path):
    path = tmp_path / "evil.pth"
    with open(path, "wb") as file:
        for part in (0x1950A86A20F9469CFC6C, 1001, {}):
            pickle.dump(part, file)
        pickle.dump({"x": _Payload()}, file)
    with pytest.raises(ValueError, match="system.*refused rather than run"):
        kg.evaluation.read_state_dict(path)
    (tmp_path / "text.pth").write_text("not weights")
    with pytest.raises(ValueError, match="not a PyTorch state-dict file"):
        kg.evaluation.read_state_dict(tmp_path / "text.pth")


def test_load_names_a_missing_or_misshapen_tensor(tmp_path, network):
    shapes = fid_network.weight_shapes(network)
    assert len(shapes) == 472
    assert shapes["Mixed_7c.branch_pool.conv.weight"] == (192, 2048, 1, 1)
    assert shapes["fc.weight"] == (1008, 2048)
    missing = dict(shapes)
    del missing["Mixed_6e.branch7x7dbl_4.bn.running_var"]
    write_random_weights(tmp_path / "missing.pth", missing)
    with pytest.raises(ValueError, match="no tensor 'Mixed_6e.branch7x7dbl_4.bn"):
        fid_network.load_fid_weights(network, tmp_path / "missing.pth")
    wrong = {**shapes, "fc.weight": (1000, 2048)}
    write_random_weights(tmp_path / "wrong.pth", wrong)
    with pytest.raises(ValueError, match=r"'fc.weight' has shape \(1000, 2048\)"):
        fid_network.load_fid_weights(network, tmp_path / "wrong.pth")


def test_weights_are_looked_for_then_named_when_absent(tmp_path, monkeypatch):
    monkeypatch.delenv("KERAS_GEN_FID_WEIGHTS", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    with pytest.raises(FileNotFoundError) as error:
        kg.evaluation.fid_weights_path(download=False)
    message = str(error.value)
    assert fid_network.WEIGHTS_URL in message and "KERAS_GEN_FID_WEIGHTS" in message
    assert str(tmp_path / "keras" / "models" / fid_network.WEIGHTS_FILE) in message
    with pytest.raises(FileNotFoundError, match="does not exist"):
        kg.evaluation.fid_weights_path(tmp_path / "nowhere.pth")
    cached = tmp_path / "keras" / "models" / fid_network.WEIGHTS_FILE
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"")
    assert kg.evaluation.fid_weights_path(download=False) == cached
    monkeypatch.setenv("KERAS_GEN_FID_WEIGHTS", str(tmp_path / "mine.pth"))
    with pytest.raises(FileNotFoundError, match="mine.pth does not exist"):
        kg.evaluation.fid_weights_path(download=False)


def test_a_mixed_precision_run_still_scores_in_float32():
    keras.config.set_dtype_policy("mixed_float16")
    try:
        network = kg.evaluation.build_fid_inception()
        metrics = kg.evaluation.InceptionMetrics(network=network)
        pipeline = metrics._pipeline(8, 8)
    finally:
        keras.config.set_dtype_policy("float32")
    assert {layer.compute_dtype for layer in pipeline.layers} == {"float32"}
    assert {layer.compute_dtype for layer in network.layers} == {"float32"}


# --- The resize and the metrics ----------------------------------------------


@pytest.mark.parametrize("size", [(28, 28), (32, 32), (64, 48), (512, 400)])
def test_resize_matches_tensorflow_1_as_torch_fidelity_reproduces_it(size):
    torch = pytest.importorskip("torch")
    reference = torch_fidelity_module("interpolate_compat_tensorflow")
    images = _pixels((2, *size, 3)).astype("float32")
    theirs = reference.interpolate_bilinear_2d_like_tensorflow1x(
        torch.from_numpy(images).permute(0, 3, 1, 2),
        size=(299, 299),
        align_corners=False,
    )
    mine = keras.ops.convert_to_numpy(kg.evaluation.resize_tf1(images, (299, 299)))
    np.testing.assert_allclose(
        mine, theirs.permute(0, 2, 3, 1).numpy(), atol=1e-5, rtol=0
    )


def test_clean_resize_is_antialiased_bicubic():
    from PIL import Image

    images = _pixels((1, 64, 64, 3))
    resized = kg.evaluation.resize_clean(images, (299, 299))
    channel = Image.fromarray(images[0, ..., 1].astype("float32"), mode="F")
    expected = np.asarray(channel.resize((299, 299), Image.BICUBIC))
    np.testing.assert_array_equal(resized[0, ..., 1], expected)


def test_statistics_files_use_pytorch_fid_layout(tmp_path):
    rng = np.random.default_rng(0)
    statistics = kg.evaluation.Statistics.of(rng.normal(size=(50, 6)), "six numbers")
    path = tmp_path / "stats.npz"
    statistics.save(path)
    with np.load(path) as data:
        assert {"mu", "sigma"} <= set(data.files)
        np.testing.assert_array_equal(data["sigma"], statistics.sigma)
    loaded = kg.evaluation.Statistics.load(path)
    assert loaded.num_images == 50
    np.testing.assert_array_equal(loaded.mu, statistics.mu)
    with pytest.raises(FileExistsError):
        statistics.save(path)
    # A file as pytorch-fid writes it: mu and sigma alone.
    np.savez(tmp_path / "published.npz", mu=statistics.mu, sigma=statistics.sigma)
    assert kg.evaluation.Statistics.load(tmp_path / "published.npz").num_images == 0
    np.savez(tmp_path / "other.npz", mean=statistics.mu)
    with pytest.raises(ValueError, match="not a statistics file: it has no mu, sigma"):
        kg.evaluation.Statistics.load(tmp_path / "other.npz")


def test_frechet_distance_agrees_with_scipy_sqrtm():
    linalg = pytest.importorskip("scipy.linalg")
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(400, 32)), rng.normal(size=(300, 32)) * 1.3 + 0.2
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = linalg.sqrtm(cov_a @ cov_b).real  # pytorch-fid's formula
    expected = ((mu_a - mu_b) ** 2).sum() + np.trace(cov_a + cov_b - 2 * covmean)
    assert kg.evaluation.frechet_distance(a, b) == pytest.approx(expected, rel=1e-9)


def test_inception_score_ranges_from_one_to_the_class_count():
    confident = np.eye(1008)[np.arange(1000) % 100] * 50.0
    mean, std = kg.evaluation.inception_score(confident, splits=10)
    assert mean == pytest.approx(100.0, rel=1e-6) and std == pytest.approx(0, abs=1e-6)
    assert kg.evaluation.inception_score(np.zeros((100, 1008)))[0] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="at least 10 images"):
        kg.evaluation.inception_score(np.zeros((5, 1008)))


def test_bad_images_are_refused_before_the_network_runs(network, tmp_path):
    metrics = kg.evaluation.InceptionMetrics(network=network)
    with pytest.raises(ValueError, match="need their `value_range`"):
        metrics.features(np.zeros((2, 16, 16, 3), "float32"))
    with pytest.raises(ValueError, match="Drop an alpha channel"):
        metrics.features(np.zeros((2, 16, 16, 4), "uint8"))
    with pytest.raises(ValueError, match=r"data spans \[2, 2\]"):
        metrics.features(np.full((2, 16, 16, 3), 2.0), value_range=(0, 1))
    with pytest.raises(ValueError, match="holds no image files"):
        metrics.features(tmp_path)
    kg.evaluation.Statistics.of(np.zeros((3, 2048))).save(tmp_path / "s.npz")
    with pytest.raises(ValueError, match="KID needs images"):
        metrics.kid(tmp_path / "s.npz", np.zeros((2, 8, 8, 3), "uint8"))
    with pytest.raises(ValueError, match="No reference"):
        metrics.score_images(np.zeros((2, 8, 8, 3), "uint8"))
    with pytest.raises(ValueError, match="Unknown resize 'bicubic'"):
        kg.evaluation.InceptionMetrics(network=network, resize="bicubic")


# --- Exactness against the reference (slow: a 299x299 Inception forward) ------


@pytest.mark.slow
def test_features_match_torch_fidelity_to_1e_4(loaded, weights_file):
    torch = pytest.importorskip("torch")
    reference_module = torch_fidelity_module("feature_extractor_inceptionv3")
    reference = reference_module.FeatureExtractorInceptionV3(
        "inception-v3-compat",
        ["2048", "logits_unbiased"],
        feature_extractor_weights_path=str(weights_file),
    )
    metrics = kg.evaluation.InceptionMetrics(network=loaded)
    for shape in [(3, 32, 32, 3), (2, 299, 299, 3)]:
        images = _pixels(shape, seed=shape[1])
        with torch.no_grad():
            pool, logits = reference(torch.from_numpy(images).permute(0, 3, 1, 2))
        mine_pool, mine_logits = metrics.features(images)
        assert np.abs(pool.numpy()).max() > 1.0  # features of a useful size
        np.testing.assert_allclose(mine_pool, pool.numpy(), atol=1e-4, rtol=0)
        np.testing.assert_allclose(mine_logits, logits.numpy(), atol=1e-4, rtol=0)


@pytest.mark.slow
def test_every_source_of_the_same_images_gives_the_same_features(loaded, tmp_path):
    import tensorflow as tf
    from PIL import Image

    metrics = kg.evaluation.InceptionMetrics(network=loaded, batch_size=3)
    gray = _pixels((4, 20, 20, 1), seed=3)
    for n, image in enumerate(gray):
        Image.fromarray(image[..., 0]).save(tmp_path / f"{n}.png")
    from_array, _ = metrics.features(gray)
    from_rgb, _ = metrics.features(np.repeat(gray, 3, axis=-1))
    from_floats, _ = metrics.features(gray / 255.0, value_range=(0, 1))
    from_folder, _ = metrics.features(tmp_path)
    dataset = tf.data.Dataset.from_tensor_slices({"image": gray, "label": np.zeros(4)})
    from_dataset, _ = metrics.features(dataset.batch(3))
    for other in (from_rgb, from_floats, from_folder, from_dataset):
        np.testing.assert_allclose(other, from_array, atol=1e-5)
    statistics = metrics.statistics(gray, cache=tmp_path / "cache.npz")
    assert (tmp_path / "cache.npz").is_file() and statistics.num_images == 4
    assert metrics.fid(tmp_path / "cache.npz", tmp_path) == pytest.approx(0, abs=1e-3)
    assert metrics.fid(gray, _pixels((4, 20, 20, 3), seed=9)) > 1.0


@pytest.mark.slow
def test_evaluate_scores_any_images_with_the_inception_metrics(
    loaded, weights_file, monkeypatch
):
    dcgan = kg.DCGAN(image_shape=(16, 16, 3), latent_dim=8, base_filters=4)
    colour = np.random.default_rng(0).uniform(-1, 1, (20, 16, 16, 3))
    evaluator = kg.evaluation.Evaluator(
        reference_images=np.zeros((10, 28, 28, 1), "float32"), bootstrap_resamples=2
    )
    # Weights on this machine and held-out images: scored without being asked.
    monkeypatch.setenv("KERAS_GEN_FID_WEIGHTS", str(weights_file))
    result = kg.evaluation.evaluate(dcgan, 20, evaluator, test_data=colour)
    assert {"fid", "kid", "inception_score"} <= set(result)
    assert result["fid"] > 0 and result["inception_score"] >= 1.0
    recorded = result.provenance["inception"]
    assert recorded["weights_sha256"] == kg.evaluation.inception.file_sha256(
        weights_file
    )
    assert recorded["resize"] == "tf1" and recorded["num_samples"] == 20
    assert recorded["reference"] == "images given (20 images)"
    assert "frechet_distance" in result.skipped  # the digit classifier's metrics
    # The same, asked for, with the network given.
    with pytest.raises(ValueError, match="need their `value_range`"):
        kg.evaluation.InceptionMetrics(reference=colour, network=loaded)
    with pytest.raises(ValueError, match="spans"):  # floats in [-1, 1], not [0, 1]
        kg.evaluation.InceptionMetrics(colour, (0, 1), network=loaded)
    metrics = kg.evaluation.InceptionMetrics(colour, (-1, 1), network=loaded)
    asked = kg.evaluation.evaluate(dcgan, 20, evaluator, inception=metrics)
    assert asked["fid"] == pytest.approx(result["fid"], rel=1e-6)


@pytest.mark.slow
def test_fid_command(tmp_path, weights_file, capsys, monkeypatch):
    from PIL import Image

    from keras_gen import cli

    monkeypatch.setenv("KERAS_GEN_FID_WEIGHTS", str(weights_file))
    for name, seed in (("a", 0), ("b", 1)):
        (tmp_path / name).mkdir()
        for n, image in enumerate(_pixels((10, 24, 24, 3), seed=seed)):
            Image.fromarray(image).save(tmp_path / name / f"{n}.png")
    stats = tmp_path / "a.npz"
    args = ["fid", str(tmp_path / "a"), str(tmp_path / "b"), "--kid"]
    assert cli.main([*args, "--save-stats", str(stats)]) == 0
    lines = capsys.readouterr().out.splitlines()
    fid = float(next(line for line in lines if line.startswith("fid ")).split()[1])
    assert fid > 0 and any(line.startswith("kid ") for line in lines)
    assert cli.main(["fid", str(stats), str(tmp_path / "b")]) == 0
    assert f"fid {fid:.4f}" in capsys.readouterr().out
    assert cli.main(["fid", str(stats), str(tmp_path / "b"), "--kid"]) == 2
    assert "needs images on both sides" in capsys.readouterr().err
    assert cli.main([*args, "--save-stats", str(stats)]) == 2  # never replaced
    assert cli.main(["fid", str(tmp_path / "a")]) == 2
    import tensorflow_datasets as tfds

    with tfds.testing.mock_data(num_examples=6):
        assert cli.main(["fid", "tfds:mnist:test", str(stats)]) == 0
    assert "tensorflow-datasets mnist, split test (6 images)" in capsys.readouterr().out


@pytest.mark.slow
def test_evaluate_callback_logs_the_inception_metrics(loaded):
    dcgan = kg.DCGAN(image_shape=(16, 16, 3), latent_dim=8, base_filters=4)
    dcgan.compile()
    colour = np.random.default_rng(0).uniform(-1, 1, (16, 16, 16, 3)).astype("float32")
    metrics = kg.evaluation.InceptionMetrics(colour, (-1, 1), network=loaded)
    evaluator = kg.evaluation.Evaluator(
        reference_images=np.zeros((10, 28, 28, 1), "float32"), bootstrap_resamples=2
    )
    callback = kg.callbacks.Evaluate(
        every=1, num_samples=12, evaluator=evaluator, inception=metrics
    )
    history = dcgan.fit(colour, batch_size=8, epochs=1, verbose=0, callbacks=[callback])
    assert np.isfinite(history.history["fid"][0]) and history.history["fid"][0] > 0
