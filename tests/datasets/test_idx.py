import hashlib
import pathlib

import numpy as np
import pytest

import keras_gen as kg
from keras_gen.datasets import mnist_sources as mnist_module
from tests.datasets.helpers import write_idx

SHARED = pathlib.Path(__file__).resolve().parents[3] / "shared/datasets/mnist"


@pytest.mark.parametrize("name", ["images-idx3-ubyte.gz", "images-idx3-ubyte"])
def test_reads_what_was_written(tmp_path, name):
    array = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    np.testing.assert_array_equal(
        kg.datasets.read_idx(write_idx(tmp_path / name, array)), array
    )


def test_bad_magic_number_is_named(tmp_path):
    path = write_idx(tmp_path / "x.gz", np.zeros(3), magic=bytes([1, 2, 8, 1]))
    with pytest.raises(kg.datasets.IDXFormatError, match="magic number is 01020801"):
        kg.datasets.read_idx(path)


def test_truncated_data_is_named(tmp_path):
    path = write_idx(tmp_path / "x.gz", np.zeros((4, 5)), truncate=3)
    with pytest.raises(
        kg.datasets.IDXFormatError, match="truncated.*needs 20 bytes.*has 17"
    ):
        kg.datasets.read_idx(path)


def test_truncated_header_is_named(tmp_path):
    path = tmp_path / "x"
    path.write_bytes(bytes([0, 0, 8, 3, 0, 0]))
    with pytest.raises(kg.datasets.IDXFormatError, match="header"):
        kg.datasets.read_idx(path)


def test_corrupt_gzip_is_named(tmp_path):
    path = tmp_path / "x.gz"
    path.write_bytes(b"not gzip at all")
    with pytest.raises(kg.datasets.IDXFormatError, match="gzip"):
        kg.datasets.read_idx(path)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing-here"):
        kg.datasets.read_idx(tmp_path / "nothing-here.gz")


def test_bundled_files_are_the_official_test_split():
    official_md5 = {
        "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
    }
    for name, md5 in official_md5.items():
        data = (mnist_module.BUNDLED_DIR / name).read_bytes()
        assert hashlib.md5(data).hexdigest() == md5
    images, labels = mnist_module.bundled()
    assert images.shape == (10_000, 28, 28) and labels.shape == (10_000,)
    assert set(np.unique(labels)) == set(range(10))


@pytest.mark.skipif(not SHARED.is_dir(), reason="no ../shared/datasets/mnist")
def test_official_training_labels():
    labels = kg.datasets.read_idx(SHARED / "train-labels-idx1-ubyte.gz")
    assert labels.shape == (60_000,) and labels.dtype == np.uint8
    assert np.bincount(labels).min() > 5000
