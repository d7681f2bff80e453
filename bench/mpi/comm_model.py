#!/usr/bin/env python3
"""The communication model of data-parallel training (issue 15), on paper.

Per step every machine sends and receives 2 (N - 1) / N times the gradient's bytes in a ring all-reduce
(reduce-scatter then all-gather; ZeRO-1's reduce-scatter + all-gather moves the same bytes), in 2 (N - 1) messages:
    t_comm(N) = 2 (N - 1) / N * bytes / bandwidth + 2 (N - 1) * latency
Compute per step with a global batch B on N machines is (B / N) * t_example, so without overlap
    efficiency(N, B) = t_compute / (t_compute + t_comm),
and efficiency >= 80 % needs t_comm <= t_compute / 4, that is B >= 4 N t_comm(N) / t_example.

Inputs (state them when quoting): float32 gradients; latency 20 us per message at 10 Gbit/s (TCP) and 5 us at
100 Gbit/s (RDMA); bandwidth at 90 % of line rate.
  seed network 784-128-10: 101,770 parameters; t_example measured here (bench/mpi/scaling.sh: one epoch of 60,000
    images, 1 process x 1 thread, float32, MKL), passed with --seed-example-us;
  a 100M-parameter model: 6 * P FLOP per example (forward and backward), at an assumed sustained 1 TFLOP/s per machine.
Usage: python3 bench/mpi/comm_model.py [--seed-example-us US]
"""
import argparse

p = argparse.ArgumentParser()
p.add_argument("--seed-example-us", type=float, required=True, help="measured compute per example of the seed network, microseconds")
args = p.parse_args()

networks = [("10 Gbit/s", 10e9 / 8 * 0.9, 20e-6), ("100 Gbit/s", 100e9 / 8 * 0.9, 5e-6)]
models = [
    ("seed network (101,770 parameters)", 101_770, args.seed_example_us * 1e-6),
    ("100M parameters", 100_000_000, 6 * 100e6 / 1e12),
]
machines = [2, 4, 8, 16, 32, 64]


def t_comm(n, nbytes, bandwidth, latency):
    return 2 * (n - 1) / n * nbytes / bandwidth + 2 * (n - 1) * latency


for name, params, t_example in models:
    nbytes = 4 * params
    print(f"\n{name}: gradient {nbytes / 1e6:.3g} MB (float32), compute {t_example * 1e6:.4g} us per example")
    print("| machines | network | all-reduce per step | global batch for 80 % efficiency | per machine |")
    print("|---|---|---|---|---|")
    for n in machines:
        for net, bw, lat in networks:
            c = t_comm(n, nbytes, bw, lat)
            batch = 4 * n * c / t_example
            print(f"| {n} | {net} | {c * 1e3:.3g} ms | {batch:,.0f} | {batch / n:,.0f} |")
