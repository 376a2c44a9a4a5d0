import pytest
import tensorflow_datasets as tfds

import keras_gen as kg


def test_any_image_set_through_mock_data():
    with tfds.testing.mock_data(num_examples=12):
        images = next(iter(kg.datasets.load("fashion_mnist", batch_size=4)))
        resized, labels = next(
            iter(
                kg.datasets.load(
                    "cifar10",
                    batch_size=4,
                    labels=True,
                    image_size=(16, 16),
                    value_range=(0, 1),
                )
            )
        )
    assert images.shape == (4, 28, 28, 1) and images.dtype == "float32"
    assert images.numpy().min() >= -1 and images.numpy().max() <= 1
    assert resized.shape == (4, 16, 16, 3) and labels.dtype == "int32"
    assert resized.numpy().min() >= 0 and resized.numpy().max() <= 1


def test_unknown_name_lists_close_matches():
    with pytest.raises(ValueError, match="Close matches: fashion_mnist"):
        kg.datasets.load("fashion_mnst")


def test_a_set_without_images_is_refused():
    with pytest.raises(ValueError, match="no image feature.*text"):
        kg.datasets.load("imdb_reviews")
