"""PyTorch implementation of the adversarial step's gradient layer (autograd)."""

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


def record(fn, variables):
    """Runs `fn()` for a later `minimize_recorded`; autograd keeps its graph.

    Same contract as the TensorFlow version. Code run between the two calls
    may update other variables in place (the discriminator's): the graph of
    `fn`'s outputs does not hold them.
    """
    outputs = fn()
    return outputs, (list(variables), outputs)


def minimize_recorded(optimizer, recording, loss_fn):
    """One optimizer step for `loss_fn(outputs)` through a recorded pass.

    Same contract as the TensorFlow version.
    """
    variables, outputs = recording
    loss, aux = loss_fn(outputs)
    _apply_gradients(optimizer, loss, variables)
    return loss, aux


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
