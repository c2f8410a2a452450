"""Chapter 08, regularization: what is graded and the mistakes we recognise.

Two chapter-specific comparators live here: :class:`PenaltyCalls` (the generic
same-values comparison, with messages that name the penalty or the weight array at
fault) and :class:`EarlyStoppingTrace` (the update-by-update record of an
``EarlyStopping`` object against the reference's, on sequences worked out by hand).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..compare import UNREADABLE, EachCall, gradient_consistent, purity, values_match
from ..mistakes import ch08 as m
from .base import Check, FunctionSpec, Mistake


@dataclass(frozen=True)
class PenaltyCalls(EachCall):
    """Each call returns ``(penalty, grads)`` equal to the reference's."""

    rtol: float = 1e-6
    atol: float = 1e-12

    def judge(self, a, e, label) -> str:
        out, exp = a.get("out"), e["out"]
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            return f"on {label} it should return a tuple (penalty, grads)"
        ok, msg = values_match(out[0], exp[0], self.rtol, self.atol, "the penalty")
        if not ok:
            return f"on {label}, {msg}"
        grads = out[1]
        if not isinstance(grads, (tuple, list)) or len(grads) != len(exp[1]):
            return f"on {label}, grads should be a list of {len(exp[1])} arrays, one per weight array"
        for k, (g, ge) in enumerate(zip(grads, exp[1])):
            ok, msg = values_match(g, ge, self.rtol, self.atol, f"the gradient of weight array {k + 1}")
            if not ok:
                return f"on {label}, {msg}"
        return ""


_FIELD_WORDS = {
    "best_loss": "best_loss",
    "best_epoch": "best_epoch (the 0-based index of the best update)",
    "best_params": "best_params",
}


@dataclass(frozen=True)
class EarlyStoppingTrace(EachCall):
    """An ``EarlyStopping`` object's record, update by update, equals the reference's.

    ``fields`` are the recorded quantities to compare (``stop``: what ``update``
    returned; ``best_loss``, ``best_epoch``, ``best_params``: the attributes after each
    update). ``mutated`` flags are checked too when ``best_params`` is compared.
    """

    fields: tuple[str, ...]

    def judge(self, a, e, label) -> str:
        out, exp = a.get("out"), e["out"]
        if not isinstance(out, dict) or any(not isinstance(out.get(f), list) or len(out[f]) != len(exp[f]) for f in self.fields):
            return UNREADABLE
        if "best_params" in self.fields and a.get("mutated"):
            return f"on {label}, update() modifies the parameters it is given; leave them unchanged"
        n = len(exp[self.fields[0]])
        for i in range(n):
            for f in self.fields:
                ok, msg = self._entry(f, out[f][i], exp[f][i], i, n, label)
                if not ok:
                    return msg
        return ""

    @staticmethod
    def _entry(field, got, want, i, n, label) -> tuple[bool, str]:
        if field == "stop":
            if not isinstance(got, bool):
                return False, f"on {label}, update() should return True or False but update {i} returned {got!r}"
            if got != want:
                return False, f"on {label}, update {i} (counting from 0) returned {got}, expected {want}"
            return True, ""
        if want is None:  # not recorded (no finite loss seen yet)
            return True, ""
        when = (f"after update {i} (counting from 0)" if not (field == "best_params" and i == n - 1)
                else "after the caller changed its arrays in place once more, following the last update,")
        if field == "best_epoch":
            if isinstance(got, bool) or not isinstance(got, int) or got != want:
                return False, f"on {label}, {when} {_FIELD_WORDS[field]} is {got!r}, expected {want}"
            return True, ""
        ok, msg = values_match(got, want, 1e-12, 1e-12, _FIELD_WORDS[field])
        return ok, ("" if ok else f"on {label}, {when} {msg}")


def _penalty_checks(name: str, zeros: bool = False) -> tuple[Check, ...]:
    checks = [
        Check("penalty and gradients match on lists of 1 to 3 weight arrays (a (1, k) row, odd sizes, a vector, lam = 0)",
              f"{name}.values", PenaltyCalls(), 3),
        Check("the gradients match centred finite differences of the penalty", f"{name}.gradient", gradient_consistent, 1, False),
        Check("inputs are left unchanged and outputs are new arrays", f"{name}.values", purity, 0.5, False),
    ]
    if zeros:
        checks.insert(1, Check("the subgradient is 0 at weights that are exactly 0 (sign(0) = 0)", f"{name}.zeros", PenaltyCalls(), 1))
    return tuple(checks)


FUNCTIONS = {
    "l2_penalty": FunctionSpec(2, _penalty_checks("l2_penalty"), (
        Mistake("The L2 penalty is lam/(2m) * sum ||W||^2: you left out the 1/2 (it is there so that the gradient is lam/m * W).",
                {"l2_penalty": m.l2_without_half}),
        Mistake("Penalty and gradient are both twice too large: the penalty is lam/(2m) * sum ||W||^2, whose gradient is lam/m * W.",
                {"l2_penalty": m.l2_without_half_differentiated}),
        Mistake("The 1/2 cancels against the 2 of d(w^2)/dw: the gradient is lam/m * W, not lam/(2m) * W.",
                {"l2_penalty": m.l2_half_in_gradient}),
        Mistake("Divide lam by m, the number of training examples: the penalty is lam/(2m) * sum ||W||^2 and the gradient lam/m * W.",
                {"l2_penalty": m.l2_lam_not_over_m}),
        Mistake("||W||_F^2 is the sum of the squared weights; np.linalg.norm(W) is its square root, so square it.",
                {"l2_penalty": m.l2_norm_not_squared}),
    )),
    "l1_penalty": FunctionSpec(2, _penalty_checks("l1_penalty", zeros=True), (
        Mistake("W / |W| is nan where a weight is exactly 0 (0 / 0): use np.sign(W), which gives the subgradient 0 there.",
                {"l1_penalty": m.l1_divide_by_abs}),
        Mistake("The derivative of |w| is sign(w), not 1: the gradient is lam/m * sign(W), negative for negative weights.",
                {"l1_penalty": m.l1_without_sign}),
        Mistake("Divide lam by m, the number of training examples: the penalty is lam/m * sum |W| and the gradient lam/m * sign(W).",
                {"l1_penalty": m.l1_lam_not_over_m}),
        Mistake("The L1 penalty is lam/m * sum |W|, without the 1/2 of the L2 penalty.", {"l1_penalty": m.l1_half_from_l2}),
    )),
    "EarlyStopping": FunctionSpec(3, (
        Check("update returns True once `patience` updates in a row bring no improvement, True again while none comes, "
              "False after an improvement", "EarlyStopping.stop", EarlyStoppingTrace(("stop",)), 1.5),
        Check("best_loss and best_epoch (0-based) follow the best update", "EarlyStopping.best",
              EarlyStoppingTrace(("best_loss", "best_epoch")), 1),
        Check("min_delta: only a decrease larger than min_delta counts as an improvement", "EarlyStopping.min_delta",
              EarlyStoppingTrace(("stop", "best_loss", "best_epoch")), 1),
        Check("a NaN loss never counts as an improvement", "EarlyStopping.nan",
              EarlyStoppingTrace(("stop", "best_loss", "best_epoch")), 0.5),
        Check("best_params is a deep copy of the parameters of the best update (the caller changes its arrays in place)",
              "EarlyStopping.params", EarlyStoppingTrace(("best_params",)), 1),
    ), (
        Mistake("best_params shares its arrays with the parameters you were given, which the optimizer keeps changing "
                "in place: store copy.deepcopy(params).", {"EarlyStopping": m.ShallowCopy}),
        Mistake("best_params must hold the parameters of the best update; you store them at every update.",
                {"EarlyStopping": m.CopiesEveryUpdate}),
        Mistake("You stop one update too late: return True as soon as `patience` updates in a row brought no improvement.",
                {"EarlyStopping": m.StopsOneLate}),
        Mistake("You stop one update too early: return True only after `patience` updates in a row without improvement.",
                {"EarlyStopping": m.StopsOneEarly}),
        Mistake("best_epoch is the 0-based index of the best update: the first call to update is epoch 0.",
                {"EarlyStopping": m.OneBasedEpoch}),
        Mistake("An improvement is val_loss < best_loss - min_delta; with + min_delta a slightly worse loss counts as one.",
                {"EarlyStopping": m.MinDeltaWrongSide}),
        Mistake("An improvement must be strictly larger than min_delta: use val_loss < best_loss - min_delta, not <= "
                "(with min_delta = 0 an equal loss is not an improvement).", {"EarlyStopping": m.NotStrictlyBetter}),
        Mistake("Compare each loss with the best loss so far, not with the previous update's loss.",
                {"EarlyStopping": m.ComparesWithPrevious}),
        Mistake("Keep counting after returning True: update must return True again while there is no improvement, "
                "so don't reset the counter when you stop.", {"EarlyStopping": m.ResetsAfterStopping}),
        Mistake("Reset the count of updates without improvement to 0 whenever the loss improves: patience counts "
                "consecutive updates.", {"EarlyStopping": m.NeverResets}),
    )),
}
