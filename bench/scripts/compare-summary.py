#!/usr/bin/env python3
"""Summarise a compare-algorithms run: per-algorithm avg@1 per seed, mean, t-interval over seeds,
median step time and peak RSS from the MLflow file store the run wrote.

usage: compare-summary.py RUN.json MLRUNS_DIR [SFT_RUN.json]
RUN.json is the `tbrmflow run ... --json` output; MLRUNS_DIR the --tracking-uri directory. Metric histories
come from the MLflow runs of RUN.json's run id only. SFT_RUN.json (optional) supplies evaluate_sft when
RUN.json predates that stage (a later, cached re-run of the same workflow)."""
import json, os, re, statistics, sys

T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776}  # two-sided 95% Student t quantiles by degrees of freedom


def history(run_dir, key):
    path = os.path.join(run_dir, "metrics", *key.split("/"))
    if not os.path.exists(path):
        return []
    rows = [line.split() for line in open(path) if line.strip()]
    return [(int(r[2]), float(r[1])) for r in rows]


def main(run_json, mlruns, sft_json=None):
    run = json.load(open(run_json))
    stages = run["stages"]
    if sft_json:
        stages.setdefault("evaluate_sft", json.load(open(sft_json))["stages"]["evaluate_sft"])
    runs = {}
    for exp in os.listdir(mlruns):
        for rid in os.listdir(os.path.join(mlruns, exp)):
            name = os.path.join(mlruns, exp, rid, "tags", "mlflow.runName")
            owner = os.path.join(mlruns, exp, rid, "tags", "tbrmflow.run_id")
            if os.path.exists(name) and os.path.exists(owner) and open(owner).read().strip() == run["run_id"]:
                runs[open(name).read().strip()] = os.path.join(mlruns, exp, rid)
    algos = {}
    for sid, st in stages.items():
        m = re.match(r"evaluate\[algorithm=(\w+),seed=(\d+)\]", sid)
        if m:
            algos.setdefault(m.group(1), {})[int(m.group(2))] = st["metrics"]
    base = stages.get("evaluate_sft", {}).get("metrics", {}).get("eval/avg@1")
    print("SFT start avg@1:", base)
    print("| algorithm | avg@1 seed 1 [bootstrap 95% CI] | seed 2 | seed 3 | mean | t 95% over seeds | gain vs SFT | median step s | x TBRM n=1 | stage wall s (mean) | peak RSS MB (process) |")
    ref_step = None
    for algo, seeds in algos.items():
        vals = [seeds[s]["eval/avg@1"] for s in sorted(seeds)]
        cells = [f"{seeds[s]['eval/avg@1']:.3f} [{seeds[s]['eval/avg@1_ci_low']:.3f}, {seeds[s]['eval/avg@1_ci_high']:.3f}]" for s in sorted(seeds)]
        mean = statistics.mean(vals)
        half = T975[len(vals) - 1] * statistics.stdev(vals) / len(vals) ** 0.5 if len(vals) > 1 else float("nan")
        steps, rss, wall = [], [], []
        for s in sorted(seeds):
            sid = f"{algo}[seed={s}]"
            steps += [v for _, v in history(runs[sid], "perf/step_s")]
            rss += [v for _, v in history(runs[sid], "perf/peak_rss_mb")]
            wall.append(stages[sid]["duration_s"])
        med = statistics.median(steps)
        ref_step = ref_step or med
        gain = f"{100 * (mean - base):+.1f}" if base is not None else "n/a"
        print(f"| {algo} | " + " | ".join(cells) + f" | {mean:.3f} | [{mean - half:.3f}, {mean + half:.3f}] | {gain} | {med:.3f} | {med / ref_step:.2f} | {statistics.mean(wall):.0f} | {max(rss):.0f} |")
    print()
    print("train/reward_mean (first logged step -> last), per stage:")
    for sid in sorted(runs):
        h = history(runs[sid], "train/reward_mean")
        if h and "[" in sid:
            print(f"  {sid}: {h[0][1]:.3f} (step {h[0][0]}) -> {h[-1][1]:.3f} (step {h[-1][0]})")


if __name__ == "__main__":
    main(*sys.argv[1:4])
