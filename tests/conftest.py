"""Shared test settings."""

from hypothesis import settings

# Property tests explore the same examples on every run (reproducible in CI)
# and are not timed: a loaded machine must not turn a slow example into a failure.
settings.register_profile("course", deadline=None, derandomize=True, max_examples=100)
settings.load_profile("course")
