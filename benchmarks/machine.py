"""One line that says what a benchmark ran on, for the first line of its output.

Timings on a CPU depend on whether TensorFlow runs its convolutions with oneDNN:
on Linux, TensorFlow turns oneDNN on by itself only on CPUs with VNNI, AVX-512
BF16 or AMX instructions, and `TF_ENABLE_ONEDNN_OPTS=1` turns it on elsewhere.
On the project's 2-core AVX2 machine that made the DCGAN's step about 1.6 times
cheaper in CPU time (docs/guides/scale.md), so the line says which.
"""

import os

import keras


def device_name():
    """The accelerator the backend trains on, or 'CPU'."""
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        device = jax.devices()[0]
        return "CPU" if device.platform == "cpu" else device.device_kind
    if backend == "torch":
        import torch

        return torch.cuda.get_device_name() if torch.cuda.is_available() else "CPU"
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return f"CPU ({onednn_state()})"
    return tf.config.experimental.get_device_details(gpus[0]).get("device_name", "GPU")


def onednn_state():
    """'oneDNN on' or 'oneDNN off' for TensorFlow's CPU kernels in this process."""
    try:  # TensorFlow's own answer, which also knows its default for this CPU.
        from tensorflow.python.util import _pywrap_util_port

        enabled = _pywrap_util_port.IsMklEnabled()
    except (ImportError, AttributeError):
        return (
            f"TF_ENABLE_ONEDNN_OPTS={os.environ.get('TF_ENABLE_ONEDNN_OPTS', 'unset')}"
        )
    return "oneDNN on" if enabled else "oneDNN off"


def describe():
    """'tensorflow, keras 3.x, CPU (oneDNN off), 2 CPU cores' and the like."""
    return (
        f"{keras.backend.backend()}, keras {keras.__version__}, {device_name()}, "
        f"{os.cpu_count()} CPU cores"
    )
