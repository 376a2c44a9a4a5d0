"""write_samples: streamed, resumable and reproducible sample files."""

import numpy as np
import pytest

import keras_gen as kg
from tests.helpers import tiny_dcgan


def pngs(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.png"))


def read(folder):
    import keras

    return np.stack(
        [
            keras.utils.img_to_array(
                keras.utils.load_img(folder / n, color_mode="grayscale")
            )
            for n in pngs(folder)
        ]
    ).astype("uint8")


def test_pngs_match_the_models_samples_and_repeat_with_the_seed(tmp_path):
    model = tiny_dcgan()
    kg.write_samples(model, 7, tmp_path / "a", chunk_size=3, seed=5, verbose=0)
    kg.write_samples(
        model, 7, tmp_path / "b", chunk_size=3, seed=5, batch_size=2, verbose=0
    )
    assert pngs(tmp_path / "a") == [f"{i:07d}.png" for i in range(7)]
    np.testing.assert_array_equal(read(tmp_path / "a"), read(tmp_path / "b"))
    # Chunk 1 (images 3-5) is the model's generate() with chunk 1's seed.
    seed = kg.sample_files._chunk_seed(5, 1)
    expected = kg.visualization.to_uint8(
        model.generate(3, seed=seed), model.value_range
    )
    np.testing.assert_array_equal(read(tmp_path / "a")[3:6], expected)
    other = tmp_path / "c"
    kg.write_samples(model, 7, other, chunk_size=3, seed=6, verbose=0)
    assert not np.array_equal(read(tmp_path / "a"), read(other))


def test_a_stopped_run_continues_where_it_stopped(tmp_path, monkeypatch):
    model = tiny_dcgan()
    whole = tmp_path / "whole"
    kg.write_samples(model, 8, whole, format="npz", chunk_size=3, verbose=0)

    stopped = tmp_path / "stopped"
    real_generate, calls, fail = model.generate, [], [True]

    def failing_generate(*args, **kwargs):
        calls.append(args)
        if fail and len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_generate(*args, **kwargs)

    monkeypatch.setattr(model, "generate", failing_generate)
    with pytest.raises(OSError):
        kg.write_samples(model, 8, stopped, format="npz", chunk_size=3, verbose=0)
    assert sorted(p.name for p in stopped.glob("*.npz")) == ["samples-00000.npz"]
    calls.clear()
    fail.clear()
    kg.write_samples(model, 8, stopped, format="npz", chunk_size=3, verbose=0)
    assert len(calls) == 2  # chunks 1 and 2 only
    for name in ("samples-00000.npz", "samples-00001.npz", "samples-00002.npz"):
        np.testing.assert_array_equal(
            np.load(whole / name)["images"], np.load(stopped / name)["images"]
        )
    assert np.load(stopped / "samples-00002.npz")["images"].shape == (2, 8, 8, 1)


def test_class_conditional_samples_go_to_a_folder_per_class(tmp_path):
    from tests.helpers import tiny_cgan

    model = tiny_cgan()
    kg.write_samples(model, 6, tmp_path / "png", chunk_size=6, verbose=0)
    classes = model.condition.num_classes
    names = pngs(tmp_path / "png")
    assert len(names) == 6 and {n.split("/")[0] for n in names} == {
        str(c) for c in range(classes)
    }
    kg.write_samples(model, 6, tmp_path / "npz", format="npz", chunk_size=6, verbose=0)
    shard = np.load(tmp_path / "npz" / "samples-00000.npz")
    np.testing.assert_array_equal(shard["labels"], model.condition.sample(6))


def test_refuses_other_arguments_other_files_and_models_that_need_inputs(tmp_path):
    model = tiny_dcgan()
    kg.write_samples(model, 2, tmp_path / "run", verbose=0)
    with pytest.raises(ValueError, match=r"other arguments \(seed: 0 there, 1 now\)"):
        kg.write_samples(model, 2, tmp_path / "run", seed=1, verbose=0)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(ValueError, match="not empty"):
        kg.write_samples(model, 2, tmp_path / "mine", verbose=0)
    with pytest.raises(ValueError, match="format"):
        kg.write_samples(model, 2, tmp_path / "x", format="jpeg")
    from tests.helpers import tiny_pix2pix

    with pytest.raises(ValueError, match="cannot draw its own"):
        kg.write_samples(tiny_pix2pix(), 2, tmp_path / "p", verbose=0)
