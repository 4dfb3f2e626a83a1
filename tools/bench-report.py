#!/usr/bin/env python3
"""Markdown tables from the JSON lines tools/bench-side-by-side.sh leaves in a folder.

    python3 tools/bench-report.py OUT_DIR

Reads axon.jsonl, libtorch.jsonl, pytorch.jsonl (rows matched by model and batch), breakdown.jsonl,
scaling.jsonl, axon-attack.jsonl, pytorch-attack.jsonl and machine.txt; any may be missing or empty.
"""
import json
import os
import sys

# Issue 16's targets: Axon's training samples/s over the best peer's, 1 thread, real data.
TRAIN_TARGETS = {
    ("mlp-784-128-10", 1): 6.0, ("mlp-784-128-10", 32): 2.5, ("mlp-784-128-10", 128): 1.8,
    ("mlp-784-256-256-10", 1): 4.0, ("mlp-784-256-256-10", 32): 2.0, ("mlp-784-256-256-10", 128): 1.6,
}
PREDICT_TARGET_US = 5.0
PREDICT_TARGET_RATIO = 2.0
SCALING_TARGET = 1.85
CNN_SCALING_TARGET = 1.6


def load(folder, name):
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def by_key(rows):
    return {(r["model"], r["batch"]): r for r in rows}


def n(v):
    return f"{v:,.0f}"


def main(folder):
    axon = load(folder, "axon.jsonl")
    libtorch = by_key(load(folder, "libtorch.jsonl"))
    pytorch = by_key(load(folder, "pytorch.jsonl"))
    machine = os.path.join(folder, "machine.txt")
    if os.path.exists(machine):
        with open(machine) as f:
            for line in f:
                print(line.strip() + "  ")
        print()

    if axon:
        print("Training, 1 thread, samples/s (median of the timed loops); prediction of one sample, median µs.")
        print()
        print("| model | batch | Axon | LibTorch 2.10 (flush on / off) | PyTorch 1.13 | Axon / best peer | Axon FLOP/s / FMA peak "
              "| Axon predict µs | LibTorch no-grad µs | PyTorch no-grad µs | Axon B/step |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for a in axon:
            key = (a["model"], a["batch"])
            lt, pt = libtorch.get(key), pytorch.get(key)
            peers = [p["train_samples_per_s"] for p in (lt, pt) if p]
            best = max(peers) if peers else None
            if lt:
                on, off = lt.get("train_samples_per_s_flush"), lt.get("train_samples_per_s_noflush")
                lt_text = f"{n(lt['train_samples_per_s'])} ({n(on) if on else '-'} / {n(off) if off else '-'})"
            else:
                lt_text = "-"
            ratio = f"{a['train_samples_per_s'] / best:.2f}x" if best else "-"
            lt_us = f"{lt['predict_us_b1']:.2f}" if lt else "-"
            pt_us = f"{pt['predict_us_b1']:.2f}" if pt else "-"
            peak = f"{a['fraction_of_peak']:.2f} of {a['peak_gflops']:.0f} GFLOP/s" if "fraction_of_peak" in a else "-"
            print(f"| {a['model']} | {a['batch']} | {n(a['train_samples_per_s'])} | {lt_text} | "
                  f"{n(pt['train_samples_per_s']) if pt else '-'} | {ratio} | {peak} | "
                  f"{a['predict_us_b1']:.2f} | {lt_us} | {pt_us} | {a['allocated_bytes_per_step']:g} |")
        blas = {p.get("blas", "?") for p in pytorch.values()}
        if blas:
            print()
            print("PyTorch BLAS: " + " | ".join(sorted(blas)))
        print()

        print("Targets (issue 16), against the best peer in the same run:")
        print()
        print("| target | measured | status |")
        print("|---|---|---|")
        for a in axon:
            key = (a["model"], a["batch"])
            peers = [p for p in (libtorch.get(key), pytorch.get(key)) if p]
            if not peers or key not in TRAIN_TARGETS:
                continue
            best = max(peers, key=lambda p: p["train_samples_per_s"])
            ratio = a["train_samples_per_s"] / best["train_samples_per_s"]
            goal = TRAIN_TARGETS[key]
            print(f"| {key[0]} batch {key[1]} ≥ {goal:g}x {best.get('engine', 'peer')} | {ratio:.2f}x | {'met' if ratio >= goal else 'short'} |")
        for a in axon:
            key = (a["model"], a["batch"])
            lt = libtorch.get(key)
            if a["model"] != "mlp-784-128-10" or a["batch"] != 1:
                continue
            us = a["predict_us_b1"]
            print(f"| predict one sample ≤ {PREDICT_TARGET_US:g} µs | {us:.2f} µs | {'met' if us <= PREDICT_TARGET_US else 'short'} |")
            if lt:
                r = lt["predict_us_b1"] / us
                print(f"| predict ≥ {PREDICT_TARGET_RATIO:g}x faster than LibTorch no-grad | {r:.2f}x | "
                      f"{'met' if r >= PREDICT_TARGET_RATIO else 'short'} |")
        zero = all(a["allocated_bytes_per_step"] == 0 for a in axon)
        print(f"| 0 B per step | {'0 B on every row' if zero else 'allocations seen'} | {'met' if zero else 'short'} |")
        for s in load(folder, "scaling.jsonl"):
            if s["batch"] == 128:
                target = CNN_SCALING_TARGET if s["model"] == "cnn" else SCALING_TARGET
                ok = s["speedup"] >= target
                print(f"| {s['model']} batch 128: 2 threads ≥ {target}x one | {s['speedup']:.2f}x | {'met' if ok else 'short'} |")
        print()

    breakdown = load(folder, "breakdown.jsonl")
    if breakdown:
        phases = ["forward_gemm", "activation_backward", "loss", "backward_gemm", "optimizer", "other"]
        print("Breakdown of one training step, 1 thread (µs per step and share; products: fraction of the FMA peak):")
        print()
        print("| model | batch | step µs | step FLOP/s / peak | forward GEMMs | activation′ + bias | loss | backward GEMMs | Adam | other |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for b in breakdown:
            cells = []
            for p in phases:
                ph = b["phases"][p]
                text = f"{ph['us']:.1f} ({ph['share'] * 100:.0f}%"
                if "fraction_of_peak" in ph:
                    text += f", {ph['fraction_of_peak']:.2f} pk"
                cells.append(text + ")")
            print(f"| {b['model']} | {b['batch']} | {b['us_per_step_trainstep']:.1f} | {b['fraction_of_peak']:.2f} | " + " | ".join(cells) + " |")
        print()

    scaling = load(folder, "scaling.jsonl")
    if scaling:
        print("Two threads against one, same process, interleaved rounds:")
        print()
        print("| model | batch | µs/step 1 thread | µs/step 2 threads | speed-up | host ceiling: FMA peak on 2 threads / 1 |")
        print("|---|---|---|---|---|---|")
        for s in scaling:
            ceiling = f"{s['fma_peak_speedup']:.2f}x" if "fma_peak_speedup" in s else "not measured"
            print(f"| {s['model']} | {s['batch']} | {s['us_per_step_1']:.0f} | {s['us_per_step_2']:.0f} | {s['speedup']:.2f}x | {ceiling} |")
        print()
    phases = load(folder, "phases.jsonl")
    if phases:
        names = ["check", "forward", "loss", "backward", "optimizer", "step"]
        print("Phases of a real training step (the generated members, timed one by one), µs on 1 / 2 threads (speed-up):")
        print()
        print("| model | batch | input check | forward | loss | backward | optimizer | step |")
        print("|---|---|---|---|---|---|---|---|")
        for p in phases:
            t = p["threads"]
            cells = [f"{p[n]['us_1']:.0f} / {p[n][f'us_{t}']:.0f} ({p[n]['speedup']:.2f}x)" for n in names]
            print(f"| {p['model']} | {p['batch']} | " + " | ".join(cells) + " |")
        print()

    attacks = load(folder, "axon-attack.jsonl")
    torch_attacks = {(t["attack"], t["model"], t["batch"], t["steps"]): t for t in load(folder, "pytorch-attack.jsonl")}
    if attacks:
        print("PGD on one batch, 1 thread, adversarial samples/s:")
        print()
        print("| attack | model | batch | steps | Axon | PyTorch 1.13 | Axon / PyTorch | Axon B/attack |")
        print("|---|---|---|---|---|---|---|---|")
        for a in attacks:
            t = torch_attacks.get((a["attack"], a["model"], a["batch"], a["steps"]))
            print(f"| {a['attack']} (ε {a['epsilon']:g}) | {a['model']} | {a['batch']} | {a['steps']} | {n(a['samples_per_s'])} | "
                  f"{n(t['samples_per_s']) if t else '-'} | {(a['samples_per_s'] / t['samples_per_s']) if t else float('nan'):.2f}x | "
                  f"{a['allocated_bytes_per_attack']:g} |")
        print()
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
