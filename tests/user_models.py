"""Conditional GANs as a user would write them: subclasses of `kg.GAN` on the
documented interface only, one per kind of condition. Importable by the CLI
(`--import tests.user_models`)."""

import keras
from keras import layers, ops

import keras_gen as kg

IMAGE_SHAPE = (28, 28, 1)
LATENT_DIM = 4
NUM_CLASSES = 3
VECTOR_SIZE = 2
LOW_RES = (7, 7, 1)


def _generator(condition, features):
    """A small dense generator from `[noise, condition]` to 28x28x1 images."""
    noise = keras.Input((LATENT_DIM,), name="noise")
    x = layers.Concatenate()([noise, features])
    x = layers.Dense(32, activation="relu")(x)
    x = layers.Dense(28 * 28, activation="tanh")(x)
    images = layers.Reshape(IMAGE_SHAPE)(x)
    return keras.Model([noise, condition], images, name="generator")


def _discriminator(condition, features):
    """A small dense discriminator from `[images, condition]` to a logit."""
    images = keras.Input(IMAGE_SHAPE, name="images")
    x = layers.Concatenate()([layers.Flatten()(images), features])
    x = layers.Dense(32)(x)
    x = layers.LeakyReLU(0.2)(x)
    return keras.Model([images, condition], layers.Dense(1)(x), name="discriminator")


class _TwoInputGAN(kg.GAN):
    """Both networks take `[x, condition]` (GAN's default inputs for a
    conditional model); built from the class's `condition` and `features`."""

    def __init__(
        self, generator=None, discriminator=None, latent_dim=LATENT_DIM, **kwargs
    ):
        if generator is None:
            generator = _generator(*self.features())
        if discriminator is None:
            discriminator = _discriminator(*self.features())
        super().__init__(generator, discriminator, latent_dim=latent_dim, **kwargs)

    def features(self):
        """`(condition input, its features)` for a network's graph."""
        condition = self.condition
        values = keras.Input(
            condition.shape, dtype=condition.dtype, name=condition.name
        )
        return values, values


@keras.saving.register_keras_serializable(package="keras_gen_tests")
class LabelGAN(_TwoInputGAN):
    """Conditioned on class labels, seen through `Embedding` layers."""

    def __init__(self, num_classes=NUM_CLASSES, **kwargs):
        self.condition = kg.conditions.ClassLabel(num_classes)
        super().__init__(**kwargs)

    def features(self):
        labels = keras.Input((), dtype="int32", name="labels")
        return labels, layers.Embedding(self.condition.num_classes, 8)(labels)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.condition.num_classes}


@keras.saving.register_keras_serializable(package="keras_gen_tests")
class VectorGAN(_TwoInputGAN):
    """Conditioned on a continuous vector (say, a stroke width and a slant)."""

    condition = kg.conditions.Condition(shape=(VECTOR_SIZE,), name="attributes")


@keras.saving.register_keras_serializable(package="keras_gen_tests")
class LowResGAN(_TwoInputGAN):
    """Conditioned on an image: a 7x7 version of the 28x28 target (super-resolution)."""

    condition = kg.conditions.Condition(LOW_RES, name="low_res", value_range=(-1, 1))

    def features(self):
        low_res = keras.Input(LOW_RES, name="low_res")
        return low_res, layers.Flatten()(low_res)


def low_res(images):
    """The 7x7 average of 28x28 images (4x4 blocks), in the images' range."""
    return ops.convert_to_numpy(
        ops.average_pool(images, pool_size=4, strides=4, padding="valid")
    )


USER_MODELS = {"labels": LabelGAN, "vector": VectorGAN, "image": LowResGAN}
