#!/usr/bin/env bash
# Time to steady training speed in a fresh process, under the .NET JIT settings worth trying, for
# the main job's model (mlp-784-128-10, batch 128, real Fashion-MNIST) and the lessons' small model
# (mlp-2-64-64-2, batch 32). About 2 minutes after the build on a quiet 2-core machine.
#
#   bash tools/bench-warmup.sh
#   ROUNDS=5 SECONDS_PER_RUN=4 bash tools/bench-warmup.sh
#   BASELINE=/tmp/before bash tools/bench-warmup.sh   # also a copy of an earlier build's bin/Release/net10.0
#
# Each run is a new process (JIT state is per process) of tests/Benchmarks `warmup`; settings are
# interleaved round by round so load drifts hit all alike; the table shows medians over the rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-3}
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
dotnet build -c Release tests/Benchmarks/Axon.Benchmarks.csproj -v q -nologo >"$OUT/build.log" 2>&1 \
  || { cat "$OUT/build.log" >&2; exit 1; }
if [ -z "${DATA_DIR:-}" ]; then
  if [ -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then DATA_DIR=/usr/share/datasets/fashion-mnist
  else DATA_DIR=$PWD/data/fashion-mnist; fi
fi
settings=("" "DOTNET_TieredPGO=0" "DOTNET_TC_QuickJitForLoops=0" "DOTNET_TieredCompilation=0")
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1); load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
: >"$OUT/warmup.jsonl"
for round in $(seq "$ROUNDS"); do
  for job in "mlp-784-128-10 128" "mlp-2-64-64-2 32"; do
    set -- $job
    for s in "${settings[@]}"; do
      env $s dotnet tests/Benchmarks/bin/Release/net10.0/Axon.Benchmarks.dll warmup --model "$1" --batch "$2" \
        --seconds "$SECONDS_PER_RUN" --data-dir "$DATA_DIR" | tail -n 1 | tee -a "$OUT/warmup.jsonl" >&2
    done
    if [ -n "${BASELINE:-}" ]; then
      dotnet "$BASELINE/Axon.Benchmarks.dll" warmup --model "$1" --batch "$2" --seconds "$SECONDS_PER_RUN" --data-dir "$DATA_DIR" | tail -n 1 \
        | sed 's/"jit":"default"/"jit":"default, baseline build"/' | tee -a "$OUT/warmup.jsonl" >&2
    fi
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
python3 - "$OUT/warmup.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
groups = {}
for r in rows:
    groups.setdefault((r["model"], r["batch"], r["jit"]), []).append(r)
print("| model | batch | JIT setting | first step ms | ms to 90% of steady | time lost to warm-up ms | samples in 1st second / steady | steady samples/s (vs default) |")
print("|---|---|---|---|---|---|---|---|")
med = lambda rs, k: statistics.median(r[k] for r in rs)
for (model, batch, jit), rs in groups.items():
    base = med(groups[(model, batch, "default")], "steady_samples_per_s")
    steady = med(rs, "steady_samples_per_s")
    print(f"| {model} | {batch} | {jit} | {med(rs, 'first_step_ms'):.0f} | {med(rs, 'ms_to_90pct'):.0f} | {med(rs, 'warmup_lost_ms'):.0f} | "
          f"{med(rs, 'samples_first_second') / steady:.2f} | {steady:,.0f} ({steady / base:.2f}x) |")
PY
echo "(JSON lines: $OUT)" >&2
