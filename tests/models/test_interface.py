"""The small model interface: what a subclass overrides, presets on every model,
and the hooks of the first interface refused by name."""

import inspect
import pathlib
import re

import keras
import numpy as np
import pytest

import keras_gen as kg
from tests.helpers import IMAGE_SHAPE, LATENT_DIM

CONCEPTS = pathlib.Path(__file__).resolve().parents[2] / "docs" / "concepts.md"
MODELS = [kg.GAN, kg.DCGAN, kg.CGAN, kg.Pix2Pix, kg.CycleGAN, kg.VAE, kg.CVAE]


def documented_hooks():
    """The methods and attributes of the hook tables in docs/concepts.md, by group."""
    section = CONCEPTS.read_text().split("## Hooks", 1)[1].split("\n## ", 1)[0]
    groups, group = {}, None
    for line in section.splitlines():
        if line.startswith("### "):
            group = line[4:].strip()
        elif line.startswith("| `") and group:
            groups.setdefault(group, []).append(re.match(r"\| `(\w+)", line).group(1))
    return groups


def test_a_gan_subclass_overrides_about_ten_documented_hooks():
    groups = documented_hooks()
    hooks = [name for names in groups.values() for name in names]
    assert len(hooks) == len(set(hooks))
    for name in hooks:  # each one a real method or attribute of GAN
        assert hasattr(kg.GAN, name), name
    methods = [name for name in hooks if callable(getattr(kg.GAN, name))]
    # Ten methods, and two things a model says: its condition and its data.
    assert len(methods) <= 10, groups
    assert set(hooks) - set(methods) == {"condition", "training_data"}


class Scaled(kg.GAN):
    """Sets its attributes after `super().__init__()` and uses them in a hook."""

    def __init__(self, scale=2.0, **kwargs):
        generator = kg.networks.mlp_generator(LATENT_DIM, IMAGE_SHAPE, (8,))
        discriminator = kg.networks.mlp_discriminator(IMAGE_SHAPE, (8,))
        super().__init__(generator, discriminator, latent_dim=LATENT_DIM, **kwargs)
        self.scale = scale
        self.condition = kg.conditions.Condition((LATENT_DIM,), name="offset")

    def generator_inputs(self, noise, condition):
        return self.scale * noise + condition

    def discriminator_inputs(self, images, condition):
        return images


def test_a_subclass_may_set_its_attributes_after_super_init():
    model = Scaled(scale=0.0)
    assert model.built and model.image_shape == IMAGE_SHAPE
    offsets = np.ones((2, LATENT_DIM), "float32")
    # With scale 0, the noise is ignored: only the condition matters.
    first = model.generate(2, seed=0, offset=offsets)
    np.testing.assert_allclose(first, model.generate(2, seed=1, offset=offsets))
    model.compile()
    images = np.random.default_rng(0).uniform(-1, 1, (16,) + IMAGE_SHAPE)
    offsets = np.zeros((16, LATENT_DIM), "float32")
    model.fit(images.astype("float32"), offsets, batch_size=8, verbose=0)


def test_the_first_interfaces_hooks_fail_at_construction_with_their_replacement():
    class Old(kg.GAN):
        def condition_spec(self):
            return keras.KerasTensor((None,), dtype="int32")

        def condition_range(self):
            return (0, 9)

    generator = kg.networks.mlp_generator(LATENT_DIM, IMAGE_SHAPE, (8,))
    discriminator = kg.networks.mlp_discriminator(IMAGE_SHAPE, (8,))
    with pytest.raises(TypeError, match=r"condition_spec.*ClassLabel") as error:
        Old(generator, discriminator, latent_dim=LATENT_DIM)
    assert "Condition(value_range=...)" in str(error.value)


def test_a_condition_that_is_not_a_condition_is_refused():
    class Wrong(kg.GAN):
        condition = "labels"

    generator = kg.networks.mlp_generator(LATENT_DIM, IMAGE_SHAPE, (8,))
    discriminator = kg.networks.mlp_discriminator(IMAGE_SHAPE, (8,))
    with pytest.raises(TypeError, match="kg.conditions.Condition"):
        Wrong(generator, discriminator, latent_dim=LATENT_DIM)


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
def test_every_model_has_presets_that_build_it(cls):
    presets = cls.list_presets()
    assert presets and all(isinstance(text, str) and text for text in presets.values())
    name = next(iter(presets))
    parameters = inspect.signature(cls.__init__).parameters
    small = {"base_filters": 4} if "base_filters" in parameters else {}
    model = cls.from_preset(name, **small)
    assert type(model) is cls and model.preset == name
    assert cls.from_config(model.get_config()).preset == name
    with pytest.raises(ValueError, match=f"its presets are: {name!r}"):
        cls.from_preset("nothing")


def test_presets_go_with_the_constructor_they_were_written_for():
    class Counted(kg.DCGAN):  # the DCGAN's constructor: its presets apply
        pass

    assert Counted.list_presets() == kg.DCGAN.list_presets()
    assert Scaled.list_presets() == {}  # a constructor of its own: none
    with pytest.raises(ValueError, match="its presets are: none"):
        Scaled.from_preset("mlp")


def test_every_model_says_what_it_trains_on():
    spec = kg.datasets.DataSpec
    assert kg.DCGAN(base_filters=4).training_data == spec()
    assert kg.CGAN(3, base_filters=4).training_data == spec(labels=True)
    assert kg.VAE().training_data == spec(value_range=(0, 1), binarize=True)
    assert kg.VAE(likelihood="gaussian").training_data == spec()
    assert kg.CVAE(3).training_data == spec(
        value_range=(0, 1), labels=True, binarize=True
    )
    assert kg.Pix2Pix(base_filters=4).training_data == spec(kind="pairs")
    cyclegan = kg.CycleGAN(base_filters=4, residual_blocks=1)
    assert cyclegan.training_data == spec(kind="unpaired")
    with pytest.raises(ValueError, match="value_range=\\(0, 1\\)"):
        spec(binarize=True)
