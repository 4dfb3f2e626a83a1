#!/usr/bin/env bash
# Axon vs PyTorch (Debian python3-torch 1.13 on OpenBLAS), side by side in one run.
#
#   bash tools/bench-side-by-side.sh            # models x batch {1,32,128} x threads 1
#   SECONDS_PER_REP=1 REPETITIONS=3 bash tools/bench-side-by-side.sh   # quicker, noisier
#   ATTACKS=0 bash tools/bench-side-by-side.sh   # skip the PGD-40 table (run by default)
#   TRAINING=0 bash tools/bench-side-by-side.sh  # the PGD-40 table only
#
# For each configuration it runs Axon's throughput command and then the PyTorch peer right after
# it (interleaved, so the shared machine's clock drift and load hit both alike), then prints a
# Markdown table of training samples/s, their ratio and single-sample predict latency. The JSON
# lines are kept in $OUT (default: a temp dir). Needs the .NET SDK and
#   apt-get install -y python3-torch python3-numpy libopenblas0-pthread
# Only the ratios measured here are meaningful; absolute numbers move with the clock (PERF.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

MODELS=${MODELS:-"mlp-784-128-10 mlp-784-256-256-10"}
BATCHES=${BATCHES:-"1 32 128"}
THREADS=${THREADS:-1}
SECONDS_PER_REP=${SECONDS_PER_REP:-2}
REPETITIONS=${REPETITIONS:-5}
PYTHON=${PYTHON:-/usr/bin/python3}
ATTACKS=${ATTACKS:-1}
TRAINING=${TRAINING:-1}
ATTACK_MODEL=${ATTACK_MODEL:-mlp-784-128-10}
ATTACK_BATCH=${ATTACK_BATCH:-128}
ATTACK_STEPS=${ATTACK_STEPS:-40}
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"

# The peer must run on OpenBLAS, not the reference BLAS (a strawman at ~2-3 GFLOP/s): put the
# OpenBLAS libblas.so.3 first on the library path for the peer alone, whatever update-alternatives says.
OPENBLAS_DIR=${OPENBLAS_DIR:-/usr/lib/x86_64-linux-gnu/openblas-pthread}
if [ ! -e "$OPENBLAS_DIR/libblas.so.3" ]; then
  echo "OpenBLAS not found in $OPENBLAS_DIR: apt-get install -y python3-torch python3-numpy libopenblas0-pthread" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import torch, numpy' 2>/dev/null; then
  echo "$PYTHON cannot import torch and numpy: apt-get install -y python3-torch python3-numpy libopenblas0-pthread" >&2
  exit 1
fi
# Axon's GEMM uses AVX-512 where the CPU has it; OpenBLAS would then run its SkylakeX kernels too,
# but this workplace pins OPENBLAS_CORETYPE (Haswell = AVX2) for old OpenBLAS builds' sake. Give
# the peer the same instruction set as Axon unless PEER_OPENBLAS_CORETYPE says otherwise.
if [ -z "${PEER_OPENBLAS_CORETYPE+x}" ]; then
  if grep -qw avx512f /proc/cpuinfo; then PEER_OPENBLAS_CORETYPE=SkylakeX; else PEER_OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-}; fi
fi
peer_env=(env "LD_LIBRARY_PATH=$OPENBLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
if [ -n "$PEER_OPENBLAS_CORETYPE" ]; then peer_env+=("OPENBLAS_CORETYPE=$PEER_OPENBLAS_CORETYPE"); else peer_env+=(-u OPENBLAS_CORETYPE); fi

echo "building Axon.Benchmarks (Release)..." >&2
dotnet build -c Release tests/Benchmarks/Axon.Benchmarks.csproj -v q -nologo >"$OUT/build.log" 2>&1 \
  || { cat "$OUT/build.log" >&2; exit 1; }

if [ "$TRAINING" = "1" ]; then
axon_json="$OUT/axon.jsonl"; torch_json="$OUT/torch.jsonl"
: >"$axon_json"; : >"$torch_json"
for model in $MODELS; do
  for batch in $BATCHES; do
    for threads in $THREADS; do
      echo "== $model batch $batch threads $threads" >&2
      dotnet run -c Release --no-build --project tests/Benchmarks -- throughput --model "$model" --batch "$batch" \
        --threads "$threads" --seconds "$SECONDS_PER_REP" --repetitions "$REPETITIONS" | tail -n 1 | tee -a "$axon_json" >&2
      # With several threads PyTorch has two knobs; run both of its settings and keep its best:
      # torch intra-op threads = OpenBLAS threads, and 1 torch thread over the OpenBLAS threads.
      best=""
      for torch_threads in $(if [ "$threads" -gt 1 ]; then echo "$threads 1"; else echo 1; fi); do
        line=$("${peer_env[@]}" "$PYTHON" tools/pytorch/peer_benchmark.py --model "$model" --batch "$batch" \
          --threads "$threads" --torch-threads "$torch_threads" --seconds "$SECONDS_PER_REP" --repetitions "$REPETITIONS" | tail -n 1)
        echo "$line" >&2
        best=$("$PYTHON" -c 'import json,sys; a=[json.loads(x) for x in sys.argv[1:] if x]; print(json.dumps(max(a, key=lambda r: r["train_samples_per_s"])))' "$best" "$line")
      done
      echo "$best" >>"$torch_json"
    done
  done
done

"$PYTHON" - "$axon_json" "$torch_json" <<'PY'
import json, sys
axon = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
torch = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
fmt = lambda v: f"{v:,.0f}"
print("| model | batch | threads | Axon samples/s | PyTorch samples/s | Axon / PyTorch | Axon predict b1 (µs) | PyTorch predict b1 (µs) | PyTorch / Axon latency | Axon bytes/step |")
print("|---|---|---|---|---|---|---|---|---|---|")
blas = set()
for a, t in zip(axon, torch):
    assert (a["model"], a["batch"], a["threads"]) == (t["model"], t["batch"], t["threads"]), (a, t)
    threads = str(a["threads"]) + (f" (Axon ran {a['threads_implemented']})" if "threads_implemented" in a else "")
    if t.get("torch_threads", t["threads"]) != t["threads"]:
        threads += f" (PyTorch best: {t['torch_threads']} torch × {t['threads']} OpenBLAS)"
    print(f"| {a['model']} | {a['batch']} | {threads} | {fmt(a['train_samples_per_s'])} | {fmt(t['train_samples_per_s'])} | "
          f"{a['train_samples_per_s'] / t['train_samples_per_s']:.2f}x | {a['predict_us_b1']:.1f} | {t['predict_us_b1']:.1f} | "
          f"{t['predict_us_b1'] / a['predict_us_b1']:.1f}x | {a['allocated_bytes_per_step']:g} |")
    blas.add(t["blas"])
print()
print("PyTorch " + torch[0].get("torch", "?") + ", BLAS: " + " | ".join(sorted(blas)))
if not any("openblas" in b.lower() for b in blas):
    print("WARNING: the peer did not run on OpenBLAS; its numbers are a strawman", file=sys.stderr)
    sys.exit(1)
PY
fi

if [ "$ATTACKS" = "1" ]; then
  # PGD-40 (L∞ ε 0.1 and L2 ε 1, random start) on one batch, the same interleaving: input gradients
  # only on both sides, 1 thread.
  axon_attack="$OUT/axon-attack.jsonl"; torch_attack="$OUT/torch-attack.jsonl"
  : >"$axon_attack"; : >"$torch_attack"
  for norm in linf l2; do
    echo "== PGD-$ATTACK_STEPS $norm $ATTACK_MODEL batch $ATTACK_BATCH" >&2
    dotnet run -c Release --no-build --project tests/Benchmarks -- attack --model "$ATTACK_MODEL" --batch "$ATTACK_BATCH" \
      --steps "$ATTACK_STEPS" --norm "$norm" --threads 1 | tail -n 1 | tee -a "$axon_attack" >&2
    "${peer_env[@]}" "$PYTHON" tools/pytorch/peer_benchmark.py --attack pgd --norm "$norm" --model "$ATTACK_MODEL" \
      --batch "$ATTACK_BATCH" --steps "$ATTACK_STEPS" --threads 1 | tail -n 1 | tee -a "$torch_attack" >&2
  done
  echo
  "$PYTHON" - "$axon_attack" "$torch_attack" <<'PY'
import json, sys
axon = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
torch = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
print("| attack | model | batch | steps | Axon samples/s | PyTorch samples/s | Axon / PyTorch | Axon bytes/attack |")
print("|---|---|---|---|---|---|---|---|")
for a, t in zip(axon, torch):
    assert (a["attack"], a["model"], a["batch"], a["steps"]) == (t["attack"], t["model"], t["batch"], t["steps"]), (a, t)
    print(f"| {a['attack']} (ε {a['epsilon']:g}) | {a['model']} | {a['batch']} | {a['steps']} | {a['samples_per_s']:,.0f} | "
          f"{t['samples_per_s']:,.0f} | {a['samples_per_s'] / t['samples_per_s']:.2f}x | {a['allocated_bytes_per_attack']:g} |")
PY
fi
echo "(JSON lines: $OUT)" >&2
