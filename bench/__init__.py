"""Performance benchmarks: `make bench` (python -m bench.run) measures Accord against a bare floor app.

Every number is a ratio against a baseline measured in the same run on the same machine, so the
results hold on a noisy shared machine where absolute times do not.
"""
