"""keras_gen imports and trains where TensorFlow is not installed (JAX or PyTorch)."""

import importlib.util
import os
import subprocess
import sys

import pytest

from tests.helpers import ROOT

# Run in a fresh process in which `import tensorflow` fails as if it were not
# installed.
WITHOUT_TENSORFLOW = """
import sys
sys.modules["tensorflow"] = None

import numpy as np
import keras_gen as kg

model = kg.DCGAN(image_shape=(8, 8, 1), latent_dim=4, base_filters=4)
model.compile()
images = np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 1)).astype("float32")
history = model.fit(images, batch_size=8, epochs=1, verbose=0)
print("trained", sorted(history.history))
try:
    kg.datasets
except ImportError as error:
    print("datasets:", error)
"""


@pytest.mark.skipif(
    importlib.util.find_spec("jax") is None, reason="needs JAX installed"
)
def test_models_train_without_tensorflow_and_datasets_say_what_is_missing():
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_TENSORFLOW],
        cwd=ROOT,
        env=dict(os.environ, KERAS_BACKEND="jax"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "trained ['d_loss', 'fake_score', 'g_loss', 'real_score']" in result.stdout
    # The tf.data helpers are the part that needs TensorFlow; they load on use.
    assert "datasets: import of tensorflow halted" in result.stdout


def test_datasets_load_on_first_use():
    import keras_gen as kg

    assert "datasets" in dir(kg)
    assert kg.datasets.mnist is sys.modules["keras_gen.datasets"].mnist
    with pytest.raises(AttributeError, match="no attribute 'no_such_thing'"):
        getattr(kg, "no_such_thing")  # noqa: B009
