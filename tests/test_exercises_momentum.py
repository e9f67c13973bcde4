"""Chapter 7 checker: one heavy-ball step, in the convention of gd.descent."""

import numpy as np

from gdcourse import exercises
from gdcourse.descent import gradient_descent
from gdcourse.exercises import momentum
from gdcourse.surfaces import quadratic


def step(w, v, g, lr, beta):
    v = beta * v + g
    return w - lr * v, v


def test_correct_answer_passes_every_case():
    result = exercises.check_momentum_step(step)
    assert result.ok and result.total == 5


def test_the_reference_reproduces_gradient_descent_with_momentum():
    s = quadratic(np.array([[1.0, 0.3], [0.3, 4.0]]), b=np.array([1.0, -1.0]))
    run = gradient_descent(s, [2.0, 1.0], lr=0.2, steps=25, momentum=0.7)
    w, v = np.array([2.0, 1.0]), np.zeros(2)
    for k in range(25):
        w, v = momentum._momentum_step(w, v, s.grad(w), 0.2, 0.7)
        np.testing.assert_allclose(w, run.weights[k + 1], rtol=1e-13, atol=1e-14)


def test_other_conventions_and_mistakes_fail():
    # Polyak/Sutskever form with lr inside the velocity: v = beta v - lr g; w = w + v
    def lr_inside(w, v, g, lr, beta):
        v = beta * v - lr * g
        return w + v, v

    # damped average: v = beta v + (1 - beta) g
    def damped(w, v, g, lr, beta):
        v = beta * v + (1 - beta) * g
        return w - lr * v, v

    def forgets_velocity(w, v, g, lr, beta):
        v = beta * v + g
        return w - lr * v

    for wrong in (lr_inside, damped):
        result = exercises.check_momentum_step(wrong)
        assert not result.ok and "the numbers differ" in repr(result)
    assert "shape" in repr(exercises.check_momentum_step(forgets_velocity))
