"""Chapter-9 checker: Adam's first update, against gdcourse.optimizers.adam."""

import numpy as np
import pytest

from gdcourse import descent, exercises, optimizers, surfaces
from gdcourse.exercises import adaptive_methods


def diagnosis(result):
    last = repr(result).splitlines()[-1].strip()
    return last if last.startswith("It looks like") else None


def closed_form(grad, lr, eps):
    return -lr * grad / (np.abs(grad) + eps)


def test_a_right_answer_passes_with_the_usual_text():
    assert repr(exercises.check_adam_first_step(closed_form)) == (
        "All 5 cases passed: adam_first_step(grad, lr, eps) is right."
    )


def test_the_closed_form_is_the_first_step_of_gdcourse_adam():
    rng = np.random.default_rng(9)
    for scale in (1e-9, 1e-3, 1.0, 1e4):
        grad = scale * rng.normal(size=6)
        for lr, eps in [(0.1, 1e-8), (1e-3, 1e-3), (0.5, 1.0)]:
            np.testing.assert_allclose(
                adaptive_methods._adam_first_step(grad, lr, eps),
                closed_form(grad, lr, eps),
                rtol=1e-12,
                atol=1e-300,
            )


def test_the_reference_is_a_real_run_s_first_step():
    # gradient descent with Adam on a quadratic: its first move is the checked update
    s = surfaces.quadratic(np.array([[3.0, 0.5], [0.5, 1.0]]))
    w0 = np.array([1.0, -2.0])
    run = descent.gradient_descent(
        s, w0, lr=0.05, steps=1, optimizer=optimizers.adam(eps=1e-8)
    )
    np.testing.assert_allclose(
        run.weights[1] - run.weights[0],
        adaptive_methods._adam_first_step(s.grad(w0), 0.05, 1e-8),
        rtol=1e-12,
    )
    # its size is the rate in every coordinate, whatever the gradient's scale
    np.testing.assert_allclose(np.abs(run.weights[1] - w0), 0.05, rtol=1e-6)


def test_the_notebook_starter_gets_the_plain_report():
    starter = exercises.check_adam_first_step(lambda grad, lr, eps: np.zeros_like(grad))
    assert repr(starter).endswith("the numbers differ")


@pytest.mark.parametrize(
    "wrong, named",
    [
        (
            lambda g, lr, eps: -lr * 0.1 * g / (np.sqrt(0.001 * g**2) + eps),
            "without bias correction",
        ),
        (
            lambda g, lr, eps: -lr * g / (np.sqrt(0.001 * g**2) + eps),
            "m bias-corrected but not v",
        ),
        (
            lambda g, lr, eps: -lr * 0.1 * g / (np.abs(g) + eps),
            "v bias-corrected but not m",
        ),
        (
            lambda g, lr, eps: -lr * np.sign(g),
            "no eps in the denominator",
        ),
        (
            lambda g, lr, eps: -lr * g / np.sqrt(g**2 + eps),
            "eps inside the square root",
        ),
        (lambda g, lr, eps: -lr * g, "a plain gradient step"),
        (lambda g, lr, eps: lr * g / (np.abs(g) + eps), "the opposite sign"),
        (
            lambda g, lr, eps: -g / (np.abs(g) + eps),
            "the expected answer divided by lr",
        ),
        (lambda g, lr, eps: -lr * g / np.abs(g), "no eps in the denominator"),
        (
            # TensorFlow/Keras: the rate carries the correction, eps meets
            # the root of the uncorrected v
            lambda g, lr, eps: (
                -lr * np.sqrt(0.001) / 0.1 * 0.1 * g / (np.sqrt(0.001 * g**2) + eps)
            ),
            "before the bias correction",
        ),
        (lambda g, lr, eps: -lr * g / (g + eps), "the root of g**2 taken as g"),
        (
            lambda g, lr, eps: -lr * (g / 0.1) / (np.abs(g) + eps),
            "a step 1 / (1 - beta1) = 10 times Adam's",
        ),
        (
            lambda g, lr, eps: (
                -lr * (0.1 * g / 0.19) / (np.sqrt(0.001 * g**2 / (1 - 0.999**2)) + eps)
            ),
            "the bias correction of step t = 2",
        ),
        (lambda g, lr, eps: closed_form(g, lr, eps) / 0.0, "NaN or infinity"),
        (
            lambda g, lr, eps: float(np.mean(closed_form(g, lr, eps))),
            "a single number where an array was expected",
        ),
    ],
)
def test_classic_mistakes_are_named(wrong, named):
    result = exercises.check_adam_first_step(wrong)
    assert not result.ok and named in diagnosis(result)


@pytest.mark.parametrize(
    "close_but_wrong",
    [
        lambda g, lr, eps: -lr * g / (np.abs(g) * (1 + eps)),
        lambda g, lr, eps: -lr * g / np.sqrt(g**2 + eps**2),
    ],
)
def test_answers_that_print_alike_say_by_how_much_they_differ(close_but_wrong):
    # case 2 expects -0.01 * 1e-3 / (1e-3 + 1e-8): 6 digits show -0.01 for both
    text = repr(exercises.check_adam_first_step(close_but_wrong))
    assert "Case 2:" in text
    assert "the numbers differ beyond the 6 digits shown: by up to 1e-05" in text
    assert diagnosis(exercises.check_adam_first_step(close_but_wrong)) is None


def test_answers_that_print_differently_keep_the_plain_reason():
    wrong = lambda g, lr, eps: -lr * g / (g**2 + eps)  # noqa: E731
    text = repr(exercises.check_adam_first_step(wrong))
    assert text.splitlines()[4] == "  the numbers differ"


def test_swapped_betas_give_the_same_first_step():
    # the bias correction divides out whatever the betas put in
    def swapped(grad, lr, eps):
        m_hat = 0.999 * grad / 0.999
        v_hat = 0.9 * grad**2 / 0.9
        return -lr * m_hat / (np.sqrt(v_hat) + eps)

    assert exercises.check_adam_first_step(swapped).ok
