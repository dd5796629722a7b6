"""Benchmark of the assignment engine: generator, exact reference, greedy baseline, checker."""
