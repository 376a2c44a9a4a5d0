"""keras_gen: generative image models for Keras 3, trained with compile() and fit().

Example:

```python
import keras_gen as kg

dcgan = kg.DCGAN(image_shape=(28, 28, 1))
dcgan.compile()
# dcgan.fit(images_in_minus_one_to_one, epochs=50)
```
"""

from keras_gen import (
    callbacks,
    datasets,
    distribute,
    evaluation,
    export,
    losses,
    models,
    networks,
    validation,
    visualization,
)
from keras_gen.models import CGAN, CVAE, DCGAN, GAN, VAE, GenerativeModel
from keras_gen.visualization import plot_history

__version__ = "0.1.0"

__all__ = [
    "CGAN",
    "CVAE",
    "DCGAN",
    "GAN",
    "VAE",
    "GenerativeModel",
    "callbacks",
    "datasets",
    "distribute",
    "evaluation",
    "export",
    "losses",
    "models",
    "networks",
    "plot_history",
    "validation",
    "visualization",
]
