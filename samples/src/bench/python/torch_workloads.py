#!/usr/bin/env python3
"""W1 to W4 in PyTorch, as docs/benchmarks.md defines them, for a side-by-side comparison with Kiln.

Run it on the same machine, right before or after Kiln's runner, with the same thread count:

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \\
        /usr/bin/python3 samples/src/bench/python/torch_workloads.py --threads 1 --workloads W1,W2,W3,W4

Needs PyTorch (Debian: apt-get install -y python3-torch), Fashion-MNIST for W1, W2 and W4
(apt-get install -y dataset-fashion-mnist) and the fortune files for W3 (apt-get install -y fortunes).
Prints one JSON document on standard output and its progress on standard error. Timing follows the
definitions: data in memory before timing, the per-epoch permutation and the one-hot table outside the
timed region, gathering each mini-batch inside it. Every workload, and each epoch of W1 and W2, records
how busy the machine was meanwhile ("contention", from /proc/stat, in cores).
"""

import argparse
import gzip
import json
import math
import os
import platform
import statistics
import struct
import sys
import time

import numpy as np
import torch

MASK = (1 << 64) - 1
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
DISTURBED_CORES = 0.1

# W3's corpus, as benchmarks.md states it: checked before anything is trained on it
FORTUNES_SIZE = 2576674
FORTUNES_VOCABULARY = 114
FORTUNES_FIRST_IDS = [27, 30, 23, 20, 16, 4, 39, 76, 69, 82]


def progress(message):
    print(message, file=sys.stderr, flush=True)


def cpu_snapshot():
    """(wall seconds, busy ticks of the machine, steal ticks, ticks of this process); None where unreadable."""
    now = time.perf_counter()
    try:
        with open("/proc/stat") as f:
            cpu = f.readline().split()  # cpu user nice system idle iowait irq softirq steal ...
        busy = int(cpu[1]) + int(cpu[2]) + int(cpu[3]) + int(cpu[6]) + int(cpu[7])
        steal = int(cpu[8]) if len(cpu) > 8 else 0
        with open("/proc/self/stat") as f:
            fields = f.read()
        fields = fields[fields.rindex(")") + 2:].split()  # from field 3 (state) on: utime 14, stime 15
        return now, busy, steal, int(fields[11]) + int(fields[12])
    except (OSError, ValueError, IndexError):
        return now, None, None, None


def contention(before, after=None):
    """How busy the machine was between two snapshots, in cores (2 = the whole machine), as the Kiln runner
    reports it: other processes, the hypervisor's steal, this process."""
    after = after or cpu_snapshot()
    seconds = after[0] - before[0]
    if before[1] is None or after[1] is None or seconds <= 0:
        return {"seconds": seconds, "other_cores": None, "steal_cores": None, "self_cores": None}
    rate = TICKS_PER_SECOND * seconds
    self_cores = (after[3] - before[3]) / rate
    other = max(0.0, (after[1] - before[1]) / rate - self_cores)
    steal = (after[2] - before[2]) / rate
    return {"seconds": round(seconds, 3), "other_cores": round(other, 4), "steal_cores": round(steal, 4),
            "self_cores": round(self_cores, 4), "disturbed": other + steal > DISTURBED_CORES}


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
    return train_classifier("W1", model, x, y, test, epochs)


def lenet():
    torch.manual_seed(42)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, 5, stride=1, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2, 2),
        torch.nn.Conv2d(6, 16, 5, stride=1, padding=0), torch.nn.ReLU(), torch.nn.MaxPool2d(2, 2),
        torch.nn.Flatten(),  # (C, H, W) order: 16 x 5 x 5 = 400
        torch.nn.Linear(400, 120), torch.nn.ReLU(), torch.nn.Linear(120, 84), torch.nn.ReLU(),
        torch.nn.Linear(84, 10))
    for layer in model:
        if isinstance(layer, (torch.nn.Conv2d, torch.nn.Linear)):
            # N(0, 2 / fan_in), fan_in = in_channels * kh * kw for a convolution, in_features for a Dense layer
            torch.nn.init.kaiming_normal_(layer.weight, mode="fan_in", nonlinearity="relu")
            torch.nn.init.zeros_(layer.bias)
    return model


def w2(train, test, epochs):
    x, y = train
    images = x.view(-1, 1, 28, 28)  # NCHW, a view of the same memory: no copy
    return train_classifier("W2", lenet(), images, y, (test[0].view(-1, 1, 28, 28), test[1]), epochs)


def train_classifier(name, model, x, y, test, epochs):
    """W1's and W2's loop: Adam 1e-3, batches of 128 in the SplitMix64 order of each epoch, then the test
    accuracy after the last epoch (argmax, eval mode)."""
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    loss_fn = torch.nn.CrossEntropyLoss()
    seconds = []
    per_epoch = []
    whole = cpu_snapshot()
    for epoch in range(1, epochs + 1):
        perm = permutation(epoch)
        model.train()
        before = cpu_snapshot()
        start = time.perf_counter()
        for begin in range(0, len(perm), 128):
            index = perm[begin:begin + 128]
            optimizer.zero_grad()
            loss = loss_fn(model(x[index]), y[index])
            loss.backward()
            optimizer.step()
        seconds.append(time.perf_counter() - start)
        usage = contention(before)
        per_epoch.append({"epoch": epoch, "seconds": round(seconds[-1], 3),
                          "samples_per_s": round(60000 / seconds[-1], 1), "last_loss": round(loss.item(), 4),
                          "contention": usage})
        progress(f"{name} epoch {epoch}: {60000 / seconds[-1]:.0f} samples/s, loss {loss.item():.4f}, "
                 f"other {usage['other_cores']} cores, steal {usage['steal_cores']}")
    model.eval()
    with torch.no_grad():
        correct = 0
        for begin in range(0, len(test[1]), 1000):
            correct += (model(test[0][begin:begin + 1000]).argmax(1) == test[1][begin:begin + 1000]).sum().item()
        accuracy = correct / len(test[1])
    after = seconds[1:] if len(seconds) > 1 else seconds
    return {"workload": name, "throughput_samples_per_s": round(60000 / statistics.median(after), 1),
            "epoch1_samples_per_s": round(60000 / seconds[0], 1), "epoch_seconds": seconds,
            "test_accuracy": round(accuracy, 4), "per_epoch": per_epoch, "contention": contention(whole)}


def fortunes(directory):
    """W3's corpus: the bytes of every regular file of `directory` whose name ends neither in .dat nor in .u8,
    concatenated in byte-wise name order; its vocabulary is the sorted set of distinct bytes."""
    if not os.path.isdir(directory):
        raise SystemExit(f"{directory}: no such directory; W3 needs the fortune files: apt-get install -y fortunes")
    names = sorted((name for name in os.listdir(directory) if not name.endswith((".dat", ".u8"))),
                   key=lambda name: name.encode("utf-8", "surrogateescape"))
    parts = []
    for name in names:
        path = os.path.join(directory, name)
        if os.path.isfile(path) and not os.path.islink(path):
            with open(path, "rb") as f:
                parts.append(f.read())
    data = b"".join(parts)
    vocabulary = sorted(set(data))
    table = np.zeros(256, dtype=np.int64)
    table[vocabulary] = np.arange(len(vocabulary))
    ids = table[np.frombuffer(data, dtype=np.uint8)]
    found = (len(data), len(vocabulary), ids[:10].tolist())
    expected = (FORTUNES_SIZE, FORTUNES_VOCABULARY, FORTUNES_FIRST_IDS)
    if found != expected:
        raise SystemExit(f"{directory}: the corpus has N = {found[0]} bytes, V = {found[1]}, first ids {found[2]};"
                         f" W3 defines N = {expected[0]}, V = {expected[1]}, first ids {expected[2]}"
                         " (Debian 12's fortunes 1:1.99.1-7.3)")
    return torch.from_numpy(ids), len(vocabulary)


class CharLstm(torch.nn.Module):
    """W3's network: one LSTM layer of 128 over one-hot characters, then Dense 128 -> V on every step."""

    def __init__(self, vocabulary, hidden=128):
        super().__init__()
        torch.manual_seed(42)
        self.lstm = torch.nn.LSTM(vocabulary, hidden, batch_first=True)
        self.dense = torch.nn.Linear(hidden, vocabulary)
        bound = 1.0 / math.sqrt(hidden)
        with torch.no_grad():
            for weight in (self.lstm.weight_ih_l0, self.lstm.weight_hh_l0, self.dense.weight):
                weight.uniform_(-bound, bound)
            self.lstm.bias_ih_l0.zero_()
            self.lstm.bias_ih_l0[hidden:2 * hidden] = 1.0  # PyTorch's gate order is i, f, g, o
            self.lstm.bias_hh_l0.zero_()
            self.dense.bias.zero_()

    def forward(self, x, state):
        out, state = self.lstm(x, state)
        return self.dense(out), state


def w3(directory, streams=32, length=64, steps=200, warmup=10, last=20):
    ids, vocabulary = fortunes(directory)
    stream_length = (len(ids) - 1) // streams  # L: stream b starts at b * L
    if steps * length > stream_length:
        raise SystemExit(f"W3: {steps} steps of {length} need {steps * length + 1} characters per stream, L = "
                         f"{stream_length}")
    # each stream's characters and the one after them, [streams, L + 1]; step t reads columns
    # 64 t .. 64 t + 63 as inputs and 64 t + 1 .. 64 t + 64 as targets
    text = torch.stack([ids[b * stream_length:b * stream_length + stream_length + 1] for b in range(streams)])
    one_hot = torch.eye(vocabulary, dtype=torch.float32)
    model = CharLstm(vocabulary)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3, betas=(0.9, 0.999), eps=1e-8)
    loss_fn = torch.nn.CrossEntropyLoss()
    h = torch.zeros(1, streams, 128)
    c = torch.zeros(1, streams, 128)
    losses = []
    whole = cpu_snapshot()
    for step in range(steps):
        if step == warmup:
            before = cpu_snapshot()
            start = time.perf_counter()
        window = text[:, length * step:length * step + length + 1]
        x = one_hot[window[:, :-1]]  # [streams, length, V]
        target = window[:, 1:].reshape(-1)
        optimizer.zero_grad()
        logits, (h, c) = model(x, (h, c))
        h, c = h.detach(), c.detach()
        loss = loss_fn(logits.reshape(-1, vocabulary), target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if (step + 1) % 20 == 0:
            progress(f"W3 step {step + 1}: loss {losses[-1]:.4f}")
    elapsed = time.perf_counter() - start
    usage = contention(before)
    characters = (steps - warmup) * streams * length
    return {"workload": "W3", "throughput_chars_per_s": round(characters / elapsed, 1),
            "timed_seconds": round(elapsed, 3), "loss": round(statistics.mean(losses[-last:]), 4),
            "first_loss": round(losses[0], 4), "corpus_bytes": len(ids), "vocabulary": vocabulary,
            "stream_length": stream_length, "contention_timed": usage, "contention": contention(whole)}


def w4(test):
    whole = cpu_snapshot()
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
            "batch1_p99_us": round(p99 * 1e6, 2), "batch128_samples_per_s": round(128 * calls / elapsed, 1),
            "contention": contention(whole)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=None, help="W1's and W2's epochs (default 5 and 3)")
    parser.add_argument("--workloads", default="W1,W4", help="comma-separated, among W1, W2, W3, W4")
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--text", default="/usr/share/games/fortunes", help="the fortune files (W3)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    workloads = args.workloads.split(",")
    unknown = [name for name in workloads if name not in ("W1", "W2", "W3", "W4")]
    if unknown:
        parser.error(f"unknown workload(s) {', '.join(unknown)}; expected some of W1, W2, W3, W4")
    needs_images = any(name in workloads for name in ("W1", "W2", "W4"))
    test = load(args.data, "t10k") if needs_images else None
    train = load(args.data, "train") if "W1" in workloads or "W2" in workloads else None
    results = []
    if "W1" in workloads:
        results.append(w1(train, test, args.epochs or 5))
    if "W2" in workloads:
        results.append(w2(train, test, args.epochs or 3))
    if "W3" in workloads:
        results.append(w3(args.text))
    if "W4" in workloads:
        results.append(w4(test))
    env = {name: os.environ.get(name) for name in
           ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    print(json.dumps({"framework": f"PyTorch {torch.__version__}", "threads": args.threads, "env": env,
                      "machine": platform.processor() or platform.machine(), "results": results}, indent=2))


if __name__ == "__main__":
    main()
