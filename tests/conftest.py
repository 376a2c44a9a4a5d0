import importlib.util
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

if importlib.util.find_spec("tensorflow"):
    import tensorflow

    # Resume and reproducibility tests compare weights to 1e-5; multi-threaded
    # CPU kernels may sum in a different order from run to run, so use
    # deterministic ones.
    tensorflow.config.experimental.enable_op_determinism()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # One thread per worker: the workers share the machine's cores, and
        # the tests' networks are too small to gain from more.
        tensorflow.config.threading.set_intra_op_parallelism_threads(1)
        tensorflow.config.threading.set_inter_op_parallelism_threads(1)

IMAGE_SHAPE = (8, 8, 1)


@pytest.fixture(autouse=True)
def _seeded():
    """Every test starts from the same global Keras/numpy/TF random state."""
    keras.utils.set_random_seed(0)
    yield
    keras.backend.clear_session()


@pytest.fixture
def float64_policy():
    """On TensorFlow, builds the test's models under the "float64" dtype policy.

    For tests that compare two trainings. In float32, Adam's normalised step turns
    a last-bit difference in a tiny gradient into a step of the learning rate, so
    two runs that sum in a different order can drift apart as far as a resume bug
    would leave them; in float64 such drift stays far below 1e-6. JAX stays in
    float32 (float64 needs jax_enable_x64 at start-up), and so does PyTorch, whose
    float64 CPU convolution refuses Keras' kernels in the VAE.
    """
    if keras.backend.backend() != "tensorflow":
        yield
        return
    keras.config.set_dtype_policy("float64")
    yield
    keras.config.set_dtype_policy("float32")


@pytest.fixture
def tf():
    """TensorFlow, for tests that feed tf.data pipelines. They skip where it is
    not installed (a JAX or PyTorch GPU machine), as everything else runs there."""
    return pytest.importorskip("tensorflow")


@pytest.fixture
def images():
    """32 tiny images in [-1, 1]."""
    rng = np.random.default_rng(0)
    return rng.uniform(-1, 1, (32,) + IMAGE_SHAPE).astype("float32")


@pytest.fixture
def labels():
    return np.random.default_rng(1).integers(0, 3, 32).astype("int32")
