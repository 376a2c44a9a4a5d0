"""Paired datasets: arrays, two folders, side-by-side files, MNIST task pairs."""

import keras
import numpy as np
import pytest

import keras_gen as kg
from tests.helpers import write_fake_mnist_npz


def save(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    keras.utils.save_img(path, array, scale=False)


def ramp(height, width, channels=3, offset=0):
    """A uint8 image whose pixels say where they come from."""
    values = (np.arange(height * width * channels) + offset) % 256
    return values.reshape(height, width, channels).astype("uint8")


def test_pairs_from_arrays_keep_their_order_and_scale_both_sides(tf):
    x = np.stack([np.full((8, 8), i, "uint8") for i in range(10)])
    y = 255 - x
    ds = kg.datasets.paired_from_numpy(x, y, batch_size=5, shuffle=False)
    inputs, targets = next(iter(ds))
    assert inputs.shape == targets.shape == (5, 8, 8, 1)
    np.testing.assert_allclose(inputs.numpy()[:, 0, 0, 0], np.arange(5) / 127.5 - 1)
    np.testing.assert_allclose(targets.numpy(), -inputs.numpy(), atol=1e-6)
    shuffled = kg.datasets.paired_from_numpy(x, y, batch_size=10, seed=0)
    inputs, targets = next(iter(shuffled))
    np.testing.assert_allclose(targets.numpy(), -inputs.numpy(), atol=1e-6)


def test_bad_arrays_are_clear_errors(tf):
    x = np.zeros((10, 8, 8), "uint8")
    with pytest.raises(ValueError, match="10 inputs and 9 targets"):
        kg.datasets.paired_from_numpy(x, x[:9])
    with pytest.raises(ValueError, match="same size"):
        kg.datasets.paired_from_numpy(x, np.zeros((10, 16, 16), "uint8"))
    with pytest.raises(ValueError, match="different ranges"):
        kg.datasets.paired_from_numpy(x, x.astype("float32"))


def test_two_folders_pair_by_name(tf, tmp_path):
    for i in range(3):
        save(tmp_path / "a" / f"img{i}.png", ramp(8, 8, offset=i))
        save(tmp_path / "b" / f"img{i}.jpg", ramp(8, 8, offset=i) // 2)
    ds = kg.datasets.paired_from_directories(
        tmp_path / "a", tmp_path / "b", batch_size=3, shuffle=False
    )
    inputs, targets = next(iter(ds))
    assert inputs.shape == targets.shape == (3, 8, 8, 3)
    expected = ramp(8, 8, offset=1).astype("float32") / 127.5 - 1
    np.testing.assert_allclose(inputs.numpy()[1], expected, atol=1e-6)


def test_folders_that_do_not_pair_up_name_the_files(tf, tmp_path):
    save(tmp_path / "a" / "one.png", ramp(8, 8))
    save(tmp_path / "a" / "two.png", ramp(8, 8))
    save(tmp_path / "b" / "one.png", ramp(8, 8))
    save(tmp_path / "b" / "three.png", ramp(8, 8))
    with pytest.raises(ValueError, match=r"\['two'\].*\['three'\]"):
        kg.datasets.paired_from_directories(tmp_path / "a", tmp_path / "b")


def test_sizes_that_differ_need_image_size(tf, tmp_path):
    save(tmp_path / "a" / "one.png", ramp(8, 8))
    save(tmp_path / "a" / "two.png", ramp(16, 16))
    for name in ("one", "two"):
        save(tmp_path / "b" / f"{name}.png", ramp(8, 8))
    with pytest.raises(ValueError, match="image_size"):
        kg.datasets.paired_from_directories(tmp_path / "a", tmp_path / "b")
    ds = kg.datasets.paired_from_directories(
        tmp_path / "a", tmp_path / "b", image_size=(8, 8), batch_size=2
    )
    assert next(iter(ds))[0].shape == (2, 8, 8, 3)


def test_side_by_side_files_split_down_the_middle(tf, tmp_path):
    for i in range(2):
        left, right = ramp(8, 8, offset=i), ramp(8, 8, offset=100 + i)
        save(tmp_path / f"{i}.png", np.concatenate([left, right], axis=1))
    for side, offset in (("left", 0), ("right", 100)):
        ds = kg.datasets.paired_from_side_by_side(
            tmp_path, batch_size=2, input_side=side, shuffle=False
        )
        inputs, targets = next(iter(ds))
        expected = ramp(8, 8, offset=offset).astype("float32") / 127.5 - 1
        np.testing.assert_allclose(inputs.numpy()[0], expected, atol=1e-6)
        other = ramp(8, 8, offset=100 - offset).astype("float32") / 127.5 - 1
        np.testing.assert_allclose(targets.numpy()[0], other, atol=1e-6)


def test_side_by_side_files_of_odd_width_are_refused(tf, tmp_path):
    save(tmp_path / "pair.png", ramp(8, 15))
    with pytest.raises(ValueError, match="15 pixels wide"):
        kg.datasets.paired_from_side_by_side(tmp_path)


def test_unreadable_files_are_named(tf, tmp_path):
    save(tmp_path / "good.png", ramp(8, 16))
    (tmp_path / "broken.png").write_bytes(b"not an image")
    with pytest.raises(ValueError, match="broken.png is not a readable image"):
        kg.datasets.paired_from_side_by_side(tmp_path)


def test_super_resolution_inputs_are_the_blurred_targets():
    images = np.random.default_rng(0).uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    inputs, targets = kg.datasets.make_pairs(images, "super_resolution")
    np.testing.assert_array_equal(targets, images)
    assert inputs.shape == images.shape
    # Block averages survive; the detail within a block is gone.
    blocks = images.reshape(4, 7, 4, 7, 4, 1).mean(axis=(2, 4))
    input_blocks = inputs.reshape(4, 7, 4, 7, 4, 1).mean(axis=(2, 4))
    assert np.abs(input_blocks - blocks).mean() < 0.1
    assert inputs.std() < 0.5 * images.std()
    assert inputs.min() >= -1 and inputs.max() <= 1


def test_inpainting_hides_one_half_of_each_image():
    images = np.random.default_rng(0).uniform(-1, 1, (40, 8, 8, 1)).astype("float32")
    inputs, targets = kg.datasets.make_pairs(images, "inpainting", seed=3)
    hidden = inputs == 0.0
    assert np.all(hidden.reshape(40, -1).sum(axis=1) == 32)  # half of 64 pixels
    np.testing.assert_array_equal(inputs[~hidden], targets[~hidden])
    halves = {
        (bool(h[0, 0, 0]), bool(h[-1, -1, 0])) for h in hidden
    }  # top, bottom, left, right
    assert len(halves) >= 2
    again, _ = kg.datasets.make_pairs(images, "inpainting", seed=3)
    np.testing.assert_array_equal(again, inputs)


def test_make_pairs_checks_its_arguments():
    images = np.zeros((2, 28, 28, 1), "float32")
    with pytest.raises(ValueError, match="task"):
        kg.datasets.make_pairs(images, "colourise")
    with pytest.raises(ValueError, match="not divisible by 4"):
        kg.datasets.make_pairs(np.zeros((2, 30, 30, 1)), "super_resolution")
    with pytest.raises(ValueError, match="range"):
        kg.datasets.make_pairs(images + 5, "inpainting")


def test_mnist_pairs_from_a_local_file(tf, tmp_path):
    path = write_fake_mnist_npz(tmp_path / "mnist.npz", 32)
    ds = kg.datasets.mnist_pairs("inpainting", batch_size=8, data_dir=path)
    inputs, targets = next(iter(ds))
    assert inputs.shape == targets.shape == (8, 28, 28, 1)
    inputs, targets, labels = kg.datasets.mnist_pair_arrays(
        "super_resolution", "train", path
    )
    assert len(inputs) == len(labels) == 32
    assert targets.min() >= -1 and targets.max() <= 1


def test_super_resolution_at_factor_seven_keeps_only_four_by_four_blocks():
    images = np.random.default_rng(0).uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    inputs, _ = kg.datasets.make_pairs(images, "super_resolution", factor=7)
    four = kg.datasets.make_pairs(images, "super_resolution")[0]
    blocks = images.reshape(4, 4, 7, 4, 7, 1).mean(axis=(2, 4))
    input_blocks = inputs.reshape(4, 4, 7, 4, 7, 1).mean(axis=(2, 4))
    assert np.abs(input_blocks - blocks).mean() < 0.1
    # Less of the detail survives than at factor 4.
    assert inputs.std() < four.std()
    with pytest.raises(ValueError, match="not divisible by 5"):
        kg.datasets.make_pairs(images, "super_resolution", factor=5)


def test_inpainting_can_hide_three_quarters_keeping_one_quarter():
    images = np.random.default_rng(0).uniform(-1, 1, (40, 8, 8, 1)).astype("float32")
    inputs, targets = kg.datasets.make_pairs(
        images, "inpainting", seed=2, hidden_fraction=0.75
    )
    hidden = inputs == 0.0
    assert np.all(hidden.reshape(40, -1).sum(axis=1) == 48)  # 3/4 of 64 pixels
    np.testing.assert_array_equal(inputs[~hidden], targets[~hidden])
    visible = {tuple(np.argwhere(~h[..., 0]).min(axis=0)) for h in hidden}
    assert visible <= {(0, 0), (0, 4), (4, 0), (4, 4)} and len(visible) >= 2
    with pytest.raises(ValueError, match="hidden_fraction"):
        kg.datasets.make_pairs(images, "inpainting", hidden_fraction=0.3)


def test_outpainting_gives_the_centre_and_asks_for_the_whole():
    images = np.random.default_rng(0).uniform(-1, 1, (3, 28, 28, 1)).astype("float32")
    inputs, targets = kg.datasets.make_pairs(images, "outpainting")
    np.testing.assert_array_equal(inputs[:, 7:21, 7:21], targets[:, 7:21, 7:21])
    ring = np.ones((28, 28), bool)
    ring[7:21, 7:21] = False
    assert np.all(inputs[:, ring] == 0.0)


def test_denoising_inputs_are_blurred_noisy_targets_drawn_from_the_seed():
    images = np.zeros((2, 28, 28, 1), "float32") - 1.0
    images[:, 10:18, 10:18] = 1.0
    inputs, targets = kg.datasets.make_pairs(images, "denoising", seed=4)
    np.testing.assert_array_equal(targets, images)
    assert inputs.min() >= -1 and inputs.max() <= 1
    # The noise: the flat background is no longer flat; the blur: the edge of
    # the square is softened (its average at the border is between the sides).
    assert inputs[:, :5, :5].std() > 0.2
    edge = inputs[:, 10:18, 10].mean()
    assert -0.7 < edge < 0.7
    again, _ = kg.datasets.make_pairs(images, "denoising", seed=4)
    np.testing.assert_array_equal(again, inputs)
    other, _ = kg.datasets.make_pairs(images, "denoising", seed=5)
    assert np.abs(other - inputs).max() > 0.1
