import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gen as kg
from tests.helpers import tiny_cgan, tiny_dcgan, tiny_vae


def fit(model, x, y=None, epochs=2, callbacks=()):
    if not model.compiled:
        model.compile()
    return model.fit(
        x, y, batch_size=8, epochs=epochs, verbose=0, callbacks=list(callbacks)
    )


def png_shape(path):
    return keras.utils.img_to_array(
        keras.utils.load_img(path, color_mode="grayscale")
    ).shape


def test_gan_grids_fixed_noise_and_gif(images, tmp_path):
    grid = kg.callbacks.ImageGrid(tmp_path, num_images=16, scale=1)
    fit(tiny_dcgan(), images, callbacks=[grid])
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "epoch_0001.png",
        "epoch_0002.png",
        "fixed_inputs.npz",
        "progress.gif",
    ]
    assert png_shape(tmp_path / "epoch_0001.png") == (
        42,
        42,
        1,
    )  # 4x4 tiles of 8 + padding
    from PIL import Image

    with Image.open(tmp_path / "progress.gif") as gif:
        assert gif.n_frames == 2


def test_every_skips_epochs(images, tmp_path):
    fit(
        tiny_dcgan(),
        images,
        epochs=3,
        callbacks=[kg.callbacks.ImageGrid(tmp_path, every=2, gif=False)],
    )
    assert sorted(p.name for p in tmp_path.glob("*.png")) == ["epoch_0002.png"]


def test_fixed_inputs_persist_so_resumed_grids_compare(images, tmp_path):
    model = tiny_dcgan()
    model.compile()
    first = kg.callbacks.ImageGrid(tmp_path, num_images=9)
    fit(model, images, epochs=1, callbacks=[first])
    second = kg.callbacks.ImageGrid(tmp_path, num_images=9, seed=123)  # another seed
    second.set_model(model)
    second.on_train_begin()
    np.testing.assert_array_equal(second.fixed["noise"], first.fixed["noise"])
    np.testing.assert_array_equal(second.render(), first.render())


def test_fixed_inputs_of_another_model_are_refused(images, tmp_path):
    fit(tiny_dcgan(), images, epochs=1, callbacks=[kg.callbacks.ImageGrid(tmp_path)])
    other = kg.DCGAN(image_shape=(8, 8, 1), latent_dim=7, base_filters=4)
    other.compile()
    with pytest.raises(ValueError, match=r"model's noise has shape \(7,\)"):
        fit(other, images, epochs=1, callbacks=[kg.callbacks.ImageGrid(tmp_path)])


def test_cgan_grid_has_one_row_per_class(images, labels, tmp_path):
    grid = kg.callbacks.ImageGrid(tmp_path, num_images=6, gif=False, scale=1)
    cgan = tiny_cgan()
    fit(cgan, images, labels, epochs=1, callbacks=[grid])
    np.testing.assert_array_equal(grid.fixed["condition"], [0, 0, 1, 1, 2, 2])
    assert png_shape(tmp_path / "epoch_0001.png") == (3 * 10 + 2, 2 * 10 + 2, 1)
    # Row k shows class k: it equals generate() for that label and noise.
    rendered = grid.render()
    expected = cgan.generate(labels=[1, 1], noise=grid.fixed["noise"][2:4])
    row = kg.visualization.image_grid(expected, 2, cgan.value_range)
    np.testing.assert_array_equal(rendered[12:20], row[2:10])  # row 1 of the grid


def test_vae_grid_shows_originals_reconstructions_and_samples(images, tmp_path):
    data = (images + 1) / 2
    grid = kg.callbacks.ImageGrid(
        tmp_path, num_images=9, examples=data, gif=False, scale=1
    )
    vae = tiny_vae()
    vae.compile()
    fit(vae, data, epochs=1, callbacks=[grid])
    # The real examples it keeps, of which the grid shows one row of 3.
    assert grid.fixed["example_images"].shape == (9, 8, 8, 1)
    # originals, reconstructions, then 9 samples: 5 rows of 3
    assert png_shape(tmp_path / "epoch_0001.png") == (5 * 10 + 2, 3 * 10 + 2, 1)
    top_row = kg.visualization.image_grid(data[:3], 3, (0, 1))[:12]
    np.testing.assert_array_equal(grid.render()[:12], top_row)


def read_tags(log_dir):
    tags = {}
    for path in log_dir.rglob("events.out.tfevents.*"):
        for record in tf.data.TFRecordDataset(str(path)):
            event = tf.compat.v1.Event.FromString(record.numpy())
            for value in event.summary.value:
                tags.setdefault(value.tag, []).append(
                    value.metadata.plugin_data.plugin_name
                )
    return tags


def test_grids_go_to_tensorboard_beside_keras_scalars(images, tmp_path):
    log_dir = tmp_path / "logs"
    callbacks = [
        keras.callbacks.TensorBoard(log_dir),
        kg.callbacks.ImageGrid(tmp_path / "grids", num_images=4, log_dir=log_dir),
    ]
    fit(tiny_dcgan(), images, callbacks=callbacks)
    tags = read_tags(log_dir / "train")
    assert tags["samples"] == ["images", "images"]
    assert "epoch_d_loss" in tags and "epoch_real_score" in tags


def test_grids_are_enlarged_to_a_readable_size_by_default(images, tmp_path):
    fit(tiny_dcgan(), images, epochs=1, callbacks=[kg.callbacks.ImageGrid(tmp_path)])
    # 64 tiles of 8x8: 82 pixels a side, enlarged 7x to 574 >= 512.
    assert png_shape(tmp_path / "epoch_0001.png") == (574, 574, 1)
