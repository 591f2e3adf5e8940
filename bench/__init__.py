"""Benchmarks; each runnable script's docstring says what it measures and how to run it."""
