"""Bad arguments and paths get clear errors, and nothing the user saved is overwritten."""

import os
import zipfile

import keras
import numpy as np
import pytest

import keras_gen as kg
from keras_gen import cli
from tests.helpers import IMAGE_SHAPE, tiny_dcgan


@pytest.mark.parametrize(
    "build, message",
    [
        (
            lambda: kg.DCGAN(latent_dim=0),
            r"`latent_dim` must be a whole number >= 1; got 0",
        ),
        (lambda: kg.DCGAN(base_filters=0), r"`base_filters`.*got 0"),
        (lambda: kg.DCGAN(image_shape=(28, 28)), r"`image_shape` must be \(height"),
        (lambda: kg.CGAN(num_classes=1), r"`num_classes` must be an integer >= 2"),
        (lambda: kg.CGAN(num_classes="10"), r"`num_classes`.*'10'"),
        (lambda: kg.VAE(latent_dim=-2), r"`latent_dim`.*-2"),
        (lambda: kg.VAE(beta=-1.0), r"`beta` must be a number >= 0"),
        (lambda: kg.CVAE(num_classes=10, image_shape=(28, 28, 0)), r"`image_shape`"),
        (lambda: kg.networks.mlp_generator(latent_dim=0), r"`latent_dim`.*got 0"),
        (
            lambda: kg.networks.mlp_discriminator(hidden_units=(16, 0)),
            r"`hidden_units' widths`.*got 0",
        ),
        (
            lambda: kg.GAN(
                kg.networks.mlp_generator(4),
                kg.networks.mlp_discriminator(),
                4,
                value_range=5,
            ),
            r"`value_range` must be \(low, high\)",
        ),
        (lambda: kg.callbacks.ImageGrid("x", num_images=0), r"`num_images`.*got 0"),
        (lambda: kg.callbacks.ImageGrid("x", every=1.5), r"`every`.*1.5"),
        (lambda: kg.callbacks.ImageGrid("x", scale=0), r"`scale`"),
        (lambda: kg.callbacks.Checkpoint("x", every=0), r"`every`.*got 0"),
        (lambda: kg.callbacks.Checkpoint("x", keep=0), r"`keep"),
        (lambda: kg.callbacks.Evaluate(num_samples=1), r"`num_samples`.*>= 2"),
        (lambda: kg.callbacks.TrainingMonitor(patience=0), r"`patience`"),
        (lambda: kg.callbacks.TrainingMonitor(win_margin=2), r"`win_margin`"),
        (
            lambda: kg.datasets.from_numpy(np.zeros((4, 8, 8), "uint8"), batch_size=0),
            r"`batch_size`.*got 0",
        ),
        (
            lambda: kg.datasets.from_numpy(
                np.zeros((4, 8, 8), "uint8"), value_range=(1, -1), batch_size=2
            ),
            r"`value_range` must be \(low, high\) with low < high",
        ),
        (
            lambda: kg.datasets.from_numpy(
                np.zeros((4, 8, 8), "uint8"), np.eye(3)[[0, 1, 2, 0]]
            ),
            r"one-hot.*`labels.argmax\(-1\)`",
        ),
    ],
)
def test_bad_arguments_name_the_argument_and_what_was_given(build, message, tf):
    with pytest.raises((ValueError, TypeError), match=message):
        build()


def test_generate_checks_its_arguments():
    model = tiny_dcgan()
    with pytest.raises(ValueError, match="`batch_size`.*got 0"):
        model.generate(4, batch_size=0)
    with pytest.raises(ValueError, match="`num_images`.*got -1"):
        model.generate(-1)
    with pytest.raises(ValueError, match="unconditional"):
        model.generate(2, condition=np.zeros(2))


def test_images_scaled_to_unit_range_are_caught_in_the_first_batch():
    model = tiny_dcgan()
    model.compile()
    images = np.random.default_rng(0).uniform(0, 1, (16,) + IMAGE_SHAPE)
    with pytest.raises(ValueError, match=r"no pixel.*below 0.*`x \* 2 - 1`"):
        model.fit(images.astype("float32"), batch_size=8, verbose=0)


# --- Image folders -----------------------------------------------------------


def image_folder(path, bad=()):
    path.mkdir()
    for i in range(6):
        keras.utils.save_img(
            path / f"{i}.png", np.full((12, 12, 3), 40 * i, "uint8"), scale=False
        )
    for name in bad:
        (path / name).write_text("not an image")
    return path


def test_an_undecodable_file_is_named(tmp_path, tf):
    folder = image_folder(tmp_path / "images", bad=["notes.png"])
    with pytest.raises(ValueError, match=r"notes\.png is not a readable image"):
        kg.datasets.from_directory(folder, image_size=(8, 8), batch_size=2)


def test_bad_files_can_be_skipped_with_one_warning(tmp_path, tf):
    folder = image_folder(tmp_path / "images", bad=["a.png", "b.jpg"])
    with pytest.warns(UserWarning, match=r"Leaving out 2 of the 8 image files"):
        dataset = kg.datasets.from_directory(
            folder, image_size=(8, 8), batch_size=2, skip_bad_files=True
        )
    assert sum(int(batch.shape[0]) for batch in dataset) == 6


# --- Nothing overwritten -----------------------------------------------------


@pytest.fixture
def exportable():
    if keras.backend.backend() == "torch":
        pytest.skip("export runs on TensorFlow and JAX")
    return tiny_dcgan()


def test_export_refuses_a_file_and_a_folder_of_other_files(exportable, tmp_path):
    target = tmp_path / "model"
    target.write_text("mine")
    with pytest.raises(FileExistsError, match="existing file.*overwrite=True"):
        exportable.export_generator(target)
    assert target.read_text() == "mine"
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="already holds files"):
        exportable.export_generator(folder)
    assert os.listdir(folder) == ["notes.txt"]
    exportable.export_generator(folder, overwrite=True)
    assert (folder / "saved_model.pb").is_file() and not (folder / "notes.txt").exists()


def test_a_previous_export_is_replaced_and_a_failed_one_leaves_it(
    exportable, tmp_path, monkeypatch
):
    target = tmp_path / "1"
    exportable.export_generator(target)
    first = (target / "saved_model.pb").stat().st_mtime_ns
    exportable.export_generator(target)  # ours: replaced without overwrite=True

    def crash(self, *args, **kwargs):
        raise RuntimeError("killed mid-write")

    # The backend's archive class (ExportArchive() returns a subclass).
    monkeypatch.setattr(type(keras.export.ExportArchive()), "write_out", crash)
    with pytest.raises(RuntimeError, match="mid-write"):
        exportable.export_generator(target)
    assert (target / "saved_model.pb").is_file()  # the previous export, whole
    assert (target / "saved_model.pb").stat().st_mtime_ns >= first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1"]  # no temporaries


# --- Loading -----------------------------------------------------------------


def test_a_damaged_keras_file_is_named_as_such(tmp_path, capsys):
    model = tiny_dcgan()
    model.compile()
    path = tmp_path / "model.keras"
    model.save(path)
    truncated = tmp_path / "truncated.keras"
    truncated.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(ValueError, match=r"truncated\.keras is not a valid \.keras"):
        kg.validation.check_keras_file(truncated)
    other = tmp_path / "other.keras"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("data.txt", "x")
    with pytest.raises(ValueError, match="no config.json"):
        kg.validation.check_keras_file(other)
    kg.validation.check_keras_file(path)  # a good one passes
    assert cli.main(["sample", str(truncated), "--out", str(tmp_path / "g.png")]) == 2
    assert "not a valid .keras model file" in capsys.readouterr().err


def test_the_cli_overwrites_nothing(tmp_path, capsys):
    model = tiny_dcgan()
    model.compile()
    model.save(tmp_path / "model.keras")
    grid = tmp_path / "grid.png"
    grid.write_text("mine")
    assert cli.main(["sample", str(tmp_path / "model.keras"), "--out", str(grid)]) == 2
    assert "--overwrite" in capsys.readouterr().err and grid.read_text() == "mine"
    assert (
        cli.main(
            ["sample", str(tmp_path / "model.keras"), "--out", str(grid), "--overwrite"]
        )
        == 0
    )
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_text("mine")
    assert cli.main(["train", "dcgan", "--out", str(folder)]) == 2
    assert "already holds files" in capsys.readouterr().err
    if keras.backend.backend() != "torch":
        assert cli.main(["export", str(tmp_path / "model.keras"), str(folder)]) == 1
        assert "already holds files" in capsys.readouterr().err
        assert (folder / "a.txt").read_text() == "mine"


# --- Networks that do not fit, data of the wrong kind, a broken objective -------


def _dense_discriminator(shape, units=1):
    return keras.Sequential(
        [keras.Input(shape), keras.layers.Flatten(), keras.layers.Dense(units)]
    )


@pytest.mark.parametrize(
    "build, message",
    [
        (
            lambda: kg.GAN(
                kg.networks.mlp_generator(4, IMAGE_SHAPE, (8,)),
                _dense_discriminator(IMAGE_SHAPE[:2] + (3,)),
                latent_dim=4,
            ),
            r"discriminator takes inputs of shape \(8, 8, 3\), but the generator's "
            r"images .* have shape \(8, 8, 1\)\. Build both networks",
        ),
        (
            lambda: kg.GAN(
                kg.networks.mlp_generator(4, IMAGE_SHAPE, (8,)),
                _dense_discriminator(IMAGE_SHAPE),
                latent_dim=5,
            ),
            r"generator takes inputs of shape \(4,\), but the noise \(latent_dim=5\)",
        ),
        (
            lambda: kg.GAN(
                kg.networks.mlp_generator(4, IMAGE_SHAPE, (8,)),
                _dense_discriminator(IMAGE_SHAPE, units=3),
                latent_dim=4,
            ),
            r"one score \(logit\) per image.*it outputs \(None, 3\)",
        ),
    ],
)
def test_networks_that_do_not_fit_each_other_are_refused(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_pairs_of_images_for_an_unconditional_model_are_refused(images):
    model = tiny_dcgan()
    model.compile()
    with pytest.raises(ValueError, match=r"unconditional .* pairs of images.*Pix2Pix"):
        model.fit(images, images, batch_size=8, epochs=1, verbose=0)
    # Labels beside the images are still read and ignored.
    labels = np.zeros(len(images), "int32")
    model.fit(images, labels, batch_size=8, epochs=1, verbose=0)


def test_a_loss_that_is_not_a_scalar_is_named(images):
    class PerExample(kg.losses.AdversarialLoss):
        def discriminator_loss(self, real_logits, fake_logits, real_label=1.0):
            return keras.ops.softplus(-real_logits) + keras.ops.softplus(fake_logits)

        def generator_loss(self, fake_logits):
            return keras.ops.mean(keras.ops.softplus(-fake_logits))

    model = tiny_dcgan()
    model.compile(loss=PerExample())
    with pytest.raises(
        ValueError,
        match=r"PerExample.discriminator_loss must return "
        r"a scalar loss.*shape \(8, 1\)",
    ):
        model.fit(images, batch_size=8, epochs=1, verbose=0)


def test_a_loss_that_is_nan_from_the_start_points_at_the_objective(images):
    class LogOfNegative(kg.losses.AdversarialLoss):
        def discriminator_loss(self, real_logits, fake_logits, real_label=1.0):
            return keras.ops.mean(keras.ops.log(-keras.ops.abs(real_logits) - 1.0))

        def generator_loss(self, fake_logits):
            return keras.ops.mean(fake_logits)

    model = tiny_dcgan()
    model.compile(loss=LogOfNegative())
    with pytest.raises(
        kg.callbacks.NonFiniteLossError,
        match=r"`d_loss` became nan.*"
        r"first step.*custom loss",
    ):
        model.fit(images, batch_size=8, epochs=1, verbose=0)
