import numpy as np
import pytest

import keras_gen as kg


def test_image_grid_tiles_and_scales():
    images = np.stack(
        [np.full((2, 3, 1), -1.0), np.full((2, 3, 1), 1.0), np.zeros((2, 3, 1))]
    )
    grid = kg.visualization.image_grid(images, columns=2, padding=1)
    assert grid.shape == (2 * 3 + 1, 2 * 4 + 1, 1) and grid.dtype == np.uint8
    assert (grid[1:3, 1:4] == 0).all()  # -1 -> black
    assert (grid[1:3, 5:8] == 255).all()  # 1 -> white
    assert (grid[4:6, 1:4] == 128).all()  # 0 -> mid grey


def test_plot_history_draws_losses_and_scores(tmp_path):
    history = {
        "d_loss": [1.0, 0.9],
        "g_loss": [0.7, 0.8],
        "real_score": [0.6, 0.55],
        "fake_score": [0.4, 0.45],
    }
    figure = kg.plot_history(history, tmp_path / "curves.png")
    assert (tmp_path / "curves.png").stat().st_size > 1000
    loss_axis, score_axis = figure.axes
    assert {line.get_label() for line in loss_axis.lines} == {"d_loss", "g_loss"}
    assert {"real_score", "fake_score"} <= {
        line.get_label() for line in score_axis.lines
    }


def test_plot_history_takes_a_keras_history(images, tmp_path):
    from tests.helpers import tiny_vae

    vae = tiny_vae()
    vae.compile()
    history = vae.fit((images + 1) / 2, batch_size=8, epochs=2, verbose=0)
    figure = kg.plot_history(history)
    assert len(figure.axes) == 1
    assert {line.get_label() for line in figure.axes[0].lines} == {
        "loss",
        "reconstruction_loss",
        "kl_loss",
    }


def test_plot_history_needs_something_to_plot():
    with pytest.raises(ValueError, match="No losses"):
        kg.plot_history({"accuracy": [0.5]})


def test_a_one_epoch_history_shows_its_points():
    figure = kg.plot_history({"d_loss": [1.3], "g_loss": [0.8]})
    assert [line.get_marker() for line in figure.axes[0].lines] == ["o", "o"]


def test_upscale_enlarges_small_grids_to_a_readable_size():
    grid = kg.visualization.image_grid(np.zeros((64, 28, 28, 1)))
    assert grid.shape == (242, 242, 1)
    assert kg.visualization.upscale(grid).shape == (726, 726, 1)
    assert kg.visualization.upscale(np.zeros((600, 20, 3))).shape == (600, 20, 3)
    with pytest.raises(ValueError, match="factor"):
        kg.visualization.upscale(grid, 0)
