#!/usr/bin/env bash
# `custclass demo`: builds the demo database, classifies it and prints the segment table.
set -euo pipefail
custclass=$1
export CUSTCLASS_PLUGIN=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$custclass" demo --dir "$dir/demo" --customers 2000 > "$dir/out"
cat "$dir/out"
for segment in champions at_risk hibernating lost prospect churned hong_kong_island; do
  grep -q "$segment" "$dir/out" || { echo "segment $segment missing from the demo output"; exit 1; }
done
[ -f "$dir/demo/demo.sqlite" ] && [ -f "$dir/demo/custclass.yaml" ] && [ -f "$dir/demo/rules/hk-retail.yaml" ]
# The files it wrote work with the other commands.
"$custclass" validate "$dir/demo/custclass.yaml"
"$custclass" run -c "$dir/demo/custclass.yaml" --as-of 2026-11-30 --json > "$dir/run.json"
python3 - "$dir/run.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
# Customers not yet created on the day, and those inactive past the policy's retention
# (PRIVACY.md check 8), are left out of processing.
assert s["customers"] == 2000 - s["excluded"].get("not_yet_customer", 0) - s["excluded"].get("retention", 0), s
assert s["privacy"]["retention_due"] == s["excluded"].get("retention", 0), s
assert all(c["status"] != "refuse" for c in s["privacy"]["checks"]), s
value = s["classifications"]["value"]
assert sum(value["segments"].values()) + value["unclassified"] == s["customers"], value
assert value["segments"]["champions"] > 0, value
PY
"$custclass" explain -c "$dir/demo/custclass.yaml" --as-of 2026-11-30 C000001
# The "next" lines are commands that work when pasted as they are printed.
sed -n '/^next$/,$p' "$dir/out" | tail -n +2 > "$dir/next"
[ "$(wc -l < "$dir/next")" -ge 3 ] || { echo "the demo prints no commands to try next"; exit 1; }
while read -r line; do
  case "$line" in "$custclass "*) ;; *) echo "next line does not start with the command as invoked: $line"; exit 1 ;; esac
  echo "+ $line"
  eval "$line" > "$dir/next.out" || { echo "the suggested command failed: $line"; cat "$dir/next.out"; exit 1; }
done < "$dir/next"
