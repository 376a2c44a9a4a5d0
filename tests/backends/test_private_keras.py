"""The private Keras functions keras_gen/backend/ imports, pinned to the Keras
versions they were checked on.

Keras gives them no public name; a new Keras release may move or change them.
When this test fails on a new release, check each function below against
that release's source, then add the version to CHECKED.
"""

import keras
import pytest

#: Keras versions (major.minor) on which the private functions were checked.
CHECKED = ("3.15", "3.16")


def test_the_installed_keras_was_checked():
    version = ".".join(keras.__version__.split(".")[:2])
    assert version in CHECKED, (
        f"keras_gen/backend/ uses private Keras functions checked on Keras "
        f"{', '.join(CHECKED)}; Keras {keras.__version__} is installed. Check "
        "them (tests/backends/test_private_keras.py), then add the version."
    )


def test_model_supports_jit_still_reads_the_model(monkeypatch):
    if keras.backend.backend() != "tensorflow":
        pytest.skip("imported on TensorFlow only")
    from tensorflow.python.framework import config

    import keras_gen as kg
    from keras_gen.backend.tensorflow import model_supports_jit

    # It reads the model's layers and TensorFlow's op determinism, which the
    # test session turns on (tests/conftest.py): then no model may run under
    # XLA; without it, a model of XLA-ready layers may.
    model = kg.DCGAN(latent_dim=4, base_filters=4)
    assert model_supports_jit(model) is False
    monkeypatch.setattr(config, "is_op_determinism_enabled", lambda: False)
    assert model_supports_jit(model) is True


def test_the_stateless_scope_getter_still_returns_the_active_scope():
    if keras.backend.backend() != "jax":
        pytest.skip("imported on JAX only")
    from keras_gen.backend.jax import get_stateless_scope

    assert get_stateless_scope() is None
    with keras.StatelessScope() as scope:
        assert get_stateless_scope() is scope
