import numpy as np
import pytest
import tensorflow as tf

from keras_gen import validation

SHAPE = (8, 8, 1)


def test_accepts_matching_images():
    images = np.zeros((4,) + SHAPE, "float32")
    validation.check_image_shape(images.shape, SHAPE, "M")
    validation.check_image_values(images, (-1, 1), "M")


def test_missing_channel_axis_names_the_fix():
    with pytest.raises(ValueError, match=r"x\[\.\.\., None\]"):
        validation.check_image_shape((4, 8, 8), SHAPE, "M")


def test_flat_images_name_the_reshape():
    with pytest.raises(ValueError, match="reshape"):
        validation.check_image_shape((4, 64), SHAPE, "M")


def test_wrong_channels_are_named():
    with pytest.raises(ValueError, match="1 channel.*3"):
        validation.check_image_shape((4, 8, 8, 3), SHAPE, "M")


def test_unknown_batch_dimension_is_fine():
    validation.check_image_shape((None, 8, 8, 1), SHAPE, "M")


def test_uint8_images_name_the_scaling():
    with pytest.raises(ValueError, match=r"x / 127\.5 - 1"):
        validation.check_image_values(np.zeros((2,) + SHAPE, "uint8"), (-1, 1), "M")


def test_unnormalised_float_images_show_the_range_found():
    images = np.full((2,) + SHAPE, 255.0, "float32")
    with pytest.raises(ValueError, match=r"spans \[255, 255\].*x / 255"):
        validation.check_image_values(images, (0, 1), "M")


def test_nan_images_are_rejected():
    images = np.zeros((2,) + SHAPE, "float32")
    images[0, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        validation.check_image_values(images, (-1, 1), "M")


@pytest.mark.parametrize(
    "labels, message",
    [
        (None, "no.*labels|has none"),
        (np.array([0, 1, 5]), r"\[0, 3\)"),
        (np.array([0, -1, 2]), r"\[0, 3\)"),
        (np.eye(3)[[0, 1, 2]], "one-hot"),
        (np.array([0, 1]), "2 labels for 3 images"),
        (np.array([0.5, 1, 2]), "whole numbers"),
    ],
)
def test_bad_labels(labels, message):
    with pytest.raises(ValueError, match=message):
        validation.check_labels(labels, 3, 3, "M")


def test_first_batch_reads_one_dataset_element():
    images = np.zeros((10,) + SHAPE, "float32")
    dataset = tf.data.Dataset.from_tensor_slices(images).batch(4)
    batch = validation.first_batch(dataset)
    assert isinstance(batch, np.ndarray) and batch.shape == (4,) + SHAPE


def test_first_batch_of_empty_dataset_is_an_error():
    dataset = tf.data.Dataset.from_tensor_slices(np.zeros((0,) + SHAPE, "float32"))
    with pytest.raises(ValueError, match="empty"):
        validation.first_batch(dataset)


def test_first_batch_skips_python_generators():
    assert validation.first_batch(iter([])) is None
