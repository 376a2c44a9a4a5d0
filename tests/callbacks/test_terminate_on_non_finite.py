import threading
import types

import keras
import numpy as np
import pytest

import keras_gen as kg
from tests.helpers import tiny_gan


def test_only_losses_are_watched():
    guard = kg.callbacks.TerminateOnNonFinite()
    guard.on_epoch_begin(0)
    # A non-finite score is not a loss: training goes on ...
    guard.on_train_batch_end(0, {"d_loss": 1.0, "g_loss": 2.0, "real_score": np.nan})
    # ... and the same value under a loss's name stops it.
    with pytest.raises(kg.callbacks.NonFiniteLossError, match="`g_loss`"):
        guard.on_train_batch_end(1, {"d_loss": 1.0, "g_loss": np.nan})


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_loss_raises_with_its_name_and_place(value):
    guard = kg.callbacks.TerminateOnNonFinite(suggestion="Lower the learning rate.")
    guard.on_epoch_begin(4)
    with pytest.raises(
        kg.callbacks.NonFiniteLossError, match=r"`kl_loss`.*epoch 5, batch 3.*Lower"
    ):
        guard.on_train_batch_end(2, {"loss": 1.0, "kl_loss": value})


def test_models_use_the_callers_guard_instead_of_their_own(images):
    from tests.helpers import non_finite_gan

    gan = non_finite_gan(np.inf)
    guard = kg.callbacks.TerminateOnNonFinite(suggestion="CALLER'S ADVICE")
    with pytest.raises(kg.callbacks.NonFiniteLossError, match="CALLER'S ADVICE"):
        gan.fit(images, batch_size=8, verbose=0, callbacks=[guard])


def test_checks_on_a_pool_of_threads_raise_the_earliest_at_epoch_end():
    # Keras runs async-safe batch-end callbacks on worker threads (JAX,
    # PyTorch), where checks can finish out of order.
    model = types.SimpleNamespace(stop_training=False)
    guard = kg.callbacks.TerminateOnNonFinite()
    guard.set_model(model)
    guard.on_train_begin()
    guard.on_epoch_begin(0)
    for batch, loss in [(4, np.nan), (2, np.inf), (3, 1.0)]:  # out of order
        worker = threading.Thread(
            target=guard.on_train_batch_end, args=(batch, {"d_loss": loss})
        )
        worker.start()
        worker.join()
    assert model.stop_training  # nothing raised on the workers
    with pytest.raises(
        kg.callbacks.NonFiniteLossError, match="inf at epoch 1, batch 3"
    ):
        guard.on_epoch_end(0)
    guard.on_epoch_end(1)  # raised once


def test_guard_keeps_batch_end_callbacks_off_the_training_thread(images):
    # A synchronous guard would make Keras wait for every step's losses before
    # running the next step (on a GPU, up to 45% of the throughput).
    threads = set()

    class RecordThread(keras.callbacks.Callback):
        async_safe = True

        def on_train_batch_end(self, batch, logs=None):
            threads.add(threading.get_ident())

    gan = tiny_gan()
    gan.compile()
    gan.fit(images, batch_size=8, verbose=0, callbacks=[RecordThread()])
    thread_safe_backend = keras.backend.backend() in ("jax", "torch")
    assert (threading.get_ident() not in threads) == thread_safe_backend


def test_guard_raises_before_other_epoch_end_callbacks(images):
    from tests.helpers import non_finite_gan

    epochs_ended = []
    checkpoint = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: epochs_ended.append(epoch)
    )
    for callbacks in ([checkpoint], [checkpoint, kg.callbacks.TerminateOnNonFinite()]):
        with pytest.raises(kg.callbacks.NonFiniteLossError, match="batch 1\\b"):
            non_finite_gan().fit(images, batch_size=8, verbose=0, callbacks=callbacks)
    assert epochs_ended == []
