import numpy as np
import pytest

import keras_gen as kg


def batch(ds):
    return next(iter(ds))


def test_uint8_without_channel_axis_is_scaled_exactly():
    x = np.array([np.zeros((4, 4)), np.full((4, 4), 255)], dtype=np.uint8)
    images = batch(kg.datasets.from_numpy(x, batch_size=2, shuffle=False)).numpy()
    assert images.shape == (2, 4, 4, 1)
    np.testing.assert_array_equal(images[0], -1.0)
    np.testing.assert_array_equal(images[1], 1.0)


def test_float_images_in_zero_one_are_mapped_to_the_value_range():
    x = np.linspace(0, 1, 2 * 16).reshape(2, 4, 4, 1).astype("float32")
    images = batch(
        kg.datasets.from_numpy(x, batch_size=2, shuffle=False, value_range=(0, 1))
    )
    np.testing.assert_allclose(images.numpy(), x, atol=1e-6)


def test_float_images_in_another_range_need_input_range():
    x = np.full((2, 4, 4, 1), 200.0, "float32")
    with pytest.raises(ValueError, match="input_range"):
        kg.datasets.from_numpy(x)
    images = batch(kg.datasets.from_numpy(x, batch_size=2, input_range=(0, 255)))
    np.testing.assert_allclose(images.numpy(), 200 / 127.5 - 1, atol=1e-6)


def test_labels_come_as_int32_beside_the_images():
    x = np.zeros((6, 4, 4, 3), np.uint8)
    images, labels = batch(kg.datasets.from_numpy(x, np.arange(6), batch_size=3))
    assert images.shape == (3, 4, 4, 3) and labels.dtype == "int32"


@pytest.mark.parametrize(
    "x, y, message",
    [
        (np.zeros((4, 16), np.uint8), None, r"\(N, H, W\)"),
        (np.zeros((4, 4, 4, 2), np.uint8), None, "channels"),
        (np.zeros((0, 4, 4), np.uint8), None, "empty"),
        (np.zeros((4, 4, 4), np.int64), None, "uint8.*float"),
        (np.zeros((4, 4, 4), np.uint8), np.arange(3), "3 labels for 4 images"),
        (np.zeros((4, 4, 4), np.uint8), np.zeros(4, "float32"), "integer"),
        (np.zeros((4, 4, 4), np.uint8), np.zeros((4, 2), "int32"), r"shape \(N,\)"),
    ],
)
def test_bad_arrays_are_named(x, y, message):
    with pytest.raises(ValueError, match=message):
        kg.datasets.from_numpy(x, y)
