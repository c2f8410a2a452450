"""The course's chapters: ids, slugs, titles and the API names each one grades.

This is the one table that ties together the book pages (``book/<id>_<slug>.md``), the
nbgrader assignments (``solutions/<id>/<slug>.ipynb`` and ``exercises/<id>/<slug>.ipynb``)
and the checks (``autograder.checks.judges``). The names and their order follow
``course-api.md``.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Chapter:
    id: str
    slug: str
    title: str
    names: tuple[str, ...]

    @property
    def notebook(self) -> str:
        """Notebook file name inside the assignment folder."""
        return f"{self.slug}.ipynb"

    @property
    def page(self) -> str:
        """Book page path (without suffix) relative to the repository root."""
        return f"book/{self.id}_{self.slug}"


CHAPTERS: tuple[Chapter, ...] = (
    Chapter("01", "losses", "Loss and cost functions", (
        "l1_loss", "l2_loss", "mse_loss", "binary_cross_entropy", "sigmoid_bce_with_logits",
        "softmax", "softmax_cross_entropy")),
    Chapter("02", "sgd", "Stochastic gradient descent", (
        "iterate_minibatches", "sgd_step", "momentum_step", "rmsprop_step", "adam_step",
        "lr_time_decay", "minibatch_sgd")),
    Chapter("03", "backprop", "Backpropagation", (
        "affine_forward", "affine_backward", "sigmoid_forward", "sigmoid_backward",
        "tanh_forward", "tanh_backward", "relu_forward", "relu_backward",
        "numerical_gradient", "numerical_gradient_array", "relative_error",
        "mlp_forward", "mlp_loss")),
    Chapter("04", "saturation", "Unit saturation, vanishing and exploding gradients", (
        "saturation_fraction", "gradient_norms", "clip_grad_value", "clip_grad_norm")),
    Chapter("05", "initialization", "Weight initialization", (
        "zeros_init", "random_init", "xavier_uniform", "xavier_normal", "he_uniform",
        "he_normal", "lecun_normal", "init_mlp_params")),
    Chapter("06", "relu", "ReLU and its variants", (
        "leaky_relu_forward", "leaky_relu_backward", "prelu_forward", "prelu_backward",
        "rrelu_forward", "rrelu_backward", "elu_forward", "elu_backward",
        "selu_forward", "selu_backward", "softplus_forward", "softplus_backward")),
    Chapter("07", "batchnorm", "Batch normalization", ("batchnorm_forward", "batchnorm_backward")),
    Chapter("08", "regularization", "Regularization", ("l2_penalty", "l1_penalty", "EarlyStopping")),
    Chapter("09", "dropout", "Dropout", ("dropout_forward", "dropout_backward")),
    Chapter("10", "tuning", "Hyperparameter tuning", ("log_uniform", "grid_search", "random_search")),
    Chapter("11", "error_analysis", "Error analysis", (
        "train_dev_test_split", "bias_variance_report", "confusion_matrix", "precision_recall_f1")),
    Chapter("12", "capstone", "Putting it together: the capstone", ("train_capstone",)),
)

BY_ID = {c.id: c for c in CHAPTERS}
API_NAMES: tuple[str, ...] = tuple(n for c in CHAPTERS[:11] for n in c.names)


def chapter(cid: str) -> Chapter:
    """The chapter with id ``cid`` ("01" ... "12"), or a clear error."""
    try:
        return BY_ID[cid]
    except KeyError:
        raise KeyError(f"no chapter {cid!r}; chapters are {', '.join(BY_ID)}") from None
