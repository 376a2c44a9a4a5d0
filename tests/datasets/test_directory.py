import keras
import numpy as np
import pytest

import keras_gen as kg


def write_images(folder, count, size=(20, 24)):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for i in range(count):
        image = rng.integers(0, 256, size + (3,), dtype=np.uint8)
        keras.utils.save_img(folder / f"{i}.png", image)


def test_reads_and_resizes_a_folder(tmp_path):
    write_images(tmp_path, 6)
    ds = kg.datasets.from_directory(tmp_path, image_size=(16, 16), batch_size=4)
    batches = [b.numpy() for b in ds]
    assert len(batches) == 1 and batches[0].shape == (4, 16, 16, 3)
    assert batches[0].min() >= -1 and batches[0].max() <= 1


def test_subfolders_are_classes_when_asked(tmp_path):
    write_images(tmp_path / "cats", 3)
    write_images(tmp_path / "dogs", 3)
    images, labels = next(
        iter(
            kg.datasets.from_directory(
                tmp_path,
                image_size=(8, 8),
                batch_size=6,
                labels=True,
                color_mode="grayscale",
            )
        )
    )
    assert images.shape == (6, 8, 8, 1)
    assert sorted(labels.numpy().tolist()) == [0, 0, 0, 1, 1, 1]


def test_empty_folder_is_a_clear_error(tmp_path):
    (tmp_path / "notes.txt").write_text("no images")
    with pytest.raises(ValueError, match="No images found.*png"):
        kg.datasets.from_directory(tmp_path)


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="faces"):
        kg.datasets.from_directory(tmp_path / "faces")
