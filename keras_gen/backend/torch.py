"""PyTorch implementation of the adversarial step's gradient layer (autograd)."""

import keras
import torch


def minimize(optimizer, loss_fn, variables):
    """Takes one optimizer step on `variables` for the loss that `loss_fn` returns.

    Same contract as the TensorFlow version. Gradients come from
    `torch.autograd.grad` with respect to `variables` only, so autograd runs
    just the part of the backward pass that reaches them: the generator's
    step does not compute the discriminator's weight gradients, as
    `loss.backward()` would. They are applied under `torch.no_grad()`.
    """
    loss, aux = loss_fn()
    _apply_gradients(optimizer, loss, variables)
    return loss, aux


def minimize_reusing_outputs(optimizer, forward_fn, use_fn, loss_fn, variables):
    """One optimizer step on `variables` for `loss_fn(outputs)`, running
    `outputs = forward_fn()` once and handing it (detached) to `use_fn` first.

    Same contract as the TensorFlow version. `use_fn` may update other
    variables in place: the forward pass's graph does not hold them.
    """
    outputs = forward_fn()
    used = use_fn(keras.tree.map_structure(lambda tensor: tensor.detach(), outputs))
    loss, aux = loss_fn(outputs)
    _apply_gradients(optimizer, loss, variables)
    return used, loss, aux


def _apply_gradients(optimizer, loss, variables):
    variables = list(variables)
    gradients = torch.autograd.grad(
        optimizer.scale_loss(loss),
        [variable.value for variable in variables],
        allow_unused=True,
    )
    with torch.no_grad():
        optimizer.apply(list(gradients), variables)


def input_gradient(fn, x):
    """Returns d sum(fn(x)) / dx with a graph, so an outer backward sees it.

    Gradients are enabled here even where the caller disabled them: Keras runs
    `evaluate()`'s test step under `torch.no_grad()`, and a penalised
    discriminator loss still needs this gradient there.
    """
    with torch.enable_grad():
        x = x.detach().requires_grad_(True)
        (gradient,) = torch.autograd.grad(fn(x).sum(), x, create_graph=True)
    return gradient
