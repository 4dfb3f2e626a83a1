#!/usr/bin/env bash
# Axon vs PyTorch 1.13 (Debian python3-torch on OpenBLAS) and LibTorch 2.10 (TorchSharp-cpu 0.107.0, the
# stronger peer; flush-to-zero off and on, the better kept) on issue 15's sequence regressors, side by side
# in one run: an LSTM and a GRU (T = 30, F = 4, hidden 64, one Dense head, Adam lr 1e-3, MSE) and a Conv1D
# (32 filters of width 5, same padding, ReLU, the mean over steps, one Dense head), training
# samples/s at batch 1, 32 and 128 on one thread, and one-sequence prediction latency (PyTorch: eval, no_grad).
#
#   bash tools/bench-recurrent.sh                         # both models, batches 1 32 128
#   SECONDS_PER_REP=2 REPETITIONS=5 bash tools/bench-recurrent.sh
#   ENGINES="axon pytorch" bash tools/bench-recurrent.sh  # without LibTorch
#
# For each model × batch, Axon's `recurrent` command (tests/Benchmarks/Recurrent.cs), then the PyTorch
# peer (tools/pytorch/peer_benchmark.py --model lstm-t30-f4-h64 ...), then the LibTorch peer
# (tools/TorchSharpPeer --model lstm-t30-f4-h64 ...) run one after the other, on the same
# sequence pool (sines; see SequenceData) in the same batch order, so the load of a shared machine hits
# both alike. Only the ratios mean anything; the load average is printed before and after.
# Needs the .NET SDK and: apt-get install -y python3-torch python3-numpy libopenblas0-pthread
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
MODELS=${MODELS:-"lstm-t30-f4-h64 gru-t30-f4-h64 conv1d-t30-f4-c32"}
BATCHES=${BATCHES:-"1 32 128"}
SECONDS_PER_REP=${SECONDS_PER_REP:-1}
REPETITIONS=${REPETITIONS:-5}
PYTHON=${PYTHON:-/usr/bin/python3}
ENGINES=${ENGINES:-"axon pytorch libtorch"}
has() { case " $ENGINES " in *" $1 "*) return 0;; *) return 1;; esac; }
OPENBLAS_DIR=${OPENBLAS_DIR:-/usr/lib/x86_64-linux-gnu/openblas-pthread}
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"

echo "building Axon.Benchmarks (Release)..." >&2
dotnet build -c Release tests/Benchmarks/Axon.Benchmarks.csproj -v q -nologo >"$OUT/build.log" 2>&1 \
  || { cat "$OUT/build.log" >&2; exit 1; }
axon=(dotnet tests/Benchmarks/bin/Release/net10.0/Axon.Benchmarks.dll)
if has libtorch; then
  echo "building tools/TorchSharpPeer (Release; restores TorchSharp-cpu 0.107.0 the first time)..." >&2
  dotnet build -c Release tools/TorchSharpPeer/TorchSharpPeer.csproj -v q -nologo >"$OUT/build-libtorch.log" 2>&1 \
    || { cat "$OUT/build-libtorch.log" >&2; exit 1; }
fi
libtorch=(dotnet tools/TorchSharpPeer/bin/Release/net10.0/linux-x64/TorchSharpPeer.dll)
# The PyTorch peer on OpenBLAS's AVX-512 kernels where Axon uses AVX-512 (tools/peer-env.sh; before, OpenBLAS 0.3.21
# fell back to its generic Prescott kernels on an Intel Xeon with AMX, a weaker peer than it can be).
source tools/peer-env.sh
peer=("${peer_env[@]}" "$PYTHON" tools/pytorch/peer_benchmark.py)
timing=(--seconds "$SECONDS_PER_REP" --repetitions "$REPETITIONS")

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)
echo "CPU: $cpu; $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/machine.txt" >&2
: >"$OUT/axon.jsonl"; : >"$OUT/pytorch.jsonl"; : >"$OUT/libtorch.jsonl"
for model in $MODELS; do
  for batch in $BATCHES; do
    echo "== $model batch $batch" >&2
    "${axon[@]}" recurrent --model "$model" --batch "$batch" --threads 1 "${timing[@]}" | tail -n 1 | tee -a "$OUT/axon.jsonl" >&2
    if has pytorch; then
      "${peer[@]}" --model "$model" --batch "$batch" --threads 1 "${timing[@]}" | tail -n 1 | tee -a "$OUT/pytorch.jsonl" >&2
    fi
    if has libtorch; then
      "${libtorch[@]}" --model "$model" --batch "$batch" --threads 1 --flush best "${timing[@]}" 2>/dev/null | tail -n 1 | tee -a "$OUT/libtorch.jsonl" >&2
    fi
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt" >&2

"$PYTHON" - "$OUT" <<'PY'
import json, sys, os
out = sys.argv[1]
def load(name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return {(r["model"], r["batch"]): r for r in map(json.loads, filter(None, f.read().splitlines()))}
axon, torch, lt = load("axon.jsonl"), load("pytorch.jsonl"), load("libtorch.jsonl")
targets = {1: 4.0, 32: 2.0, 128: 1.5}
def cell(d, key, field, fmt="%.0f"):
    return fmt % d[key][field] if key in d else "-"
def ratio(key, d):
    return "%.2fx" % (axon[key]["train_samples_per_s"] / d[key]["train_samples_per_s"]) if key in d else "-"
print("Training samples/s, 1 thread (targets against PyTorch: issue 15 item 7)")
print()
print("| model | batch | Axon | PyTorch 1.13 | LibTorch 2.10 | Axon / PyTorch | target | Axon / LibTorch | Axon B/step |")
print("|---|---|---|---|---|---|---|---|---|")
for key in axon:
    goal = targets.get(key[1])
    verdict = "-"
    if goal is not None and key in torch and not key[0].startswith("conv1d"):   # the targets are the recurrent layers' (issue 15 item 7)
        r = axon[key]["train_samples_per_s"] / torch[key]["train_samples_per_s"]
        verdict = ("≥ %.1fx met" if r >= goal else "≥ %.1fx short") % goal
    print("| %s | %d | %s | %s | %s | %s | %s | %s | %s |" % (key[0], key[1], cell(axon, key, "train_samples_per_s"),
          cell(torch, key, "train_samples_per_s"), cell(lt, key, "train_samples_per_s"), ratio(key, torch), verdict,
          ratio(key, lt), axon[key]["allocated_bytes_per_step"]))
print()
print("One-sequence prediction latency, µs (median; the peers in eval mode under no_grad)")
print()
print("| model | Axon | PyTorch 1.13 | LibTorch 2.10 |")
print("|---|---|---|---|")
seen = set()
for key in axon:
    if key[0] in seen:
        continue
    seen.add(key[0])
    print("| %s | %s | %s | %s |" % (key[0], cell(axon, key, "predict_us_b1", "%.1f"), cell(torch, key, "predict_us_b1", "%.1f"), cell(lt, key, "predict_us_b1", "%.1f")))
PY
echo "(JSON lines: $OUT)" >&2
