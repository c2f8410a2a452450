"""Reference implementations of every function in the course API, importable flat.

One module per concept, by chapter::

    01 losses            05 initializers     09 dropout
    02 optimizers,       06 relu_variants    10 tuning
       minibatch         07 batchnorm        11 error_analysis
    03 layers, activations, gradcheck, mlp
    04 saturation, clipping                  08 regularization, early_stopping

These are the ground truth of the autograder and the solution code of the notebooks.
"""
from .losses import (
    binary_cross_entropy, l1_loss, l2_loss, mse_loss, sigmoid_bce_with_logits, softmax,
    softmax_cross_entropy,
)
from .optimizers import adam_step, lr_time_decay, momentum_step, rmsprop_step, sgd_step
from .minibatch import iterate_minibatches, minibatch_sgd
from .layers import affine_backward, affine_forward
from .activations import (
    relu_backward, relu_forward, sigmoid_backward, sigmoid_forward, tanh_backward, tanh_forward,
)
from .gradcheck import numerical_gradient, numerical_gradient_array, relative_error
from .mlp import mlp_forward, mlp_loss
from .saturation import gradient_norms, saturation_fraction
from .clipping import clip_grad_norm, clip_grad_value
from .initializers import (
    he_normal, he_uniform, init_mlp_params, lecun_normal, random_init, xavier_normal,
    xavier_uniform, zeros_init,
)
from .relu_variants import (
    elu_backward, elu_forward, leaky_relu_backward, leaky_relu_forward, prelu_backward,
    prelu_forward, rrelu_backward, rrelu_forward, selu_backward, selu_forward,
    softplus_backward, softplus_forward,
)
from .batchnorm import batchnorm_backward, batchnorm_forward
from .regularization import l1_penalty, l2_penalty
from .early_stopping import EarlyStopping
from .dropout import dropout_backward, dropout_forward
from .tuning import grid_search, log_uniform, random_search
from .error_analysis import (
    bias_variance_report, confusion_matrix, precision_recall_f1, train_dev_test_split,
)
from .capstone import train_capstone

__all__ = [
    # 01 losses
    "l1_loss", "l2_loss", "mse_loss", "binary_cross_entropy", "sigmoid_bce_with_logits",
    "softmax", "softmax_cross_entropy",
    # 02 stochastic gradient descent
    "iterate_minibatches", "sgd_step", "momentum_step", "rmsprop_step", "adam_step",
    "lr_time_decay", "minibatch_sgd",
    # 03 backpropagation
    "affine_forward", "affine_backward", "sigmoid_forward", "sigmoid_backward",
    "tanh_forward", "tanh_backward", "relu_forward", "relu_backward",
    "numerical_gradient", "numerical_gradient_array", "relative_error",
    "mlp_forward", "mlp_loss",
    # 04 saturation
    "saturation_fraction", "gradient_norms", "clip_grad_value", "clip_grad_norm",
    # 05 initialization
    "zeros_init", "random_init", "xavier_uniform", "xavier_normal", "he_uniform",
    "he_normal", "lecun_normal", "init_mlp_params",
    # 06 ReLU variants
    "leaky_relu_forward", "leaky_relu_backward", "prelu_forward", "prelu_backward",
    "rrelu_forward", "rrelu_backward", "elu_forward", "elu_backward",
    "selu_forward", "selu_backward", "softplus_forward", "softplus_backward",
    # 07 batch normalization
    "batchnorm_forward", "batchnorm_backward",
    # 08 regularization
    "l2_penalty", "l1_penalty", "EarlyStopping",
    # 09 dropout
    "dropout_forward", "dropout_backward",
    # 10 hyperparameter tuning
    "log_uniform", "grid_search", "random_search",
    # 11 error analysis
    "train_dev_test_split", "bias_variance_report", "confusion_matrix", "precision_recall_f1",
    # 12 capstone
    "train_capstone",
]
