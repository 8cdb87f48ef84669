"""Benchmarks run by `make bench`; each compares the project with a control in the same run."""
