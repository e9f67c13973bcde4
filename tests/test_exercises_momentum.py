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


def diagnosis(result):
    last = repr(result).splitlines()[-1].strip()
    return last if last.startswith("It looks like") else None


def test_momentum_step_names_each_classic_mistake():
    def lr_inside(w, v, g, lr, beta):  # the other convention
        v = beta * v + lr * g
        return w - v, v

    def damped(w, v, g, lr, beta):
        v = beta * v + (1 - beta) * g
        return w - lr * v, v

    def stale_velocity(w, v, g, lr, beta):  # right weights, returns the old velocity
        return w - lr * (beta * v + g), v

    def rate_in_velocity(w, v, g, lr, beta):  # the chapter's other form
        v = beta * v - lr * g
        return w + v, v

    def downhill_velocity(w, v, g, lr, beta):  # v sums -g, w moves along +v
        v = beta * v - g
        return w + lr * v, v

    cases = [
        (lr_inside, "the other momentum convention"),
        (rate_in_velocity, "the form with the rate inside the velocity"),
        (damped, "a damped average"),
        (
            lambda w, v, g, lr, beta: tuple(
                x for x in (w + lr * (beta * v + g), beta * v + g)
            ),
            "a step uphill",
        ),
        (stale_velocity, "the new weights returned with the old velocity"),
        (
            lambda w, v, g, lr, beta: step(w, v, g, lr, beta)[::-1],
            "the pair in the other order",
        ),
        (downhill_velocity, "the velocity pointing downhill"),
    ]
    for wrong, named in cases:
        result = exercises.check_momentum_step(wrong)
        assert not result.ok and named in diagnosis(result), named
    # the notebook's starter (nothing changes) is not a classic mistake
    starter = exercises.check_momentum_step(lambda w, v, g, lr, beta: (w, v))
    assert repr(starter).endswith("the numbers differ")


def test_momentum_reference_is_the_optimizers_sgd_step():
    from gdcourse import optimizers

    w, v, g = np.array([1.0, -2.0]), np.array([0.3, 0.1]), np.array([0.5, -4.0])
    expected = optimizers.sgd(momentum=0.6).update(g, optimizers.SGDState(v), w, 0.1)
    got = momentum._momentum_step(w, v, g, 0.1, 0.6)
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1].velocity)


def optimal(mu, L):
    lr = 4 / (np.sqrt(L) + np.sqrt(mu)) ** 2
    root = np.sqrt(L / mu)
    return lr, ((root - 1) / (root + 1)) ** 2


def edge_difference(mu, L):
    """Hint 2's rate, 4 sqrt(beta) / (L - mu): right unless mu = L."""
    root = np.sqrt(L / mu)
    beta = ((root - 1) / (root + 1)) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return 4 * np.sqrt(beta) / (L - mu), beta


def test_optimal_momentum_checker():
    assert repr(exercises.check_optimal_momentum(optimal)) == (
        "All 5 cases passed: optimal_momentum(mu, L) is right."
    )

    def root_ratio(mu, L):
        root = np.sqrt(L / mu)
        return optimal(mu, L)[0], (root - 1) / (root + 1)

    def kappa_not_root(mu, L):
        return optimal(mu, L)[0], ((L / mu - 1) / (L / mu + 1)) ** 2

    cases = [
        (
            lambda mu, L: (2 / (mu + L), optimal(mu, L)[1]),
            "the best rate of plain gradient descent",
        ),
        (root_ratio, "the momentum without its square"),
        (kappa_not_root, "kappa where its square root was meant"),
        (
            lambda mu, L: (4 / (mu + L), optimal(mu, L)[1]),
            "L + mu where (sqrt(L) + sqrt(mu))**2",
        ),
        (lambda mu, L: optimal(mu, L)[::-1], "the pair in the other order"),
        (lambda mu, L: (optimal(mu, L)[0], 0.5), "lr is right but beta is wrong"),
        (edge_difference, "divides by L - mu = 0 when mu = L"),
        (lambda mu, L: (np.nan, optimal(mu, L)[1]), "NaN or infinity"),
    ]
    for wrong, named in cases:
        result = exercises.check_optimal_momentum(wrong)
        assert not result.ok and named in diagnosis(result), named


def test_optimal_momentum_is_the_fastest_measured_heavy_ball_run():
    from gdcourse import theory

    mu, L = 0.1, 10.0
    s = quadratic(np.diag([mu, L]))
    lr, beta = momentum._optimal_momentum(mu, L)
    assert (lr, beta) == optimal(mu, L) or np.allclose((lr, beta), optimal(mu, L))

    def measured(lr, beta):
        """The geometric mean of the measured per-step factors over 200 steps."""
        run = gradient_descent(s, [1.0, 1.0], lr=lr, steps=200, momentum=beta)
        if run.diverged:
            return np.inf
        return np.exp(
            np.mean(np.log(theory.measured_contraction(run.weights, np.zeros(2))))
        )

    best = measured(lr, beta)
    # the measured per-step factor is the predicted sqrt(beta*) ...
    assert abs(best - np.sqrt(beta)) < 0.03
    # ... and moving the rate or the momentum by 10% makes the run slower
    for other in [
        (0.9 * lr, beta),
        (1.1 * lr, beta),
        (lr, 0.9 * beta),
        (lr, min(1.1 * beta, 0.99)),
    ]:
        assert measured(*other) > best


def test_the_other_form_is_named_and_is_the_same_method_for_a_constant_rate():
    """The form v = beta v - lr g, w = w + v is heavy ball too: from the same
    start it gives the same weights, with velocity -lr times this one's; the
    checker names it, with a hint towards this exercise's convention."""
    s = quadratic(np.array([[2.0, 0.5], [0.5, 1.0]]))
    w_a, v_a = np.array([1.0, -1.0]), np.zeros(2)
    w_b, v_b = w_a.copy(), np.zeros(2)
    for _ in range(20):
        w_a, v_a = momentum._momentum_step(w_a, v_a, s.grad(w_a), 0.3, 0.8)
        v_b = 0.8 * v_b - 0.3 * s.grad(w_b)
        w_b = w_b + v_b
        np.testing.assert_allclose(w_b, w_a, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(v_b, -0.3 * v_a, rtol=1e-12, atol=1e-14)

    def other(w, v, g, lr, beta):
        v = beta * v - lr * g
        return w + v, v

    report = diagnosis(exercises.check_momentum_step(other))
    assert "the rate inside the velocity" in report
    assert "the velocity sums raw gradients" in report


def test_a_velocity_in_no_named_form_gets_the_velocity_note():
    """Right weights, a velocity that is neither the new one nor a named
    mistake: the note says the velocity returned is not the new one."""

    def scaled_velocity(w, v, g, lr, beta):
        v_new = beta * v + g
        return w - lr * v_new, lr * v_new

    report = diagnosis(exercises.check_momentum_step(scaled_velocity))
    assert "w_new is right but v_new is wrong" in report
    assert "it is not the new one of this convention" in report


def test_downhill_velocity_gives_the_same_weights_over_a_run():
    """v = beta v - g, w = w + lr v is heavy ball with the velocity negated."""
    s = quadratic(np.array([[2.0, 0.5], [0.5, 1.0]]))
    w_a, v_a = np.array([1.0, -1.0]), np.zeros(2)
    w_b, v_b = w_a.copy(), np.zeros(2)
    for _ in range(20):
        w_a, v_a = momentum._momentum_step(w_a, v_a, s.grad(w_a), 0.3, 0.8)
        w_b, v_b = momentum._downhill_velocity(w_b, v_b, s.grad(w_b), 0.3, 0.8)
        np.testing.assert_allclose(w_b, w_a, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(v_b, -v_a, rtol=1e-12, atol=1e-14)
