#!/usr/bin/env python3
"""Times one training epoch of the first seed's configuration in PyTorch, data preloaded as tensors.

SimpleNet (784-128-10, ReLU), CrossEntropyLoss, SGD(lr=0.01, weight_decay=1e-4), batch 64, shuffled with torch.randperm,
over the full MNIST training set read from the IDX files shipped in src/Regularization.Datasets.Mnist/Data/mnist; float64 and
float32; training time only (no evaluation, no data loading). Same work as TrainingEpochBenchmarks.
Usage: /usr/bin/python3 bench/peer/torch_train_epoch.py --threads 1 --out bench/peer/results/epoch-t1.json
"""
import argparse
import gzip
import os
import statistics
import time

import numpy as np
import torch
import torch.nn as nn

from common import environment, write

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "src", "Regularization.Datasets.Mnist", "Data", "mnist")


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class SimpleNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(28 * 28, 128)
        self.fc2 = nn.Linear(128, 10)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x.view(-1, 28 * 28))))


def epoch(model, opt, criterion, x, y, batch=64):
    perm = torch.randperm(x.shape[0])
    start = time.perf_counter()
    total = 0.0
    for i in range(0, x.shape[0], batch):
        idx_ = perm[i:i + batch]
        opt.zero_grad()
        loss = criterion(model(x[idx_]), y[idx_])
        loss.backward()
        opt.step()
        total += loss.item()
    return time.perf_counter() - start, total / ((x.shape[0] + batch - 1) // batch)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    images = idx(os.path.join(DATA, "train-images-idx3-ubyte.gz"))
    labels = torch.from_numpy(idx(os.path.join(DATA, "train-labels-idx1-ubyte.gz")).astype(np.int64))
    results = []
    for dtype in (torch.float64, torch.float32):
        torch.manual_seed(0)
        x = torch.from_numpy(images.astype(np.float64) / 255.0).to(dtype)
        model = SimpleNet().to(dtype)
        opt = torch.optim.SGD(model.parameters(), lr=0.01, weight_decay=1e-4)
        criterion = nn.CrossEntropyLoss()
        times = []
        for e in range(args.epochs):
            seconds, avg = epoch(model, opt, criterion, x, labels)
            times.append(seconds)
            print(f"{str(dtype):14s} epoch {e + 1}: {seconds:.3f} s  Average Loss: {avg:.4f}")
        results.append({"name": "epoch", "dtype": str(dtype).replace("torch.", ""), "seconds": times,
                        "median_s": statistics.median(times), "min_s": min(times)})
    write(args.out, {"environment": environment(args.threads), "results": results})


if __name__ == "__main__":
    main()
