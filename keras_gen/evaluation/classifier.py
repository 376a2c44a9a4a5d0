"""The small MNIST classifier shipped with keras_gen, used as a feature extractor."""

import hashlib
import pathlib

import keras
import numpy as np
from keras import layers, ops

WEIGHTS = pathlib.Path(__file__).parent / "data" / "mnist_classifier.weights.h5"
FEATURES_LAYER = "features"


def build_mnist_classifier():
    """The architecture of the bundled classifier (untrained): images in [0, 1] -> 10 logits.

    Two 3x3 convolutions with max pooling, a 128-unit `features` layer (the
    feature space of the Fréchet and kernel distances), dropout, and a 10-way
    output.
    """
    images = keras.Input((28, 28, 1), name="images")
    x = layers.Conv2D(32, 3, activation="relu")(images)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    x = layers.MaxPooling2D()(x)
    x = layers.Flatten()(x)
    features = layers.Dense(128, activation="relu", name=FEATURES_LAYER)(x)
    x = layers.Dropout(0.3)(features)
    logits = layers.Dense(10, name="logits")(x)
    return keras.Model(images, logits, name="mnist_classifier")


def mnist_classifier():
    """The bundled MNIST classifier with its trained weights (images in [0, 1] -> logits).

    Trained by `scripts/train_mnist_classifier.py` on the MNIST training
    images; its test accuracy is in the docs.

    Example:

    ```python
    import numpy as np
    import keras_gen as kg

    classifier = kg.evaluation.mnist_classifier()
    logits = classifier.predict(np.zeros((2, 28, 28, 1)), verbose=0)  # (2, 10)
    ```
    """
    if not WEIGHTS.is_file():
        raise FileNotFoundError(
            f"The bundled classifier weights are missing ({WEIGHTS}); reinstall "
            "keras_gen or run scripts/train_mnist_classifier.py."
        )
    model = build_mnist_classifier()
    model.load_weights(WEIGHTS)
    return model


def feature_extractor(classifier):
    """A model from the classifier's input to its `features` layer and its logits."""
    return keras.Model(
        classifier.input,
        [classifier.get_layer(FEATURES_LAYER).output, classifier.output],
        name="mnist_features",
    )


def classifier_fingerprint(classifier):
    """SHA-256 of a classifier's weights (their values, in order): its identity.

    Two evaluations compare only when their classifiers have the same
    fingerprint.
    """
    digest = hashlib.sha256()
    for weight in classifier.weights:
        value = np.ascontiguousarray(ops.convert_to_numpy(weight), dtype="float32")
        digest.update(str(value.shape).encode())
        digest.update(value.tobytes())
    return digest.hexdigest()
