#!/usr/bin/env bash
# `custclass validate` on a config with a misspelt key: exit 1, and file:line:column of the key.
set -euo pipefail
custclass=$1
export CUSTCLASS_PLUGIN=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/rules.yaml" <<'YAML'
custclass: 1
name: t
version: "1"
classifications:
  - id: v
    segments:
      - id: a
        when: frequency >= 1
YAML
cat > "$dir/custclass.yaml" <<'YAML'
custclass: 1
source:
  preset: generic
  connection: "sqlite3://db=shop.sqlite"
  querys:
    customers: SELECT 1 AS customer_id
rules: rules.yaml
YAML
status=0
"$custclass" validate "$dir/custclass.yaml" 2> "$dir/err" || status=$?
cat "$dir/err"
[ "$status" -eq 1 ] || { echo "expected exit 1, got $status"; exit 1; }
grep -qF "$dir/custclass.yaml:5:3: error: unknown key \`querys\` in \`source\`" "$dir/err" ||
  { echo "the diagnostic with file:line:column is missing"; exit 1; }
# A valid rule set validates with exit 0.
"$custclass" validate "$dir/rules.yaml"
