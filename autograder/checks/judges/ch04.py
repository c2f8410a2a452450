"""Chapter 04, saturation and gradient clipping: what is graded and the mistakes we recognise."""
from __future__ import annotations

from ..compare import PurityNamed, purity, same_calls
from ..mistakes import ch04 as m
from .base import Check, FunctionSpec, Mistake

# The clipping functions imitate PyTorch's in-place ``clip_grad_*_``: doing it in place
# (or handing back the caller's arrays) is the mistake worth naming (see PurityNamed).
CLIP_VALUE_IN_PLACE = (
    "You clip the caller's arrays in place (np.clip with out=, or assigning into g): "
    "this function must leave its inputs unchanged and return new arrays."
)
CLIP_VALUE_ALIASED = "You return the caller's own arrays: return new, clipped arrays."
CLIP_NORM_IN_PLACE = (
    "You scale the caller's arrays in place, as PyTorch's clip_grad_norm_ does; this function "
    "must work on copies and leave its inputs unchanged."
)
CLIP_NORM_ALIASED = (
    "When no clipping is needed you return the caller's own arrays; return copies, so that a "
    "later in-place update of the result cannot change the inputs."
)
CLIP_NORM_AT_BOUNDARY = (
    "Scale whenever max_norm / (total + 1e-6) < 1, as PyTorch does: a total norm equal to max_norm "
    "is still scaled, by max_norm / (max_norm + 1e-6)."
)
CLIP_NORM_NO_EPS = (
    "The coefficient is max_norm / (total + 1e-6), not max_norm / total: the 1e-6 matters for small "
    "norms and keeps all-zero gradients from dividing by zero."
)

FUNCTIONS = {
    "saturation_fraction": FunctionSpec(2, (
        Check("fractions match on random pre-activations (sigmoid, tanh, relu; 1-D, 2-D and 3-D)",
              "saturation_fraction.values", same_calls(), 3),
        Check("threshold edges: strictly below threshold * max derivative; ReLU saturated at z <= 0",
              "saturation_fraction.edges", same_calls(), 1),
        Check("stable for |z| up to 1e4, without overflow warnings", "saturation_fraction.extreme", same_calls(), 1),
        Check("the pre-activations are left unchanged", "saturation_fraction.values", purity, 0.5, False),
    ), (
        Mistake("The sigmoid's largest derivative is 1/4 (at z = 0), not 1: compare s'(z) with threshold / 4.",
                {"saturation_fraction": m.saturation_sigmoid_max_one}),
        Mistake("Compare with the activation's maximum derivative (1/4 for sigmoid, 1 for tanh and ReLU), "
                "not with the largest derivative in your sample.",
                {"saturation_fraction": m.saturation_sample_max}),
        Mistake("A unit is saturated when its derivative g'(z) is small, not when its output is close to a bound: "
                "compare g'(z) with threshold times the largest derivative.",
                {"saturation_fraction": m.saturation_from_outputs}),
        Mistake("Saturated means strictly below threshold * max derivative (use <, not <=).",
                {"saturation_fraction": m.saturation_less_equal}),
        Mistake("ReLU's derivative at exactly z = 0 is 0 (the x <= 0 branch), so z = 0 counts as saturated: use z <= 0.",
                {"saturation_fraction": m.saturation_relu_strict_negative}),
        Mistake("1 / (1 + exp(-z)) overflows for z = -1e4; compute the derivative from e = exp(-|z|), "
                "e.g. s'(z) = e / (1 + e)^2.",
                {"saturation_fraction": m.saturation_naive_sigmoid}),
    )),
    "gradient_norms": FunctionSpec(1, (
        Check("norms match on random gradient dicts (matrices, vectors, a 0-d array)",
              "gradient_norms.values", same_calls(), 2),
        Check("the gradients are left unchanged", "gradient_norms.values", purity, 0.5, False),
    ), (
        Mistake("You return the sum of squares: the Frobenius norm is its square root.", {"gradient_norms": m.norms_squared}),
        Mistake("np.linalg.norm(G, 2) of a matrix is its largest singular value; the Frobenius norm is "
                "np.linalg.norm(G) or sqrt(sum(G**2)).", {"gradient_norms": m.norms_spectral}),
    )),
    "clip_grad_value": FunctionSpec(1, (
        Check("entries clipped to [-clip_value, clip_value] on random gradient dicts",
              "clip_grad_value.values", same_calls(), 2),
        Check("inputs are left unchanged and the clipped arrays are new",
              "clip_grad_value.values", PurityNamed(CLIP_VALUE_IN_PLACE, CLIP_VALUE_ALIASED), 1, False),
    ), (
        Mistake("Clip both sides: entries below -clip_value become -clip_value.", {"clip_grad_value": m.clip_value_upper_only}),
        Mistake("Clipping by value caps each entry separately; rescaling a whole array is clipping by norm.",
                {"clip_grad_value": m.clip_value_rescale}),
        Mistake(CLIP_VALUE_IN_PLACE, {"clip_grad_value": m.clip_value_in_place}),
    )),
    "clip_grad_norm": FunctionSpec(3, (
        Check("gradients above max_norm are scaled by one global factor; the norm before clipping is returned",
              "clip_grad_norm.clipped", same_calls(rtol=1e-9, atol=1e-15), 3),
        Check("gradients within max_norm come back unchanged", "clip_grad_norm.kept", same_calls(rtol=1e-9, atol=1e-15), 1),
        Check("as PyTorch at the boundary: a total norm equal to max_norm is scaled by max_norm / (total + 1e-6)",
              "clip_grad_norm.boundary", same_calls(rtol=1e-9, atol=1e-15), 0.5),
        Check("all-zero gradients come back unchanged with norm 0, without division warnings",
              "clip_grad_norm.zeros", same_calls(), 0.5),
        Check("inputs are left unchanged and the returned arrays are new (clipped or not)",
              "clip_grad_norm.purity", PurityNamed(CLIP_NORM_IN_PLACE, CLIP_NORM_ALIASED), 1, False),
    ), (
        Mistake("Use one global norm over all arrays together (the square root of the sum of every squared entry), "
                "not one norm per array: clipping must keep the direction of the whole gradient.",
                {"clip_grad_norm": m.clip_norm_per_array}),
        Mistake("Scale only when max_norm / (total + 1e-6) < 1: gradients whose norm is within max_norm come back unchanged.",
                {"clip_grad_norm": m.clip_norm_always_scale}),
        Mistake("Return the total norm measured before clipping (as PyTorch does), not the norm of the clipped gradients.",
                {"clip_grad_norm": m.clip_norm_returns_clipped_norm}),
        Mistake(CLIP_NORM_AT_BOUNDARY, {"clip_grad_norm": m.clip_norm_compares_norms}),
        Mistake(CLIP_NORM_NO_EPS, {"clip_grad_norm": m.clip_norm_without_eps}),
        Mistake(CLIP_NORM_IN_PLACE, {"clip_grad_norm": m.clip_norm_in_place}),
        Mistake(CLIP_NORM_ALIASED, {"clip_grad_norm": m.clip_norm_returns_inputs}),
    )),
}
