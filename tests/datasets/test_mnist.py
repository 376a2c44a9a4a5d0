import warnings

import numpy as np
import pytest
import tensorflow_datasets as tfds

import keras_gen as kg
from keras_gen.datasets import mnist_sources as mnist_module
from tests.datasets.helpers import write_mnist_idx
from tests.helpers import fake_mnist_arrays


@pytest.fixture(autouse=True)
def _no_data_dir_from_the_environment(monkeypatch):
    monkeypatch.delenv(kg.datasets.DATA_DIR_ENV, raising=False)


@pytest.fixture
def npz_dir(tmp_path):
    images, labels = fake_mnist_arrays(64)
    np.savez(
        tmp_path / "mnist.npz",
        x_train=images,
        y_train=labels,
        x_test=images[:16],
        y_test=labels[:16],
    )
    return tmp_path


def test_reads_an_npz_and_scales_to_minus_one_one(npz_dir):
    ds = kg.datasets.mnist(batch_size=16, data_dir=npz_dir)
    batches = list(ds)
    assert len(batches) == 4
    images = np.concatenate([b.numpy() for b in batches])
    assert images.shape == (64, 28, 28, 1) and images.dtype == np.float32
    raw, _ = fake_mnist_arrays(64)
    np.testing.assert_allclose(
        np.sort(images.ravel()), np.sort(raw.ravel() / 127.5 - 1), atol=1e-6
    )


def test_labels_and_value_range(npz_dir):
    images, labels = next(
        iter(
            kg.datasets.mnist(
                batch_size=16,
                labels=True,
                value_range=(0, 1),
                data_dir=npz_dir / "mnist.npz",
            )
        )
    )
    assert labels.dtype == "int32" and labels.shape == (16,)
    assert images.numpy().min() >= 0 and images.numpy().max() <= 1


def test_drops_the_last_partial_batch(npz_dir):
    assert len(list(kg.datasets.mnist(batch_size=20, data_dir=npz_dir))) == 3
    assert (
        len(
            list(
                kg.datasets.mnist(batch_size=20, data_dir=npz_dir, drop_remainder=False)
            )
        )
        == 4
    )


def test_shuffle_seed_is_reproducible(npz_dir):
    def first(seed):
        return next(
            iter(kg.datasets.mnist(batch_size=16, data_dir=npz_dir, seed=seed))
        ).numpy()

    np.testing.assert_array_equal(first(1), first(1))
    assert not np.array_equal(first(1), first(2))


def test_reads_idx_files_named_by_the_environment(tmp_path, monkeypatch):
    images, labels = write_mnist_idx(tmp_path, n=32, split_prefix="t10k")
    monkeypatch.setenv(kg.datasets.DATA_DIR_ENV, str(tmp_path))
    got_images, got_labels, source = mnist_module.load_arrays("test")
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)
    assert str(tmp_path) in source


def test_missing_files_name_what_was_looked_for_where(tmp_path):
    with pytest.raises(
        FileNotFoundError,
        match=r"mnist\.npz.*train-images-idx3-ubyte.*" + str(tmp_path),
    ):
        kg.datasets.mnist(data_dir=tmp_path)


def test_bad_split():
    with pytest.raises(ValueError, match="'train' or 'test'"):
        kg.datasets.mnist(split="validation")


def test_reads_through_tensorflow_datasets(monkeypatch):
    monkeypatch.setattr(mnist_module, "_network_reachable", lambda: True)
    with tfds.testing.mock_data(num_examples=40):
        images, labels, source = mnist_module.load_arrays("train")
        ds = kg.datasets.mnist(batch_size=8, labels=True)
        batch_images, batch_labels = next(iter(ds))
    assert source == "tensorflow-datasets"
    assert images.shape == (40, 28, 28, 1)
    assert batch_images.shape == (8, 28, 28, 1) and batch_labels.dtype == "int32"


class _UnpreparedBuilder:
    def is_prepared(self):
        return False


def _expect_bundled_sample(split="train"):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        images, labels, source = mnist_module.load_arrays(split)
    messages = [str(w.message) for w in caught if "MNIST" in str(w.message)]
    assert images.shape == (10_000, 28, 28) and labels.shape == (10_000,)
    assert "shipped with keras_gen" in source
    return messages


def test_offline_falls_back_to_the_bundled_sample_with_one_warning(monkeypatch):
    monkeypatch.setattr(tfds, "builder", lambda *args, **kwargs: _UnpreparedBuilder())
    monkeypatch.setattr(mnist_module, "_network_reachable", lambda: False)
    messages = _expect_bundled_sample()
    assert len(messages) == 1
    assert "10,000" in messages[0] and kg.datasets.DATA_DIR_ENV in messages[0]


def test_a_failed_download_falls_back_too(monkeypatch):
    def failing_load(*args, **kwargs):
        raise ConnectionError("Max retries exceeded")

    monkeypatch.setattr(tfds, "builder", lambda *args, **kwargs: _UnpreparedBuilder())
    monkeypatch.setattr(mnist_module, "_network_reachable", lambda: True)
    monkeypatch.setattr(tfds, "load", failing_load)
    messages = _expect_bundled_sample()
    assert len(messages) == 1 and "Max retries exceeded" in messages[0]


def test_the_test_split_fallback_needs_no_warning(monkeypatch):
    monkeypatch.setattr(tfds, "builder", lambda *args, **kwargs: _UnpreparedBuilder())
    monkeypatch.setattr(mnist_module, "_network_reachable", lambda: False)
    assert _expect_bundled_sample("test") == []


def test_trains_a_gan_from_the_dataset(npz_dir):
    dcgan = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=4, base_filters=4)
    dcgan.compile()
    history = dcgan.fit(kg.datasets.mnist(batch_size=16, data_dir=npz_dir), verbose=0)
    assert np.isfinite(history.history["d_loss"][0])


def test_binarize_draws_pixels_with_their_intensity_as_probability(npz_dir):
    ds = kg.datasets.mnist(
        batch_size=64,
        value_range=(0, 1),
        data_dir=npz_dir,
        binarize=True,
        shuffle=False,
    )
    first, second = (next(iter(ds)).numpy() for _ in range(2))
    assert set(np.unique(first)) <= {0.0, 1.0}
    assert not np.array_equal(first, second)  # drawn afresh each pass
    raw, _ = fake_mnist_arrays(64)
    probabilities = raw[..., None] / 255.0
    # Over the whole batch, the share of ones matches the mean intensity.
    assert abs(first.mean() - probabilities.mean()) < 0.01
    assert first[probabilities == 0].max() == 0 and first[probabilities == 1].min() == 1


def test_binarize_needs_the_unit_range(npz_dir):
    with pytest.raises(ValueError, match="value_range=\\(0, 1\\)"):
        kg.datasets.mnist(data_dir=npz_dir, binarize=True)


def test_image_size_resizes_within_the_range(npz_dir):
    images = next(
        iter(kg.datasets.mnist(batch_size=8, data_dir=npz_dir, image_size=(64, 64)))
    )
    assert images.shape == (8, 64, 64, 1)
    assert images.numpy().min() >= -1 and images.numpy().max() <= 1
