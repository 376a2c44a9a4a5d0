"""PyTorch implementation of the adversarial step's gradient layer (autograd)."""

import torch


def minimize(optimizer, loss_fn, variables):
    """Takes one optimizer step on `variables` for the loss that `loss_fn` returns.

    Same contract as the TensorFlow version: gradients come from
    `loss.backward()`, cleared on `variables` first, and are applied under
    `torch.no_grad()`.
    """
    variables = list(variables)
    for variable in variables:
        variable.value.grad = None
    loss, aux = loss_fn()
    optimizer.scale_loss(loss).backward()
    gradients = [variable.value.grad for variable in variables]
    with torch.no_grad():
        optimizer.apply(gradients, variables)
    return loss, aux


def input_gradient(fn, x):
    """Returns d sum(fn(x)) / dx with a graph, so an outer backward sees it."""
    x = x.detach().requires_grad_(True)
    (gradient,) = torch.autograd.grad(fn(x).sum(), x, create_graph=True)
    return gradient
