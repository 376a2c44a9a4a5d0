"""Unpaired datasets: two arrays, two folders, and the MNIST translation task."""

import keras
import numpy as np
import pytest

import keras_gen as kg
from tests.helpers import write_fake_mnist_npz


def numbered(count, channels=1, start=0):
    """uint8 images whose every pixel is the image's number."""
    values = np.arange(start, start + count, dtype="uint8")
    return np.broadcast_to(values[:, None, None, None], (count, 4, 4, channels)).copy()


def firsts(batch):
    return np.round((batch.numpy()[:, 0, 0, 0] + 1) * 127.5).astype(int)


def test_domains_of_different_sizes_and_channels_batch_side_by_side(tf):
    a, b = numbered(10), numbered(4, channels=3, start=100)
    ds = kg.datasets.unpaired_from_numpy(a, b, batch_size=2, shuffle=False)
    batches = list(ds)
    # An epoch passes once through the larger domain; the smaller repeats.
    assert len(batches) == 5 == int(ds.cardinality())
    images_a, images_b = batches[0]
    assert images_a.shape == (2, 4, 4, 1) and images_b.shape == (2, 4, 4, 3)
    assert [list(firsts(x)) for x, _ in batches] == [
        [0, 1],
        [2, 3],
        [4, 5],
        [6, 7],
        [8, 9],
    ]
    assert [list(firsts(y)) for _, y in batches] == [
        [100, 101],
        [102, 103],
        [100, 101],
        [102, 103],
        [100, 101],
    ]


def test_each_domain_is_shuffled_on_its_own_every_epoch(tf):
    a, b = numbered(12), numbered(12, start=50)
    ds = kg.datasets.unpaired_from_numpy(a, b, batch_size=12, seed=3)
    first_a, first_b = (firsts(x) for x in next(iter(ds)))
    second_a, _ = (firsts(x) for x in next(iter(ds)))
    assert sorted(first_a) == list(range(12)) and sorted(first_b) == list(range(50, 62))
    assert list(first_a) != list(second_a)  # a new order each epoch
    assert list(first_a) != list(first_b - 50)  # not one order for both
    again = kg.datasets.unpaired_from_numpy(a, b, batch_size=12, seed=3)
    np.testing.assert_array_equal(firsts(next(iter(again))[0]), first_a)


def test_unusable_domains_are_clear_errors(tf):
    a = numbered(10)
    with pytest.raises(ValueError, match="4x4 and domain B's 8x8"):
        kg.datasets.unpaired_from_numpy(a, np.zeros((10, 8, 8), "uint8"))
    with pytest.raises(ValueError, match="Domain B has 3 images, fewer than one batch"):
        kg.datasets.unpaired_from_numpy(a, a[:3], batch_size=4)
    with pytest.raises(ValueError, match="different ranges"):
        kg.datasets.unpaired_from_numpy(a, a.astype("float32") / 255, batch_size=4)
    with pytest.raises(ValueError, match="channels"):
        kg.datasets.unpaired_from_numpy(
            a, np.zeros((10, 4, 4, 5), "uint8"), batch_size=4
        )


def test_two_folders_of_different_sizes(tf, tmp_path):
    for side, count, channels in (("trainA", 5, 3), ("trainB", 3, 3)):
        (tmp_path / side).mkdir()
        for i in range(count):
            image = np.full((8, 8, channels), 20 * i, "uint8")
            keras.utils.save_img(tmp_path / side / f"{side}{i}.png", image, scale=False)
    ds = kg.datasets.unpaired_from_directories(
        tmp_path / "trainA", tmp_path / "trainB", batch_size=2, color_mode_b="grayscale"
    )
    images_a, images_b = next(iter(ds))
    assert images_a.shape == (2, 8, 8, 3) and images_b.shape == (2, 8, 8, 1)
    assert int(ds.cardinality()) == 2
    keras.utils.save_img(
        tmp_path / "trainB" / "big.png", np.zeros((16, 16, 3), "uint8")
    )
    with pytest.raises(ValueError, match="image_size"):
        kg.datasets.unpaired_from_directories(tmp_path / "trainA", tmp_path / "trainB")
    with pytest.raises(FileNotFoundError, match="No folder"):
        kg.datasets.unpaired_from_directories(tmp_path / "trainA", tmp_path / "nope")


def test_styled_digits_are_coloured_wider_and_legible():
    digits = np.zeros((200, 28, 28), "uint8")
    digits[:, 8:20, 13:15] = 255  # a vertical stroke, two pixels wide
    styled = kg.datasets.stylize_digits(digits, seed=0)
    assert styled.shape == (200, 28, 28, 3) and styled.dtype == np.uint8
    stroke, background = styled[:, 12, 14].astype(float), styled[:, 3, 3].astype(float)
    # Wider strokes: the pixel beside the original stroke is now stroke.
    np.testing.assert_array_equal(styled[:, 12, 15], styled[:, 12, 14])
    # Legible: light strokes on a darker background, in colours that vary.
    contrast = stroke.mean(axis=1) - background.mean(axis=1)
    assert np.all(contrast > 40)
    assert stroke.std(axis=0).min() > 10 and background.std(axis=0).min() > 10
    np.testing.assert_array_equal(styled, kg.datasets.stylize_digits(digits, seed=0))


def test_mnist_task_domains_are_disjoint_halves(tf, tmp_path):
    path = write_fake_mnist_npz(tmp_path / "mnist.npz", 40)
    a, labels_a, b, labels_b = kg.datasets.mnist_unpaired_arrays("train", path)
    assert a.shape == (20, 28, 28, 1) and b.shape == (20, 28, 28, 3)
    digits = np.load(path)["x_train"]
    np.testing.assert_array_equal(a[..., 0], digits[0::2])
    assert len(labels_a) == len(labels_b) == 20
    ds = kg.datasets.mnist_unpaired(batch_size=8, data_dir=path)
    images_a, images_b = next(iter(ds))
    assert images_a.shape == (8, 28, 28, 1) and images_b.shape == (8, 28, 28, 3)
    assert images_a.numpy().min() >= -1 and images_b.numpy().max() <= 1
