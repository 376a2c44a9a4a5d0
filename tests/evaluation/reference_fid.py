"""torch-fidelity's FID Inception network and resize, the reference of the exactness tests.

torch-fidelity is a test dependency (`.ci/run` installs it with
`--no-deps`): its package `__init__` imports torchvision, which the CPU build
of PyTorch here cannot load, so its network module and resize are imported
without running the package `__init__`.
"""

import importlib.util
import sys
import types

import numpy as np
import pytest


def torch_fidelity_module(name):
    """`torch_fidelity.<name>`, imported without the package's `__init__`;
    skips the test where torch or torch-fidelity is not installed."""
    pytest.importorskip("torch")
    if "torch_fidelity" not in sys.modules:
        spec = importlib.util.find_spec("torch_fidelity")
        if spec is None:
            pytest.skip(
                "torch-fidelity is not installed (pip install --no-deps torch-fidelity)"
            )
        package = types.ModuleType("torch_fidelity")
        package.__spec__ = spec
        package.__path__ = list(spec.submodule_search_locations)
        sys.modules["torch_fidelity"] = package
    return importlib.import_module(f"torch_fidelity.{name}")


def write_random_weights(path, shapes, seed=0):
    """A state-dict file of `{key: shape}` with random weights (He-scaled
    convolutions, batch norms near identity), written by `torch.save`."""
    torch = pytest.importorskip("torch")
    generator = torch.Generator().manual_seed(seed)

    def uniform(shape, low, high):
        return torch.rand(shape, generator=generator) * (high - low) + low

    state = {}
    for key, shape in shapes.items():
        if key.endswith("conv.weight"):
            fan_in = int(np.prod(shape[1:]))
            state[key] = torch.randn(shape, generator=generator) * (2.0 / fan_in) ** 0.5
        elif key.endswith(("running_var", "bn.weight")):
            state[key] = uniform(shape, 0.75, 1.25)
        elif key.endswith(("running_mean", "bn.bias")):
            state[key] = torch.randn(shape, generator=generator) * 0.1
        else:  # the output layer
            state[key] = torch.randn(shape, generator=generator) * 0.02
    torch.save(state, path)
    return state
