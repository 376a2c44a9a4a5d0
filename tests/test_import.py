"""keras_gen imports and trains where TensorFlow is not installed (JAX or PyTorch)."""

import importlib.util
import os
import subprocess
import sys

import pytest

from tests.helpers import ROOT

pytestmark = pytest.mark.slow

# Run in a fresh process in which `import tensorflow` fails as if it were not
# installed.
WITHOUT_TENSORFLOW = """
import sys
sys.modules["tensorflow"] = None

import numpy as np
import keras_gen as kg

model = kg.DCGAN(image_shape=(28, 28, 1), latent_dim=4, base_filters=4)
model.compile()
images = np.random.default_rng(0).uniform(-1, 1, (16, 28, 28, 1)).astype("float32")
history = model.fit(images, batch_size=8, epochs=1, verbose=0)
print("trained", sorted(history.history))

# Evaluation scores against the MNIST test split shipped with keras_gen.
scores = kg.evaluation.evaluate(model, num_samples=64, evaluator=kg.evaluation.Evaluator())
print("scored", sorted(scores))
images, labels = kg.datasets.mnist_sources.bundled("test")
print("bundled", images.shape, labels.shape)
try:
    kg.datasets.mnist(batch_size=8)
except ImportError as error:
    print("mnist:", error)
"""


@pytest.mark.skipif(
    importlib.util.find_spec("jax") is None, reason="needs JAX installed"
)
def test_models_train_and_evaluate_without_tensorflow_and_pipelines_say_what_is_missing():
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
    assert "scored ['class_coverage', 'classifier_score', 'coverage', 'density', " in (
        result.stdout
    )
    assert "'frechet_distance', 'frechet_distance_high', " in result.stdout
    assert "bundled (10000, 28, 28) (10000,)" in result.stdout
    # Building a tf.data pipeline is the part that needs TensorFlow.
    assert "mnist: keras_gen's dataset loaders build tf.data pipelines and need " in (
        result.stdout
    )
