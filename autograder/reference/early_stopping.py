"""Early stopping on the validation (dev) loss (chapter 08)."""
import numpy as np

__all__ = ["EarlyStopping"]


class EarlyStopping:
    """Stop training when the validation loss has stopped improving.

    Call :meth:`update` once per epoch (or per evaluation) with the validation loss
    and the current parameters; it returns True when training should stop.

    An update is an *improvement* when ``val_loss < best_loss - min_delta``. Training
    should stop when ``patience`` consecutive updates brought no improvement.

    Parameters
    ----------
    patience : int, default 5
        Number of consecutive updates without improvement after which ``update``
        returns True (``patience >= 1``).
    min_delta : float, default 0.0
        Smallest decrease of the loss that counts as an improvement (``>= 0``).

    Attributes
    ----------
    best_loss : float
        Lowest validation loss seen so far (``inf`` before the first update).
    best_epoch : int or None
        0-based index of the update that gave ``best_loss`` (the first update has
        index 0); ``None`` before the first update.
    best_params : object or None
        A deep copy (``copy.deepcopy``) of the ``params`` passed at the best update;
        ``None`` before the first update. Later changes to the caller's parameters do
        not affect it.
    n_updates : int
        Number of calls to ``update`` so far.
    bad_updates : int
        Number of consecutive updates without improvement (0 right after one).

    Notes
    -----
    - The first finite loss is always an improvement (it beats ``inf``).
    - A NaN loss is never an improvement (every comparison with NaN is False).
    - The object keeps tracking after it first returns True: it returns True again
      while there is no improvement, and False again after an improvement. Restore
      ``best_params`` when you stop: they are the weights of the best epoch, not the last.
    - Take a *deep* copy: a shallow copy of a dict of arrays shares the arrays, which
      the optimizer then keeps changing in place.
    """

    def __init__(self, patience=5, min_delta=0.0):
        if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)) or patience < 1:
            raise ValueError(f"patience must be an integer >= 1, got {patience!r}")
        if not min_delta >= 0:
            raise ValueError(f"min_delta must be >= 0, got {min_delta!r}")
        self.patience = int(patience)
        self.min_delta = float(min_delta)
        self.best_loss = float("inf")
        self.best_epoch = None
        self.best_params = None
        self.n_updates = 0
        self.bad_updates = 0

    def update(self, val_loss, params):
        """Record one validation loss; return True when training should stop.

        Parameters
        ----------
        val_loss : float
            The validation (dev) loss of this epoch.
        params : object
            The current parameters (e.g. a dict of arrays); deep-copied when this
            update is the best so far.

        Returns
        -------
        stop : bool
            True when the last ``patience`` updates (this one included) brought no
            improvement, i.e. ``bad_updates >= patience``.
        """
        import copy

        val_loss = float(val_loss)
        epoch = self.n_updates
        self.n_updates += 1
        if val_loss < self.best_loss - self.min_delta:
            self.best_loss = val_loss
            self.best_epoch = epoch
            self.best_params = copy.deepcopy(params)
            self.bad_updates = 0
        else:
            self.bad_updates += 1
        return self.bad_updates >= self.patience
