"""Gradient-descent update rules and a learning-rate schedule (chapter 02).

Every optimizer state (velocity, squared-gradient average, moments) is passed in and
returned: nothing is kept inside an object or modified in place.
"""
import numpy as np

__all__ = ["sgd_step", "momentum_step", "rmsprop_step", "adam_step", "lr_time_decay"]


def _as_float(a):
    """``a`` as an array of a floating dtype: float inputs keep theirs, others become float64."""
    a = np.asarray(a)
    return a if a.dtype.kind == "f" else a.astype(np.float64)


def sgd_step(w, dw, lr):
    """One plain gradient-descent step.

    Parameters
    ----------
    w : array_like, any shape
        Parameters.
    dw : array_like, shape of ``w``
        Gradient of the cost with respect to ``w``.
    lr : float
        Learning rate alpha.

    Returns
    -------
    w_new : ndarray, shape of ``w``
        w - lr * dw (a new array; ``w`` is not modified).
    """
    return _as_float(w) - lr * _as_float(dw)


def momentum_step(w, dw, velocity, lr, beta=0.9):
    """One step of gradient descent with momentum (PyTorch's form).

    Parameters
    ----------
    w : array_like, any shape
        Parameters.
    dw : array_like, shape of ``w``
        Gradient.
    velocity : array_like, shape of ``w``
        Velocity v from the previous step; zeros on the first call.
    lr : float
        Learning rate alpha.
    beta : float
        Momentum coefficient.

    Returns
    -------
    w_new : ndarray, shape of ``w``
        w - lr * v_new.
    v_new : ndarray, shape of ``w``
        beta * v + dw.

    Notes
    -----
    Some texts write v = beta * v + (1 - beta) * dw (an exponential average) or fold
    the learning rate into v; with a constant learning rate these differ only by a
    rescaling of lr. This is the ``torch.optim.SGD(momentum=beta)`` form.
    """
    v_new = beta * _as_float(velocity) + _as_float(dw)
    return _as_float(w) - lr * v_new, v_new


def rmsprop_step(w, dw, cache, lr, decay=0.99, eps=1e-8):
    """One RMSprop step.

    Parameters
    ----------
    w : array_like, any shape
        Parameters.
    dw : array_like, shape of ``w``
        Gradient.
    cache : array_like, shape of ``w``
        Running average s of squared gradients from the previous step; zeros at first.
    lr : float
        Learning rate alpha.
    decay : float
        Decay rate rho of the running average.
    eps : float
        Added to the denominator to avoid division by zero.

    Returns
    -------
    w_new : ndarray, shape of ``w``
        w - lr * dw / (sqrt(s_new) + eps).
    s_new : ndarray, shape of ``w``
        decay * s + (1 - decay) * dw^2.

    Notes
    -----
    All operations are element-wise: every parameter gets its own step size.
    eps goes outside the square root, as in PyTorch.
    """
    dw = _as_float(dw)
    s_new = decay * _as_float(cache) + (1 - decay) * dw**2
    return _as_float(w) - lr * dw / (np.sqrt(s_new) + eps), s_new


def adam_step(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step with bias-corrected moment estimates.

    Parameters
    ----------
    w : array_like, any shape
        Parameters.
    dw : array_like, shape of ``w``
        Gradient.
    m, v : array_like, shape of ``w``
        First and second moment estimates from the previous step; zeros at first.
    t : int
        Number of this step, starting at 1.
    lr : float
        Learning rate alpha.
    beta1, beta2 : float
        Decay rates of the first and second moments.
    eps : float
        Added to the denominator to avoid division by zero.

    Returns
    -------
    w_new : ndarray, shape of ``w``
        w - lr * mhat / (sqrt(vhat) + eps) with mhat = m_new / (1 - beta1^t),
        vhat = v_new / (1 - beta2^t).
    m_new : ndarray, shape of ``w``
        beta1 * m + (1 - beta1) * dw.
    v_new : ndarray, shape of ``w``
        beta2 * v + (1 - beta2) * dw^2.

    Notes
    -----
    Return the raw moments m_new and v_new, not the bias-corrected ones: the
    correction is recomputed from t at every step. With t starting at 0 the
    correction divides by 1 - beta^0 = 0. On the first step mhat = dw and
    vhat = dw^2, so every weight moves by about lr * sign(dw).
    """
    if t < 1:
        raise ValueError(f"the step number t starts at 1, got {t}")
    dw = _as_float(dw)
    m_new = beta1 * _as_float(m) + (1 - beta1) * dw
    v_new = beta2 * _as_float(v) + (1 - beta2) * dw**2
    m_hat = m_new / (1 - beta1 ** int(t))
    v_hat = v_new / (1 - beta2 ** int(t))
    return _as_float(w) - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def lr_time_decay(lr0, decay, epoch):
    """Learning rate with inverse-time decay.

    Parameters
    ----------
    lr0 : float
        Initial learning rate.
    decay : float
        Decay rate (>= 0).
    epoch : int or array_like
        Epoch number, starting at 0.

    Returns
    -------
    lr : float (ndarray when ``epoch`` is an array)
        lr0 / (1 + decay * epoch); lr0 at epoch 0.
    """
    return lr0 / (1 + decay * epoch)
