#!/usr/bin/env python3
"""W1 and W4 in PyTorch, as docs/benchmarks.md defines them, for a side-by-side comparison with Kiln.

Run it on the same machine, right before or after Kiln's runner, with the same thread count:

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \\
        /usr/bin/python3 samples/src/bench/python/torch_workloads.py --threads 1

Needs PyTorch (Debian: apt-get install -y python3-torch) and Fashion-MNIST
(apt-get install -y dataset-fashion-mnist). Prints one JSON document on standard output and its progress on
standard error. Timing follows the definitions: data in memory before timing, the per-epoch permutation
outside the timed region, gathering each mini-batch inside it.
"""

import argparse
import gzip
import json
import os
import platform
import statistics
import struct
import sys
import time

import numpy as np
import torch

MASK = (1 << 64) - 1


def progress(message):
    print(message, file=sys.stderr, flush=True)


def read_idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    zero, dtype, rank = data[0:2], data[2], data[3]
    if zero != b"\x00\x00" or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def load(directory, prefix):
    images = read_idx(os.path.join(directory, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(directory, f"{prefix}-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.reshape(len(images), 784).astype(np.float32) / np.float32(255.0))
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def permutation(epoch, n=60000):
    """SplitMix64 + Fisher-Yates, seeded 1000 + epoch (benchmarks.md, "Shuffle")."""
    state = 1000 + epoch
    perm = list(range(n))
    for i in range(n - 1, 0, -1):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z = z ^ (z >> 31)
        j = z % (i + 1)
        perm[i], perm[j] = perm[j], perm[i]
    return torch.tensor(perm, dtype=torch.int64)


def mlp():
    torch.manual_seed(42)
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128),
                                torch.nn.ReLU(), torch.nn.Linear(128, 10))
    for layer in model:
        if isinstance(layer, torch.nn.Linear):
            torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")  # N(0, 2 / fan_in)
            torch.nn.init.zeros_(layer.bias)
    return model


def w1(train, test, epochs):
    x, y = train
    model = mlp()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    loss_fn = torch.nn.CrossEntropyLoss()
    seconds = []
    for epoch in range(1, epochs + 1):
        perm = permutation(epoch)
        model.train()
        start = time.perf_counter()
        for begin in range(0, len(perm), 128):
            index = perm[begin:begin + 128]
            optimizer.zero_grad()
            loss = loss_fn(model(x[index]), y[index])
            loss.backward()
            optimizer.step()
        seconds.append(time.perf_counter() - start)
        progress(f"W1 epoch {epoch}: {60000 / seconds[-1]:.0f} samples/s, loss {loss.item():.4f}")
    model.eval()
    with torch.no_grad():
        accuracy = (model(test[0]).argmax(1) == test[1]).float().mean().item()
    after = seconds[1:] if len(seconds) > 1 else seconds
    return {"workload": "W1", "throughput_samples_per_s": round(60000 / statistics.median(after), 1),
            "epoch1_samples_per_s": round(60000 / seconds[0], 1), "epoch_seconds": seconds,
            "test_accuracy": round(accuracy, 4)}


def w4(test):
    model = mlp().eval()
    singles = [test[0][i:i + 1].clone() for i in range(1000)]
    with torch.no_grad():
        for i in range(2000):
            model(singles[i % 1000])
        times = []
        for i in range(20000):
            start = time.perf_counter()
            model(singles[i % 1000])
            times.append(time.perf_counter() - start)
        times.sort()
        batch = test[0][:128].clone()
        for _ in range(50):
            model(batch)
        calls = 0
        start = time.perf_counter()
        while True:
            model(batch)
            calls += 1
            elapsed = time.perf_counter() - start
            if calls >= 200 and elapsed >= 2.0:
                break
    p99 = times[max(0, -(-99 * len(times) // 100) - 1)]
    return {"workload": "W4", "batch1_median_us": round(statistics.median(times) * 1e6, 2),
            "batch1_p99_us": round(p99 * 1e6, 2), "batch128_samples_per_s": round(128 * calls / elapsed, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--workloads", default="W1,W4")
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    workloads = args.workloads.split(",")
    test = load(args.data, "t10k")
    results = []
    if "W1" in workloads:
        results.append(w1(load(args.data, "train"), test, args.epochs))
    if "W4" in workloads:
        results.append(w4(test))
    env = {name: os.environ.get(name) for name in
           ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    print(json.dumps({"framework": f"PyTorch {torch.__version__}", "threads": args.threads, "env": env,
                      "machine": platform.processor() or platform.machine(), "results": results}, indent=2))


if __name__ == "__main__":
    main()
