"""Every public class and builder has a docstring example, and the example runs."""

import inspect
import re

import pytest

import keras_gen as kg

PUBLIC = {
    **{
        f"kg.{name}": getattr(kg, name)
        for name in ("GAN", "DCGAN", "CGAN", "VAE", "CVAE", "Pix2Pix", "CycleGAN")
    },
    "kg.models.GenerativeModel": kg.models.GenerativeModel,
    "kg.conditions.Condition": kg.conditions.Condition,
    "kg.conditions.ClassLabel": kg.conditions.ClassLabel,
    "kg.datasets.DataSpec": kg.datasets.DataSpec,
    **{
        f"kg.losses.{name}": getattr(kg.losses, name)
        for name in (
            "AdversarialLoss",
            "NonSaturatingLoss",
            "MinimaxLoss",
            "LeastSquaresLoss",
            "HingeLoss",
            "WassersteinLoss",
            "RelativisticLoss",
        )
    },
    "kg.augment.DiffAugment": kg.augment.DiffAugment,
    "kg.augment.AdaptiveAugment": kg.augment.AdaptiveAugment,
    **{
        f"kg.callbacks.{name}": getattr(kg.callbacks, name)
        for name in (
            "TerminateOnNonFinite",
            "ImageGrid",
            "Checkpoint",
            "TrainingMonitor",
        )
    },
    "kg.plot_history": kg.plot_history,
    "kg.distribute.is_chief": kg.distribute.is_chief,
    "kg.export.export_generator": kg.export.export_generator,
    **{
        f"kg.evaluation.{name}": getattr(kg.evaluation, name)
        for name in (
            "evaluate",
            "mnist_classifier",
            "frechet_distance",
            "kernel_distance",
            "classifier_score",
            "negative_elbo",
            "importance_weighted_bound",
            "FrechetDistance",
            "ClassifierScore",
        )
    },
    "kg.visualization.image_grid": kg.visualization.image_grid,
    "kg.visualization.with_channels": kg.visualization.with_channels,
    # kg.datasets.mnist is left out: its example may download on a machine with
    # network, and tests never download.
    **{
        f"kg.datasets.{name}": getattr(kg.datasets, name)
        for name in (
            "read_idx",
            "from_numpy",
            "from_directory",
            "load",
            "make_pairs",
            "unpaired_from_numpy",
            "unpaired_from_directories",
            "stylize_digits",
        )
    },
    **{
        f"kg.networks.{name}": getattr(kg.networks, name)
        for name in (
            "mlp_generator",
            "mlp_discriminator",
            "dcgan_generator",
            "dcgan_discriminator",
            "vae_encoder",
            "vae_decoder",
            "r3gan_generator",
            "r3gan_discriminator",
            "GroupedConv2D",
            "GenerativeBasis",
            "resnet_generator",
        )
    },
}


def examples(obj):
    return re.findall(r"```python\n(.*?)```", inspect.getdoc(obj) or "", re.S)


#: Examples that train and save or score, run in the slow tier (`-m slow`).
SLOW = (
    "kg.evaluation.evaluate",
    "kg.callbacks.Checkpoint",
    "kg.Pix2Pix",
    "kg.CycleGAN",
)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.slow) if name in SLOW else name
        for name in sorted(PUBLIC)
    ],
)
def test_docstring_example_runs(name):
    blocks = examples(PUBLIC[name])
    assert blocks, f"{name} has no ```python example in its docstring"
    for block in blocks:
        exec(compile(block, f"<docstring of {name}>", "exec"), {})
