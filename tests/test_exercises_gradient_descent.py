"""Chapter-1 checker: a gradient-descent loop with a gradient-norm stopping rule."""

import re

import numpy as np
import pytest

from gdcourse import exercises, surfaces
from gdcourse.descent import gradient_descent
from gdcourse.exercises.gradient_descent import _descend, _QuadraticGradient


def good(grad, w0, lr, tol, max_steps):
    path = [np.asarray(w0, dtype=float)]
    for _ in range(max_steps):
        g = grad(path[-1])
        if np.linalg.norm(g) < tol:
            break
        path.append(path[-1] - lr * g)
    return np.array(path)


def steps_then_checks(grad, w0, lr, tol, max_steps):
    """Checks the gradient only after stepping: always takes at least one step."""
    path = [w0]
    for _ in range(max_steps):
        path.append(path[-1] - lr * grad(path[-1]))
        if np.linalg.norm(grad(path[-1])) < tol:
            break
    return np.array(path)


def ignores_tol(grad, w0, lr, tol, max_steps):
    path = [w0]
    for _ in range(max_steps):
        path.append(path[-1] - lr * grad(path[-1]))
    return np.array(path)


def one_step_short(grad, w0, lr, tol, max_steps):
    return good(grad, w0, lr, tol, max_steps - 1)


def climbs(grad, w0, lr, tol, max_steps):
    return good(lambda w: -grad(w), w0, lr, tol, max_steps)


def test_a_correct_loop_passes():
    result = exercises.check_descend(good)
    assert result.ok and result.passed == result.total == 5
    assert (
        repr(result)
        == "All 5 cases passed: descend(grad, w0, lr, tol, max_steps) is right."
    )


@pytest.mark.parametrize(
    "wrong, case",
    [
        (steps_then_checks, 3),  # the flat start must take no step
        (ignores_tol, 1),
        (one_step_short, 4),  # only the max_steps cap tells this apart
        (climbs, 1),
    ],
)
def test_each_wrong_loop_fails_at_the_case_that_exposes_it(wrong, case):
    result = exercises.check_descend(wrong)
    assert not result.ok
    assert result.passed == case - 1
    assert result.failure.startswith(f"Case {case}: descend(")


def test_missing_return_and_exceptions_are_reported_in_words():
    result = exercises.check_descend(lambda grad, w0, lr, tol, max_steps: None)
    assert "returned None" in result.failure
    result = exercises.check_descend(
        lambda grad, w0, lr, tol, max_steps: grad(w0) @ np.ones(5)
    )
    assert "raised ValueError" in result.failure
    assert not exercises.check_descend("descend").ok


def test_report_names_the_gradient_and_has_no_addresses():
    text = repr(exercises.check_descend(ignores_tol))
    assert "gradient of x**2" in text
    assert not re.search(r"0x[0-9a-f]+", text)
    assert "the answer has shape" in text


def test_reference_agrees_with_gradient_descent_with_tol():
    A = np.array([[1.0, 0.3], [0.3, 4.0]])
    s = surfaces.quadratic(A)
    grad = _QuadraticGradient("quadratic", A)
    w0 = np.array([2.0, -1.0])
    path = _descend(grad, w0, 0.2, 1e-5, 500)
    run = gradient_descent(s, w0, lr=0.2, steps=500, tol=1e-5)
    assert len(path) == run.stopped_at + 1
    np.testing.assert_allclose(
        path, run.weights[: run.stopped_at + 1], rtol=1e-12, atol=1e-15
    )


def test_reference_edge_cases():
    parabola = _QuadraticGradient("gradient of x**2", [[2.0]])
    assert _descend(parabola, np.array([0.0]), 0.1, 1e-6, 50).shape == (1, 1)
    capped = _descend(parabola, np.array([3.0]), 0.01, 1e-9, 5)
    np.testing.assert_allclose(capped[:, 0], 3.0 * 0.98 ** np.arange(6))
    # x_{k+1} = (1 - 2 lr) x_k; with lr = 0.25 that halves, stopping once |2 x| < 0.1
    np.testing.assert_allclose(
        _descend(parabola, np.array([3.0]), 0.25, 0.1, 100)[:, 0],
        3.0 * 0.5 ** np.arange(7),
    )


def test_quadratic_gradient_is_a_named_linear_map():
    g = _QuadraticGradient("ravine", [[1.0, 0.0], [0.0, 10.0]])
    np.testing.assert_allclose(g(np.array([1.0, 1.0])), [1.0, 10.0])
    assert repr(g) == "ravine"


def test_checker_is_exported():
    assert "check_descend" in exercises.__all__


def diagnosis(result):
    last = repr(result).splitlines()[-1].strip()
    return last if last.startswith("It looks like") else None


def missing_start(grad, w0, lr, tol, max_steps):
    return good(grad, w0, lr, tol, max_steps)[1:]


@pytest.mark.parametrize(
    "wrong, named",
    [
        (climbs, "steps uphill"),
        (ignores_tol, "a run that never stops early"),
        (one_step_short, "a path one step too short"),
        (steps_then_checks, "a path one step too long"),
        (missing_start, "the path is missing its start point"),
    ],
)
def test_descend_names_each_classic_mistake(wrong, named):
    assert named in diagnosis(exercises.check_descend(wrong))


def test_descend_right_answer_text_is_unchanged_and_none_has_no_diagnosis():
    assert diagnosis(exercises.check_descend(good)) is None
    starter = exercises.check_descend(lambda grad, w0, lr, tol, max_steps: None)
    assert repr(starter).endswith("the function returned None (is a `return` missing?)")


@pytest.mark.parametrize(
    "wrong, named",
    [
        (lambda w, grad, lr: w + lr * grad, "a step uphill"),
        (lambda w, grad, lr: w - grad, "a step without the learning rate"),
        (lambda w, grad, lr: -lr * grad, "the step alone, not the new point"),
        (
            lambda w, grad, lr: (w - lr * grad)[:, None],
            "the right numbers in the wrong shape",
        ),
    ],
)
def test_gradient_step_names_each_classic_mistake(wrong, named):
    assert named in diagnosis(exercises.check_gradient_step(wrong))


def _mse(w, X, y):
    return X.T @ (X @ w - y) / len(y)


@pytest.mark.parametrize(
    "wrong, named",
    [
        (lambda w, X, y: X.T @ (X @ w - y), "the expected answer times N"),
        (lambda w, X, y: 2 * _mse(w, X, y), "the expected answer times 2"),
        (lambda w, X, y: _mse(w, X, y) / 2, "the expected answer divided by 2"),
        (lambda w, X, y: X.T @ (y - X @ w) / len(y), "the opposite sign"),
        (
            lambda w, X, y: _mse(w, X, y)[None, :],
            "the right numbers in the wrong shape",
        ),
    ],
)
def test_mse_gradient_names_each_classic_mistake(wrong, named):
    result = exercises.check_mse_gradient(wrong)
    assert not result.ok and named in diagnosis(result)


def test_mse_gradient_right_answer_and_unrecognised_mistake():
    assert repr(exercises.check_mse_gradient(_mse)) == (
        "All 3 cases passed: mse_gradient(w, X, y) is right."
    )
    # the residual squared instead of times the inputs: nothing classic
    odd = exercises.check_mse_gradient(lambda w, X, y: X.T @ (X @ w - y) ** 2 / len(y))
    assert repr(odd).endswith("the numbers differ")


def test_gradient_step_reference_is_the_optimizers_sgd_step():
    from gdcourse.exercises.gradient_descent import _gradient_step

    w, g = np.array([1.0, -2.0, 0.5]), np.array([0.3, 0.1, -4.0])
    np.testing.assert_array_equal(_gradient_step(w, g, 0.25), w - 0.25 * g)
