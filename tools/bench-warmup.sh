#!/usr/bin/env bash
# Time to steady training speed in a fresh process, under the .NET JIT settings worth trying, for the
# main job's model (mlp-784-128-10, batch 128, real Fashion-MNIST) and the lessons' small model
# (mlp-2-64-64-2, batch 32, two rings), both trained through Trainer.Fit (the lessons' path) and timed
# epoch by epoch in wall time and in the process's CPU time; with LESSONS=1 also the four lessons' whole
# run time. About 4 minutes after the build on a quiet 2-core machine (LESSONS=1: 6 more).
#
#   bash tools/bench-warmup.sh
#   ROUNDS=5 LESSONS=1 bash tools/bench-warmup.sh
#   SETTINGS="default|DOTNET_TieredCompilation=0" bash tools/bench-warmup.sh
#   JOBS="mlp-2-64-64-2 32 150,mlp-784-128-10 128 30" bash tools/bench-warmup.sh   # model batch epochs, ...
#
# Each run is a new process (JIT state is per process); the settings are interleaved round by round so
# load drifts hit all alike; the tables show medians over the rounds. Compare CPU times on a shared
# machine: other processes stretch the wall time, much less the CPU time this process uses. A setting is
# given as environment variables, which win over a program's runtimeconfig.json. "default" is the
# runtime's defaults everywhere: the lessons, built with QuickJit off (examples/Directory.Build.props),
# run with DOTNET_TC_QuickJit=1 added under every setting that does not name TC_QuickJit itself.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
ROUNDS=${ROUNDS:-3}
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
IFS='|' read -r -a settings <<<"${SETTINGS:-default|DOTNET_TC_QuickJit=0|DOTNET_TieredCompilation=0|DOTNET_TC_QuickJitForLoops=0|DOTNET_TieredPGO=0|DOTNET_TieredPGO=0 DOTNET_TC_CallCountingDelayMs=0}"
lessons=(FashionMnist FashionCnn CreditRisk MarketPrediction)
projects=(tests/Benchmarks/Axon.Benchmarks.csproj)
[ "${LESSONS:-0}" = 1 ] && for l in "${lessons[@]}"; do projects+=("examples/$l/$l.csproj"); done
for p in "${projects[@]}"; do
  dotnet build -c Release "$p" -v q -nologo >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; exit 1; }
done
if [ -z "${DATA_DIR:-}" ]; then
  if [ -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then DATA_DIR=/usr/share/datasets/fashion-mnist
  else DATA_DIR=$PWD/data/fashion-mnist; fi
fi
load() { cut -d' ' -f1 /proc/loadavg; }
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1); load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
: >"$OUT/warmup.jsonl"
: >"$OUT/lessons.jsonl"
for round in $(seq "$ROUNDS"); do
  for s in "${settings[@]}"; do
    vars=${s#default}
    IFS=',' read -r -a jobs <<<"${JOBS:-mlp-2-64-64-2 32 300,mlp-784-128-10 128 40}"
    for job in "${jobs[@]}"; do
      read -r model batch epochs <<<"$job"
      line=$(env $vars dotnet tests/Benchmarks/bin/Release/net10.0/Axon.Benchmarks.dll warmup --model "$model" --batch "$batch" \
        --fit "$epochs" --data-dir "$DATA_DIR" | tail -n 1)
      echo "{\"setting\":\"$s\",\"load\":$(load),${line#\{}" | tee -a "$OUT/warmup.jsonl" >&2
    done
    if [ "${LESSONS:-0}" = 1 ]; then
      for l in "${lessons[@]}"; do
        lvars=$vars
        case "$vars" in *TC_QuickJit=*) ;; *) lvars="DOTNET_TC_QuickJit=1 $vars" ;; esac
        /usr/bin/time -f "%e %U %S" -o "$OUT/time.txt" env $lvars dotnet "examples/$l/bin/Release/net10.0/$l.dll" >"$OUT/$l.out" 2>&1 \
          || { echo "$l failed under '$s':" >&2; tail "$OUT/$l.out" >&2; exit 1; }
        read -r wall user sys <"$OUT/time.txt"
        echo "{\"setting\":\"$s\",\"lesson\":\"$l\",\"wall_s\":$wall,\"cpu_s\":$(python3 -c "print(round($user+$sys,2))"),\"load\":$(load)}" \
          | tee -a "$OUT/lessons.jsonl" >&2
        # The settings change code generation only: every lesson must print the same figures under each.
        sed -E 's/[0-9.]+ s( |$)|[0-9]+ samples\/s|in [0-9.]+ s//g' "$OUT/$l.out" >"$OUT/$l.$round.$(echo "$s" | tr -c 'A-Za-z0-9\n' _).txt"
      done
    fi
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
if [ "${LESSONS:-0}" = 1 ]; then
  for l in "${lessons[@]}"; do
    first=$(ls "$OUT/$l".*.txt | head -n 1)
    for f in "$OUT/$l".*.txt; do cmp -s "$first" "$f" || echo "warning: $l printed other figures in $f than in $first" >&2; done
  done
fi
python3 - "$OUT" <<'PY'
import json, os, statistics, sys
out = sys.argv[1]
rows = [json.loads(l) for l in open(os.path.join(out, "warmup.jsonl")) if l.strip()]
med = lambda rs, k: statistics.median(float(r[k]) for r in rs)
groups = {}
for r in rows:
    groups.setdefault((r["model"], r["batch"], r["epochs"]), {}).setdefault(r["setting"], []).append(r)
print("Trainer.Fit, epoch by epoch (process CPU time; steady = median epoch of the last third; steady state = the first epoch within 10 % of it):\n")
print("| model | batch × epochs | JIT setting | 1st epoch ms | epochs to steady | ms to steady | ms lost to warm-up | whole fit ms | steady samples/s (vs default) | wall: ms to steady, whole fit | load |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for (model, batch, epochs), by in groups.items():
    base = med(by["default"], "cpu_steady_samples_per_s") if "default" in by else float("nan")
    for s, rs in by.items():
        steady = med(rs, "cpu_steady_samples_per_s")
        print(f"| {model} | {batch} × {epochs} | {s} | {med(rs, 'cpu_first_epoch_ms'):.0f} | {med(rs, 'cpu_epochs_to_steady'):.0f} | "
              f"{med(rs, 'cpu_ms_to_steady'):.0f} | {med(rs, 'cpu_warmup_lost_ms'):.0f} | {med(rs, 'cpu_total_ms'):.0f} | "
              f"{steady:,.0f} ({steady / base:.3f}x) | {med(rs, 'ms_to_steady'):.0f}, {med(rs, 'total_ms'):.0f} | {med(rs, 'load'):.1f} |")
path = os.path.join(out, "lessons.jsonl")
lessons = [json.loads(l) for l in open(path) if l.strip()]
if lessons:
    print("\nLessons, the whole run (`dotnet examples/<lesson>/bin/Release/net10.0/<lesson>.dll`, default arguments):\n")
    print("| lesson | JIT setting | CPU s (vs default) | wall s | load |")
    print("|---|---|---|---|---|")
    by = {}
    for r in lessons:
        by.setdefault(r["lesson"], {}).setdefault(r["setting"], []).append(r)
    for lesson, settings in by.items():
        base = med(settings["default"], "cpu_s") if "default" in settings else float("nan")
        for s, rs in settings.items():
            print(f"| {lesson} | {s} | {med(rs, 'cpu_s'):.2f} ({med(rs, 'cpu_s') / base:.2f}x) | {med(rs, 'wall_s'):.2f} | {med(rs, 'load'):.1f} |")
PY
echo "(JSON lines: $OUT)" >&2
