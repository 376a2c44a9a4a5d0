"""Every batch is checked in the train step, on every backend, not only the first."""

import keras
import numpy as np
import pytest

import keras_gen as kg
from tests.helpers import IMAGE_SHAPE, tiny_cgan, tiny_dcgan, tiny_vae


class Batches(keras.utils.PyDataset):
    """Fixed batches, as a dataset of any backend yields them."""

    def __init__(self, batches):
        super().__init__()
        self.batches = batches

    def __len__(self):
        return len(self.batches)

    def __getitem__(self, index):
        return self.batches[index]


def good_images(n=8, seed=0):
    return (
        np.random.default_rng(seed).uniform(-1, 1, (n,) + IMAGE_SHAPE).astype("float32")
    )


def with_bad_third_batch(bad, labels=None):
    """Four batches; the third is `bad` (so the first-batch check passes)."""
    images = [good_images(seed=i) for i in range(4)]
    images[2] = bad
    if labels is None:
        return Batches([(x,) for x in images])
    return Batches(list(zip(images, labels)))


@pytest.mark.parametrize(
    "bad, message",
    [
        ((good_images() + 1) * 127.5, r"span \[.*\].*`x / 127.5 - 1`"),
        ((good_images() + 1) / 2, r"none is below 0.*`x \* 2 - 1`"),
        (np.full((8,) + IMAGE_SHAPE, np.nan, "float32"), "NaN"),
    ],
    ids=["uint8-range", "unit-range", "nan"],
)
def test_a_bad_later_batch_stops_fit_naming_epoch_and_batch(bad, message):
    model = tiny_dcgan()
    model.compile()
    with pytest.raises(kg.data_check.BadBatchError, match="epoch 1, batch 3") as info:
        model.fit(with_bad_third_batch(bad.astype("float32")), epochs=2, verbose=0)
    assert __import__("re").search(message, str(info.value)), str(info.value)


def test_labels_out_of_range_in_a_later_batch_stop_a_cgan():
    model = tiny_cgan()
    model.compile()
    labels = [np.arange(8) % 3] * 4
    labels[2] = np.full(8, 7)
    with pytest.raises(
        kg.data_check.BadBatchError, match=r"batch 3.*`labels` span \[7, 7\].*\[0, 2\]"
    ):
        model.fit(with_bad_third_batch(good_images(), labels), epochs=1, verbose=0)


def test_a_vae_checks_every_batch_too():
    model = tiny_vae()
    model.compile()
    batches = Batches([((good_images(seed=i) + 1) / 2,) for i in range(3)])
    batches.batches[1] = (batches.batches[1][0] * 255,)
    with pytest.raises(kg.data_check.BadBatchError, match=r"batch 2.*`x / 255`"):
        model.fit(batches, epochs=1, verbose=0)


def test_good_data_trains_and_logs_nothing_of_the_check():
    model = tiny_cgan()
    model.compile()
    labels = [np.arange(8) % 3] * 4
    history = model.fit(
        with_bad_third_batch(good_images(), labels), epochs=2, verbose=0
    )
    assert set(history.history) == {"d_loss", "g_loss", "real_score", "fake_score"}
    scores = model.evaluate(
        Batches(list(zip([good_images()] * 2, labels))), verbose=0, return_dict=True
    )
    assert set(scores) == {"d_loss", "g_loss", "real_score", "fake_score"}


def test_check_data_false_trains_through_data_you_vouch_for():
    model = tiny_dcgan()
    model.compile(check_data=False)
    bad = (good_images() + 1) * 127.5
    history = model.fit(with_bad_third_batch(bad), epochs=1, verbose=0)
    assert len(history.history["d_loss"]) == 1
    assert model.get_compile_config()["check_data"] is False
    with pytest.raises(TypeError, match="check_data"):
        model.compile(check_data="no")


def test_evaluate_refuses_bad_data():
    model = tiny_dcgan()
    model.compile()
    with pytest.raises(kg.data_check.BadBatchError, match="evaluation data"):
        model.evaluate(
            Batches([(good_images(),), ((good_images() + 1) * 127.5,)]), verbose=0
        )
