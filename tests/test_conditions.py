"""A model's condition in one object: what it is, what fits it, what the tools may do."""

import keras
import numpy as np
import pytest

import keras_gen as kg
from keras_gen.conditions import ClassLabel, Condition, conditions_for


def test_a_class_label_draws_every_class_in_order_and_checks_labels():
    labels = ClassLabel(3)
    assert (labels.name, labels.num_classes, labels.can_sample) == ("labels", 3, True)
    assert (labels.spec.shape, labels.spec.dtype) == ((None,), "int32")
    assert labels.value_range == (0.0, 2.0)
    np.testing.assert_array_equal(labels.sample(6), [0, 0, 1, 1, 2, 2])
    # Every class, equally often to within one, whatever the count.
    counts = np.bincount(ClassLabel(10).sample(12), minlength=10)
    assert counts.min() == 1 and counts.max() == 2
    np.testing.assert_array_equal(labels.class_ids(np.array([[2], [0]])), [2, 0])
    labels.check(np.array([0, 2]), 2)
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        labels.check(np.array([0, 3]), 2, "M")
    with pytest.raises(ValueError, match="argmax"):
        labels.check(np.eye(3), 3)
    with pytest.raises(ValueError, match="integer >= 2"):
        ClassLabel(1)


def test_attach_appends_one_hot_codes_to_vectors_and_images():
    labels = ClassLabel(3)
    vectors = keras.ops.zeros((2, 4))
    attached = keras.ops.convert_to_numpy(labels.attach(vectors, np.array([2, 0])))
    np.testing.assert_array_equal(attached[:, 4:], [[0, 0, 1], [1, 0, 0]])
    images = keras.ops.ones((2, 5, 5, 1))
    attached = keras.ops.convert_to_numpy(labels.attach(images, np.array([1, 2])))
    assert attached.shape == (2, 5, 5, 4)
    np.testing.assert_array_equal(attached[0, 3, 4], [1, 0, 1, 0])
    np.testing.assert_array_equal(attached[1, 0, 0], [1, 0, 0, 1])


def test_other_conditions_come_from_data_unless_a_subclass_draws_them():
    attributes = Condition((2,), name="attributes", value_range=(-1, 1))
    assert not attributes.can_sample and attributes.num_classes is None
    assert attributes.class_ids(np.zeros((3, 2))) is None
    with pytest.raises(ValueError, match="cannot draw its own `attributes`"):
        attributes.sample(2)
    with pytest.raises(ValueError, match=r"`attributes` of shape \(batch, 2\)"):
        attributes.check(np.zeros((2, 3), "float32"), 2)
    with pytest.raises(ValueError, match=r"`attributes` in \[-1, 1\]"):
        attributes.check(np.full((2, 2), 3.0, "float32"), 2)

    class Drawn(Condition):
        def sample(self, num_images, seed=None):
            rng = np.random.default_rng(seed)
            return rng.uniform(-1, 1, (num_images,) + self.shape).astype("float32")

    drawn = Drawn((2,), name="attributes")
    assert drawn.can_sample and drawn.sample(4, seed=0).shape == (4, 2)
    with pytest.raises(ValueError, match="identifier"):
        Condition((2,), name="two words")


def test_conditions_round_trip_through_keras_serialization():
    for condition in (ClassLabel(5, name="digits"), Condition((7, 7, 1), "float32")):
        config = keras.saving.serialize_keras_object(condition)
        assert keras.saving.deserialize_keras_object(config) == condition
    assert ClassLabel(5) != ClassLabel(6)


def test_tools_take_a_models_own_conditions_or_those_of_examples():
    cgan = kg.CGAN(3, image_shape=(8, 8, 1), latent_dim=2, base_filters=4)
    np.testing.assert_array_equal(conditions_for(cgan, 3), [0, 1, 2])
    assert conditions_for(kg.DCGAN(image_shape=(8, 8, 1), base_filters=4), 3) is None
    pix2pix = kg.Pix2Pix(image_shape=(8, 8, 1), base_filters=4)
    with pytest.raises(ValueError, match="no real examples are known"):
        conditions_for(pix2pix, 2)
    inputs = np.zeros((3, 8, 8, 1), "float32")
    assert conditions_for(pix2pix, 5, examples=(inputs, inputs)).shape == (5, 8, 8, 1)
