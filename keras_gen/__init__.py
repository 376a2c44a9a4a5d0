"""keras_gen: generative image models for Keras 3, trained with compile() and fit().

Example:

```python
import keras_gen as kg

dcgan = kg.DCGAN(image_shape=(28, 28, 1))
dcgan.compile()
# dcgan.fit(images_in_minus_one_to_one, epochs=50)
```
"""

from keras_gen import native_logs

if native_logs.wanted():  # the `keras-gen` command: before TensorFlow loads
    native_logs.install()

from keras_gen import (  # noqa: E402
    augment,
    callbacks,
    conditions,
    data_check,
    datasets,
    distribute,
    evaluation,
    export,
    losses,
    models,
    networks,
    penalties,
    sample_files,
    validation,
    visualization,
)
from keras_gen.models import (  # noqa: E402
    CGAN,
    CVAE,
    DCGAN,
    GAN,
    VAE,
    ConditionalDiffusion,
    CycleGAN,
    Diffusion,
    GenerativeModel,
    Pix2Pix,
)
from keras_gen.sample_files import write_samples  # noqa: E402
from keras_gen.version import __version__  # noqa: E402
from keras_gen.visualization import plot_history  # noqa: E402

__all__ = [
    "CGAN",
    "CVAE",
    "ConditionalDiffusion",
    "CycleGAN",
    "DCGAN",
    "Diffusion",
    "GAN",
    "VAE",
    "GenerativeModel",
    "Pix2Pix",
    "__version__",
    "augment",
    "callbacks",
    "conditions",
    "data_check",
    "datasets",
    "distribute",
    "evaluation",
    "export",
    "losses",
    "models",
    "networks",
    "penalties",
    "plot_history",
    "sample_files",
    "validation",
    "visualization",
    "write_samples",
]
