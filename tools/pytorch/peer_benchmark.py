#!/usr/bin/python3
"""PyTorch peer of `Axon.Benchmarks throughput` and `Axon.Benchmarks attack`: same models, data shape and timing protocol.

    /usr/bin/python3 tools/pytorch/peer_benchmark.py --model mlp-784-128-10 --batch 32 --threads 1
    /usr/bin/python3 tools/pytorch/peer_benchmark.py --attack pgd --model mlp-784-128-10 --batch 128 --steps 40

Prints one JSON line: model, batch, threads, train_samples_per_s, predict_us_b1, blas; with --attack,
samples_per_s of PGD (as `dotnet run -c Release --project tests/Benchmarks -- attack ...`): one operation is
one PGD attack on one batch (uniform random start in the ε-ball, --steps steps of sign (L∞) or L2-normalised
(L2) gradient ascent on each sample's cross-entropy, projection onto the ball and [0, 1]); the parameters do
not require gradients, as Axon computes no parameter gradients in an attack.

Protocol (mirrors tests/Benchmarks/Program.cs): a pool of the first 8192 Fashion-MNIST training images
in file order (pixels byte/255 in float32, as Axon's IDX reader), from --data-dir, else the Debian
package's full set (/usr/share/datasets/fashion-mnist), else the subset committed in data/fashion-mnist;
batch k is samples [k*B, (k+1)*B) of the pool, wrapping around, so every engine sees the same images and
labels in the same order. --data random gives uniform random pixels and labels instead (a labelled extra:
random labels drive Adam's state into the denormal range). Warm-up training (~1 s, >= 300 steps); then
`--repetitions` timed loops of train steps of about `--seconds` each, median samples/s; then
single-sample predict latency (eager, no_grad), median of individually timed calls, in µs.

glibc's malloc gives PyTorch's freshly allocated 400 KB temporaries back to the kernel and takes
them again on every step (mmap threshold and heap trimming); in this VM the page faults cost ~5x
the whole training step. PyTorch's CPU tuning guide answers that with another allocator; here the
script re-executes itself once with MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_ raised (glibc
reads them only at start-up) unless --stock-malloc is given. The JSON's "malloc" field says which.

Needs Debian's python3-torch (1.13) and python3-numpy; give it OpenBLAS, not the reference BLAS:
`apt-get install -y python3-torch python3-numpy libopenblas0-pthread` (see shared PERF.md).
"""
import argparse
import ctypes
import json
import os
import sys
import time

MODELS = {
    "mlp-784-128-10": [784, 128, 10],
    "mlp-784-256-256-10": [784, 256, 256, 10],
}
# Recurrent models (issue 15): nn.LSTM / nn.GRU (batch_first) over T steps of F features, hidden H, then
# nn.Linear(H, 1) on the last step; MSE, Adam lr 1e-3. As LstmBench / GruBench in tests/Benchmarks/Recurrent.cs.
RECURRENT = {
    "lstm-t30-f4-h64": ("lstm", 30, 4, 64),
    "gru-t30-f4-h64": ("gru", 30, 4, 64),
    # nn.Conv1d(F, 32, 5, padding=2) + ReLU over the steps (channels first), the mean over steps, nn.Linear(32, 1):
    # as Conv1DBench (Conv1D 32x5 same, GlobalAveragePool1D, Dense 1).
    "conv1d-t30-f4-c32": ("conv1d", 30, 4, 32),
}
RECURRENT_POOL = 4096
POOL_SAMPLES = 8192
FASHION_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")
SYSTEM_FASHION = "/usr/share/datasets/fashion-mnist"
REPO_FASHION = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "fashion-mnist")


def fashion_dir(given):
    """The folder Axon.Data.FashionMnist would pick: the given one, the Debian package's, the committed subset."""
    if given:
        return given
    for d in (SYSTEM_FASHION, REPO_FASHION):
        if all(os.path.exists(os.path.join(d, f)) for f in FASHION_FILES):
            return d
    sys.exit("Fashion-MNIST not found in %s or %s (apt-get install dataset-fashion-mnist)" % (SYSTEM_FASHION, REPO_FASHION))


def load_pool(args, np):
    """(inputs [N, 784] float32, labels [N] int64, description) as BenchData in tests/Benchmarks/Models.cs."""
    if args.data == "random":
        rng = np.random.default_rng(args.seed)
        return (rng.random((POOL_SAMPLES, 784), dtype=np.float32), rng.integers(0, 10, POOL_SAMPLES).astype(np.int64),
                "random (uniform pixels, uniform labels)")
    import gzip
    d = fashion_dir(args.data_dir)

    def read(name, header):
        path = os.path.join(d, name)
        with open(path, "rb") as f:
            gzipped = f.read(2) == b"\x1f\x8b"
        with (gzip.open if gzipped else open)(path, "rb") as f:
            return np.frombuffer(f.read(), dtype=np.uint8, offset=header)

    pixels = read(FASHION_FILES[0], 16).reshape(-1, 784)
    labels = read(FASHION_FILES[1], 8)
    n = min(POOL_SAMPLES, len(labels))
    inputs = pixels[:n].astype(np.float32) / np.float32(255.0)
    return (np.ascontiguousarray(inputs), labels[:n].astype(np.int64),
            "fashion-mnist (%s, first %d training images)" % (os.path.abspath(d), n))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True, choices=sorted(MODELS) + sorted(RECURRENT))
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--threads", type=int, default=1, help="OpenBLAS threads")
    p.add_argument("--torch-threads", type=int, default=None,
                   help="torch intra-op threads (default: --threads). With 2 cores, 1 torch thread over 2 OpenBLAS "
                        "threads is PyTorch's best two-thread setting (PERF.md): both busy-wait otherwise")
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--repetitions", type=int, default=5)
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--data", choices=["fashion", "random"], default="fashion")
    p.add_argument("--data-dir", default=None, help="Fashion-MNIST folder (default: as Axon.Data.FashionMnist finds it)")
    p.add_argument("--attack", choices=["pgd"], help="benchmark an attack instead of training")
    p.add_argument("--norm", choices=["linf", "l2"], default="linf")
    p.add_argument("--steps", type=int, default=40)
    p.add_argument("--epsilon", type=float, default=None, help="default: 0.1 (linf), 1.0 (l2)")
    p.add_argument("--step-size", type=float, default=None, help="default: 2.5*epsilon/steps")
    p.add_argument("--stock-malloc", action="store_true",
                   help="keep glibc's default malloc thresholds (slow: page faults every step)")
    a = p.parse_args()
    if a.batch < 1 or a.batch > 128:
        p.error("--batch must be in 1..128 (the Axon models' MaxBatchSize)")
    if a.threads < 1:
        p.error("--threads must be at least 1")
    if a.torch_threads is None:
        a.torch_threads = a.threads
    if a.torch_threads < 1:
        p.error("--torch-threads must be at least 1")
    if a.steps < 1:
        p.error("--steps must be at least 1")
    if a.epsilon is None:
        a.epsilon = 1.0 if a.norm == "l2" else 0.1
    if a.step_size is None:
        a.step_size = 2.5 * a.epsilon / a.steps
    return a


def blas_info():
    """Which BLAS shared library the process mapped (from /proc/self/maps), with OpenBLAS's own
    config, core and thread count when it is OpenBLAS."""
    libs = []
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                parts = line.split()
                if len(parts) < 6:
                    continue
                path = os.path.realpath(parts[5])
                name = os.path.basename(path)
                if any(k in name for k in ("blas", "mkl", "blis", "atlas")) and path not in libs:
                    libs.append(path)
    except OSError:
        return "unknown (no /proc/self/maps)"
    if not libs:
        return "none mapped"
    desc = []
    for path in libs:
        text = path
        try:
            lib = ctypes.CDLL(path)
            if hasattr(lib, "openblas_get_config"):
                lib.openblas_get_config.restype = ctypes.c_char_p
                lib.openblas_get_corename.restype = ctypes.c_char_p
                text += " [%s; core %s; %d threads]" % (
                    lib.openblas_get_config().decode().strip(),
                    lib.openblas_get_corename().decode(),
                    lib.openblas_get_num_threads(),
                )
        except OSError:
            pass
        desc.append(text)
    return "; ".join(desc)


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else 0.5 * (s[n // 2 - 1] + s[n // 2])


MALLOC_TUNING = {"MALLOC_MMAP_THRESHOLD_": "67108864", "MALLOC_TRIM_THRESHOLD_": "268435456"}


def timed_training(train_step, args, warm_steps):
    """Warm up for at least 1 s and `warm_steps` steps, then `args.repetitions` timed loops of about `args.seconds`
    each; returns the samples/s of each loop and the step count reached (the next batch index)."""
    step = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 1.0 or step < warm_steps:
        train_step(step)
        step += 1
    rates = []
    for _ in range(args.repetitions):
        start = time.perf_counter()
        deadline = start + args.seconds
        steps = 0
        while True:
            train_step(step)
            step += 1
            steps += 1
            now = time.perf_counter()
            if now >= deadline:
                break
        rates.append(steps * args.batch / (now - start))
    return rates, step


def main():
    args = parse_args()
    if not args.stock_malloc and any(os.environ.get(k) != v for k, v in MALLOC_TUNING.items()):
        env = dict(os.environ, **MALLOC_TUNING)
        os.execve(sys.executable, [sys.executable] + sys.argv, env)
    # OpenBLAS sizes its own thread pool at load time: match it to --threads (torch's
    # set_num_threads sets the intra-op pool, not necessarily OpenBLAS's).
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    import numpy as np
    import torch

    torch.set_num_threads(args.torch_threads)
    torch.manual_seed(args.seed)
    if args.model in RECURRENT:
        return recurrent_benchmark(args, torch, np)
    pool_inputs, pool_labels, data_description = load_pool(args, np)
    inputs = torch.from_numpy(pool_inputs)
    labels = torch.from_numpy(pool_labels)
    pool_samples = len(pool_labels)
    batches_in_pool = pool_samples // args.batch
    xs = [inputs[i * args.batch:(i + 1) * args.batch].contiguous() for i in range(batches_in_pool)]
    ys = [labels[i * args.batch:(i + 1) * args.batch].contiguous() for i in range(batches_in_pool)]

    sizes = MODELS[args.model]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    if args.attack:
        return attack_benchmark(args, torch, model, xs, ys, batches_in_pool, data_description)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = torch.nn.CrossEntropyLoss()

    def train_step(i):
        k = i % batches_in_pool
        optimizer.zero_grad(set_to_none=True)
        loss = criterion(model(xs[k]), ys[k])
        loss.backward()
        optimizer.step()

    rates, step = timed_training(train_step, args, warm_steps=300)

    model.eval()
    ones = [inputs[i:i + 1].contiguous() for i in range(pool_samples)]
    with torch.no_grad():
        t0 = time.perf_counter()
        i = 0
        while i < 2000 or time.perf_counter() - t0 < 0.5:
            model(ones[i % pool_samples])
            i += 1
        times = []
        budget = time.perf_counter() + 1.0
        i = 0
        while i < 20000 and (i < 1000 or time.perf_counter() < budget):
            x = ones[i % pool_samples]
            a = time.perf_counter_ns()
            model(x)
            b = time.perf_counter_ns()
            times.append((b - a) / 1000.0)
            i += 1

    print(json.dumps({
        "model": args.model,
        "batch": args.batch,
        "threads": args.threads,
        "torch_threads": args.torch_threads,
        "train_samples_per_s": round(median(rates), 1),
        "predict_us_b1": round(median(times), 2),
        "blas": blas_info(),
        "malloc": "glibc default" if args.stock_malloc else "glibc, mmap threshold 64 MiB, trim threshold 256 MiB",
        "torch": torch.__version__,
        "engine": "pytorch",
        "data": data_description,
    }))
    return 0


def sequence_pool(np, steps, features, samples=RECURRENT_POOL):
    """x [S, T, F], y [S, 1] float32, as SequenceData in tests/Benchmarks/Recurrent.cs: feature f of the series
    is v_f(k) = sin(0.07 (f + 1) k + f); sample s is the window k = s .. s + T - 1, its target v_0(s + T)."""
    k = np.arange(samples + steps + 1, dtype=np.float64)
    v = np.stack([np.sin(0.07 * (f + 1) * k + f) for f in range(features)], axis=1)
    x = np.stack([v[s:s + steps] for s in range(samples)]).astype(np.float32)
    y = v[steps:steps + samples, :1].astype(np.float32)
    return np.ascontiguousarray(x), np.ascontiguousarray(y)


def recurrent_benchmark(args, torch, np):
    """Training samples/s and one-sequence predict latency of an LSTM, GRU or Conv1D regressor (issue 15 item 7)."""
    kind, steps, features, units = RECURRENT[args.model]

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = (torch.nn.LSTM if kind == "lstm" else torch.nn.GRU)(features, units, batch_first=True)
            self.head = torch.nn.Linear(units, 1)

        def forward(self, x):
            y, _ = self.rnn(x)
            return self.head(y[:, -1, :])

    class ConvNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv1d(features, units, 5, padding=2)
            self.head = torch.nn.Linear(units, 1)

        def forward(self, x):
            # x [B, T, F] (the pool's layout, as Axon stores it) -> [B, F, T] for Conv1d; ReLU; mean over T.
            y = torch.relu(self.conv(x.transpose(1, 2)))
            return self.head(y.mean(dim=2))

    model = ConvNet() if kind == "conv1d" else Net()
    x_pool, y_pool = sequence_pool(np, steps, features)
    inputs, targets = torch.from_numpy(x_pool), torch.from_numpy(y_pool)
    batches = RECURRENT_POOL // args.batch
    xs = [inputs[i * args.batch:(i + 1) * args.batch].contiguous() for i in range(batches)]
    ys = [targets[i * args.batch:(i + 1) * args.batch].contiguous() for i in range(batches)]
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = torch.nn.MSELoss()

    def train_step(i):
        k = i % batches
        optimizer.zero_grad(set_to_none=True)
        criterion(model(xs[k]), ys[k]).backward()
        optimizer.step()

    rates, step = timed_training(train_step, args, warm_steps=100)

    model.eval()
    ones = [inputs[i:i + 1].contiguous() for i in range(256)]
    with torch.no_grad():
        for i in range(500):
            model(ones[i % 256])
        times = []
        budget = time.perf_counter() + 1.0
        i = 0
        while i < 20000 and (i < 500 or time.perf_counter() < budget):
            a = time.perf_counter_ns()
            model(ones[i % 256])
            b = time.perf_counter_ns()
            times.append((b - a) / 1000.0)
            i += 1
    print(json.dumps({
        "model": args.model,
        "batch": args.batch,
        "threads": args.threads,
        "torch_threads": args.torch_threads,
        "train_samples_per_s": round(median(rates), 1),
        "predict_us_b1": round(median(times), 2),
        "blas": blas_info(),
        "malloc": "glibc default" if args.stock_malloc else "glibc, mmap threshold 64 MiB, trim threshold 256 MiB",
        "torch": torch.__version__,
        "engine": "pytorch",
        "data": "sines (%d windows of %d steps x %d features)" % (RECURRENT_POOL, steps, features),
    }))
    return 0


def attack_benchmark(args, torch, model, xs, ys, batches_in_pool, data_description):
    """PGD samples/s: the protocol of AttackThroughput in tests/Benchmarks/Program.cs."""
    import torch.nn.functional as F

    for p in model.parameters():
        p.requires_grad_(False)
    eps, alpha, steps = args.epsilon, args.step_size, args.steps
    gen = torch.Generator().manual_seed(args.seed)

    def pgd(i):
        k = i % batches_in_pool
        x, y = xs[k], ys[k]
        if args.norm == "linf":
            xa = (x + (torch.rand(x.shape, generator=gen) * 2 - 1) * eps).clamp_(0, 1)
        else:
            d = torch.randn(x.shape, generator=gen)
            d *= (eps * torch.rand(x.shape[0], 1, generator=gen) ** (1.0 / x.shape[1])) / d.norm(dim=1, keepdim=True)
            xa = (x + d).clamp_(0, 1)
        for _ in range(steps):
            xa.requires_grad_(True)
            loss = F.cross_entropy(model(xa), y, reduction="sum")  # per-sample gradients, as Axon's InputGradient
            (g,) = torch.autograd.grad(loss, xa)
            with torch.no_grad():
                if args.norm == "linf":
                    xa = xa + alpha * g.sign()
                    xa = torch.max(torch.min(xa, x + eps), x - eps).clamp_(0, 1)
                else:
                    n = g.norm(dim=1, keepdim=True)
                    xa = xa + alpha * g / torch.where(n > 0, n, torch.ones_like(n))
                    delta = xa - x
                    dn = delta.norm(dim=1, keepdim=True)
                    delta = delta * torch.clamp(eps / torch.where(dn > 0, dn, torch.ones_like(dn)), max=1.0)
                    xa = (x + delta).clamp_(0, 1)
        return xa

    # The same warm-up and timed loops as training: each "step" is one attack on a batch.
    rates, _ = timed_training(pgd, args, warm_steps=10)
    rate = median(rates)
    print(json.dumps({
        "benchmark": "attack",
        "attack": "pgd-" + args.norm,
        "model": args.model,
        "batch": args.batch,
        "steps": steps,
        "epsilon": eps,
        "step_size": alpha,
        "threads": args.threads,
        "samples_per_s": round(rate, 1),
        "ms_per_batch": round(args.batch / rate * 1000, 2),
        "sample_gradients_per_s": round(rate * steps),
        "blas": blas_info(),
        "malloc": "glibc default" if args.stock_malloc else "glibc, mmap threshold 64 MiB, trim threshold 256 MiB",
        "torch": torch.__version__,
        "data": data_description,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
