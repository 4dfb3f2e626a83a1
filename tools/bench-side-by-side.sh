#!/usr/bin/env bash
# Axon vs LibTorch 2.10 (TorchSharp-cpu 0.107.0) vs PyTorch 1.13 (Debian python3-torch on OpenBLAS),
# side by side on real Fashion-MNIST batches, in one run. Run time on a quiet 2-core machine: about
# 7 minutes after the two builds (about 2 minutes more the first time).
#
#   bash tools/bench-side-by-side.sh                       # everything below, 1 thread
#   ENGINES="axon libtorch" bash tools/bench-side-by-side.sh   # without PyTorch
#   SECONDS_PER_REP=2 bash tools/bench-side-by-side.sh      # longer timed loops (default 1 s × 5)
#   BREAKDOWN=0 SCALING=0 ATTACKS=0 bash tools/bench-side-by-side.sh   # the training table only
#   TRAINING=0 BREAKDOWN=0 SCALING=0 bash tools/bench-side-by-side.sh  # the PGD-40 table only
#   DATA=random bash tools/bench-side-by-side.sh            # the labelled extra: random pixels and labels
#
# 1. Training: for each model × batch, Axon's `throughput` command, then the LibTorch peer
#    (tools/TorchSharpPeer: flush-to-zero off and on, the better reported), then the PyTorch peer
#    (tools/pytorch/peer_benchmark.py), one after the other (interleaved, so the shared machine's clock
#    drift and load hit all alike). Every engine trains on the same pool (the first 8,192 Fashion-MNIST
#    training images, in file order, from $DATA_DIR: the Debian package's full set when installed, else
#    the committed subset) in the same batch order: Adam lr 1e-3, softmax cross-entropy, 1 thread.
#    Prints training samples/s, Axon's ratio to the best peer, Axon's multiply-add rate as a fraction
#    of the FMA peak measured in the same process, and one-sample prediction latency (peers: no_grad).
# 2. Targets of issue 16 against the best peer, met or short.
# 3. Breakdown: one step's time per phase (tests/Benchmarks `breakdown`).
# 4. Scaling: 2 threads vs 1 at batch 128 (tests/Benchmarks `scaling`), for the MLPs and lesson 2's CNN, with
#    the phases of a step on each (`phases`).
# 5. PGD-40 (L∞ and L2) on one batch of 128: Axon vs PyTorch.
# JSON lines are kept in $OUT (default: a temp dir). Only ratios measured here are meaningful; absolute
# numbers move with the clock and the load (PERF.md). Needs the .NET SDK, python3, and for PyTorch
#   apt-get install -y python3-torch python3-numpy libopenblas0-pthread
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

MODELS=${MODELS:-"mlp-784-128-10 mlp-784-256-256-10"}
BATCHES=${BATCHES:-"1 32 128"}
SECONDS_PER_REP=${SECONDS_PER_REP:-1}
REPETITIONS=${REPETITIONS:-5}
ENGINES=${ENGINES:-"axon libtorch pytorch"}
PYTHON=${PYTHON:-/usr/bin/python3}
DATA=${DATA:-fashion}
TRAINING=${TRAINING:-1}
BREAKDOWN=${BREAKDOWN:-1}
SCALING=${SCALING:-1}
ATTACKS=${ATTACKS:-1}
ATTACK_MODEL=${ATTACK_MODEL:-mlp-784-128-10}
ATTACK_BATCH=${ATTACK_BATCH:-128}
ATTACK_STEPS=${ATTACK_STEPS:-40}
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
has() { case " $ENGINES " in *" $1 "*) return 0;; *) return 1;; esac; }

if [ -z "${DATA_DIR:-}" ]; then
  if [ -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then DATA_DIR=/usr/share/datasets/fashion-mnist
  else DATA_DIR=$PWD/data/fashion-mnist; fi
fi
data_args=(--data "$DATA" --data-dir "$DATA_DIR")

# PyTorch must run on OpenBLAS, not the reference BLAS (a strawman at ~2-3 GFLOP/s): put the OpenBLAS
# libblas.so.3 first on the library path for the peer alone, whatever update-alternatives says.
OPENBLAS_DIR=${OPENBLAS_DIR:-/usr/lib/x86_64-linux-gnu/openblas-pthread}
if has pytorch; then
  if [ ! -e "$OPENBLAS_DIR/libblas.so.3" ] || ! "$PYTHON" -c 'import torch, numpy' 2>/dev/null; then
    echo "PyTorch peer skipped: $PYTHON cannot import torch and numpy on OpenBLAS" \
         "(apt-get install -y python3-torch python3-numpy libopenblas0-pthread)" >&2
    ENGINES=${ENGINES//pytorch/}
  fi
fi
# The PyTorch peer's environment: OpenBLAS's AVX-512 kernels where Axon uses AVX-512 (tools/peer-env.sh).
source tools/peer-env.sh

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

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)
echo "CPU: $cpu; $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg); data: $DATA ($DATA_DIR)" | tee "$OUT/machine.txt" >&2

train=(--seconds "$SECONDS_PER_REP" --repetitions "$REPETITIONS" "${data_args[@]}")
: >"$OUT/axon.jsonl"; : >"$OUT/libtorch.jsonl"; : >"$OUT/pytorch.jsonl"
for model in $MODELS; do
  for batch in $BATCHES; do
    [ "$TRAINING" = "1" ] || continue
    echo "== $model batch $batch" >&2
    "${axon[@]}" throughput --model "$model" --batch "$batch" --threads 1 "${train[@]}" | tail -n 1 | tee -a "$OUT/axon.jsonl" >&2
    if has libtorch; then
      "${libtorch[@]}" --model "$model" --batch "$batch" --threads 1 --flush best "${train[@]}" 2>/dev/null | tail -n 1 | tee -a "$OUT/libtorch.jsonl" >&2
    fi
    if has pytorch; then
      "${peer_env[@]}" "$PYTHON" tools/pytorch/peer_benchmark.py --model "$model" --batch "$batch" --threads 1 \
        "${train[@]}" | tail -n 1 | tee -a "$OUT/pytorch.jsonl" >&2
    fi
  done
done

if [ "$BREAKDOWN" = "1" ]; then
  : >"$OUT/breakdown.jsonl"
  for model in $MODELS; do
    for batch in $BATCHES; do
      echo "== breakdown $model batch $batch" >&2
      "${axon[@]}" breakdown --model "$model" --batch "$batch" "${data_args[@]}" | tail -n 1 | tee -a "$OUT/breakdown.jsonl" >&2
    done
  done
fi

if [ "$SCALING" = "1" ] && [ "$(nproc)" -ge 2 ]; then
  : >"$OUT/scaling.jsonl"
  : >"$OUT/phases.jsonl"
  # The MLPs, then lesson 2's CNN (issue 16: 2 threads >= 1.85x one for the MLPs, >= 1.6x for the CNN).
  for model in $MODELS cnn; do
    echo "== scaling $model batch 128" >&2
    "${axon[@]}" scaling --model "$model" --batch 128 --threads 2 "${data_args[@]}" | tail -n 1 | tee -a "$OUT/scaling.jsonl" >&2
    # Where the two-thread step's time goes, phase by phase (real data).
    "${axon[@]}" phases --model "$model" --batch 128 --threads 2 | tail -n 1 | tee -a "$OUT/phases.jsonl" >&2
  done
fi

if [ "$ATTACKS" = "1" ]; then
  : >"$OUT/axon-attack.jsonl"; : >"$OUT/pytorch-attack.jsonl"
  for norm in linf l2; do
    echo "== PGD-$ATTACK_STEPS $norm $ATTACK_MODEL batch $ATTACK_BATCH" >&2
    "${axon[@]}" attack --model "$ATTACK_MODEL" --batch "$ATTACK_BATCH" --steps "$ATTACK_STEPS" --norm "$norm" --threads 1 \
      --seconds "$SECONDS_PER_REP" --repetitions "$REPETITIONS" "${data_args[@]}" | tail -n 1 | tee -a "$OUT/axon-attack.jsonl" >&2
    if has pytorch; then
      "${peer_env[@]}" "$PYTHON" tools/pytorch/peer_benchmark.py --attack pgd --norm "$norm" --model "$ATTACK_MODEL" \
        --batch "$ATTACK_BATCH" --steps "$ATTACK_STEPS" --threads 1 --seconds "$SECONDS_PER_REP" --repetitions "$REPETITIONS" \
        "${data_args[@]}" | tail -n 1 | tee -a "$OUT/pytorch-attack.jsonl" >&2
    fi
  done
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt" >&2
echo >&2

python3 tools/bench-report.py "$OUT"
echo "(JSON lines: $OUT)" >&2
