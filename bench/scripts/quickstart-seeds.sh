#!/usr/bin/env bash
# Runs workflows/quickstart.yaml for each seed (default 1 2 3) and prints SFT avg@1, TBRM avg@1,
# the gain in points and the wall time of the whole run.
# Usage: bench/scripts/quickstart-seeds.sh [path/to/tbrmflow] [seed ...]
# The default binary is the CLI's build output; build it first: dotnet build src/TbrmFlow.Cli
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${1:-$root/src/TbrmFlow.Cli/bin/Debug/net10.0/tbrmflow}"
shift || true
seeds="${*:-1 2 3}"
home="$(mktemp -d)"
printf "%-5s %-9s %-10s %-7s %-8s\n" seed sft_avg1 tbrm_avg1 gain wall_s
for seed in $seeds; do
  start=$(date +%s.%N)
  RUN_JSON="$("$bin" run "$root/workflows/quickstart.yaml" -p seed="$seed" --json --home "$home/$seed" 2>/dev/null)" || true
  end=$(date +%s.%N)
  RUN_JSON="$RUN_JSON" python3 -c '
import json, os, sys
seed, start, end = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
doc = json.loads(os.environ["RUN_JSON"])
avg = {k: v["metrics"].get("eval/avg@1") for k, v in doc["stages"].items()}
sft, tbrm = avg["evaluate[policy=sft]"], avg["evaluate[policy=tbrm]"]
print(f"{seed:<5} {sft:<9.3f} {tbrm:<10.3f} {100 * (tbrm - sft):<+7.1f} {end - start:<8.1f}")
' "$seed" "$start" "$end"
done
