#!/usr/bin/env bash
# Axon vs PyTorch 1.13 (Debian python3-torch on OpenBLAS) on issue 15's recurrent regressors, side by side
# in one run: an LSTM and a GRU (T = 30, F = 4, hidden 64, one Dense head, Adam lr 1e-3, MSE), training
# samples/s at batch 1, 32 and 128 on one thread, and one-sequence prediction latency (PyTorch: eval, no_grad).
#
#   bash tools/bench-recurrent.sh                         # both models, batches 1 32 128
#   SECONDS_PER_REP=2 REPETITIONS=5 bash tools/bench-recurrent.sh
#
# For each model × batch, Axon's `recurrent` command (tests/Benchmarks/Recurrent.cs) and then the PyTorch
# peer (tools/pytorch/peer_benchmark.py --model lstm-t30-f4-h64 ...) run one after the other, on the same
# sequence pool (sines; see SequenceData) in the same batch order, so the load of a shared machine hits
# both alike. Only the ratios mean anything; the load average is printed before and after.
# Needs the .NET SDK and: apt-get install -y python3-torch python3-numpy libopenblas0-pthread
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
MODELS=${MODELS:-"lstm-t30-f4-h64 gru-t30-f4-h64"}
BATCHES=${BATCHES:-"1 32 128"}
SECONDS_PER_REP=${SECONDS_PER_REP:-1}
REPETITIONS=${REPETITIONS:-5}
PYTHON=${PYTHON:-/usr/bin/python3}
OPENBLAS_DIR=${OPENBLAS_DIR:-/usr/lib/x86_64-linux-gnu/openblas-pthread}
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"

echo "building Axon.Benchmarks (Release)..." >&2
dotnet build -c Release tests/Benchmarks/Axon.Benchmarks.csproj -v q -nologo >"$OUT/build.log" 2>&1 \
  || { cat "$OUT/build.log" >&2; exit 1; }
axon=(dotnet tests/Benchmarks/bin/Release/net10.0/Axon.Benchmarks.dll)
peer=(env "LD_LIBRARY_PATH=$OPENBLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$PYTHON" tools/pytorch/peer_benchmark.py)
timing=(--seconds "$SECONDS_PER_REP" --repetitions "$REPETITIONS")

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)
echo "CPU: $cpu; $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/machine.txt" >&2
: >"$OUT/axon.jsonl"; : >"$OUT/pytorch.jsonl"
for model in $MODELS; do
  for batch in $BATCHES; do
    echo "== $model batch $batch" >&2
    "${axon[@]}" recurrent --model "$model" --batch "$batch" --threads 1 "${timing[@]}" | tail -n 1 | tee -a "$OUT/axon.jsonl" >&2
    "${peer[@]}" --model "$model" --batch "$batch" --threads 1 "${timing[@]}" | tail -n 1 | tee -a "$OUT/pytorch.jsonl" >&2
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt" >&2

"$PYTHON" - "$OUT" <<'PY'
import json, sys, os
out = sys.argv[1]
def load(name):
    with open(os.path.join(out, name)) as f:
        return {(r["model"], r["batch"]): r for r in map(json.loads, filter(None, f.read().splitlines()))}
axon, torch = load("axon.jsonl"), load("pytorch.jsonl")
targets = {1: 4.0, 32: 2.0, 128: 1.5}
print("| model | batch | Axon samples/s | PyTorch samples/s | ratio | target | Axon B/step |")
print("|---|---|---|---|---|---|---|")
for key in axon:
    a, t = axon[key], torch.get(key)
    if t is None: continue
    ratio = a["train_samples_per_s"] / t["train_samples_per_s"]
    goal = targets.get(key[1])
    verdict = "" if goal is None else ("≥ %.1fx met" % goal if ratio >= goal else "≥ %.1fx short" % goal)
    print("| %s | %d | %.0f | %.0f | %.2fx | %s | %s |" % (key[0], key[1], a["train_samples_per_s"], t["train_samples_per_s"], ratio, verdict, a["allocated_bytes_per_step"]))
print()
print("| model | Axon predict µs (1 sequence) | PyTorch predict µs | ratio |")
print("|---|---|---|---|")
seen = set()
for key in axon:
    if key[0] in seen or key not in torch: continue
    seen.add(key[0])
    a, t = axon[key]["predict_us_b1"], torch[key]["predict_us_b1"]
    print("| %s | %.1f | %.1f | %.2fx |" % (key[0], a, t, t / a))
PY
echo "(JSON lines: $OUT)" >&2
