"""Conditional GANs as a user would write them: subclasses of `kg.GAN` on the
documented hooks only, one per kind of condition. Importable by the CLI
(`--import tests.user_models`)."""

import keras
from keras import layers, ops

import keras_gen as kg

IMAGE_SHAPE = (28, 28, 1)
LATENT_DIM = 4
NUM_CLASSES = 3
VECTOR_SIZE = 2
LOW_RES = (7, 7, 1)


def _generator(extra_inputs, extra_features):
    """A small dense generator from `[noise, *extra_inputs]` to 28x28x1 images."""
    noise = keras.Input((LATENT_DIM,), name="noise")
    x = layers.Concatenate()([noise, *extra_features])
    x = layers.Dense(32, activation="relu")(x)
    x = layers.Dense(28 * 28, activation="tanh")(x)
    images = layers.Reshape(IMAGE_SHAPE)(x)
    return keras.Model([noise, *extra_inputs], images, name="generator")


def _discriminator(extra_inputs, extra_features):
    """A small dense discriminator from `[images, *extra_inputs]` to a logit."""
    images = keras.Input(IMAGE_SHAPE, name="images")
    x = layers.Concatenate()([layers.Flatten()(images), *extra_features])
    x = layers.Dense(32)(x)
    x = layers.LeakyReLU(0.2)(x)
    return keras.Model(
        [images, *extra_inputs], layers.Dense(1)(x), name="discriminator"
    )


class _TwoInputGAN(kg.GAN):
    """Both networks take `[x, condition]`; built from `condition_input()`."""

    def __init__(
        self, generator=None, discriminator=None, latent_dim=LATENT_DIM, **kwargs
    ):
        if generator is None:
            generator = _generator(*self.condition_input())
        if discriminator is None:
            discriminator = _discriminator(*self.condition_input())
        super().__init__(generator, discriminator, latent_dim=latent_dim, **kwargs)

    @staticmethod
    def condition_input():
        """`([condition input], [its features])` for a network's graph."""
        raise NotImplementedError

    def generator_inputs(self, noise, condition):
        return [noise, condition]

    def discriminator_inputs(self, images, condition):
        return [images, condition]


@keras.saving.register_keras_serializable(package="keras_gen_tests")
class LabelGAN(_TwoInputGAN):
    """Conditioned on class labels through `Embedding` layers."""

    condition_name = "labels"

    @staticmethod
    def condition_input():
        labels = keras.Input((), dtype="int32", name="labels")
        return [labels], [layers.Embedding(NUM_CLASSES, 8)(labels)]

    def condition_spec(self):
        return keras.KerasTensor((None,), dtype="int32")

    def condition_range(self):
        return (0, NUM_CLASSES - 1)


@keras.saving.register_keras_serializable(package="keras_gen_tests")
class VectorGAN(_TwoInputGAN):
    """Conditioned on a continuous vector (say, a stroke width and a slant)."""

    condition_name = "attributes"

    @staticmethod
    def condition_input():
        vector = keras.Input((VECTOR_SIZE,), name="attributes")
        return [vector], [vector]

    def condition_spec(self):
        return keras.KerasTensor((None, VECTOR_SIZE), dtype="float32")


@keras.saving.register_keras_serializable(package="keras_gen_tests")
class LowResGAN(_TwoInputGAN):
    """Conditioned on an image: a 7x7 version of the 28x28 target (super-resolution)."""

    condition_name = "low_res"

    @staticmethod
    def condition_input():
        low_res = keras.Input(LOW_RES, name="low_res")
        return [low_res], [layers.Flatten()(low_res)]

    def condition_spec(self):
        return keras.KerasTensor((None,) + LOW_RES, dtype="float32")

    def condition_range(self):
        return self.value_range


def low_res(images):
    """The 7x7 average of 28x28 images (4x4 blocks), in the images' range."""
    return ops.convert_to_numpy(
        ops.average_pool(images, pool_size=4, strides=4, padding="valid")
    )


USER_MODELS = {"labels": LabelGAN, "vector": VectorGAN, "image": LowResGAN}
