#!/usr/bin/env bash
# `custclass privacy export` and `custclass privacy erase` on the demo shop, after two runs: the
# export is valid against data_access.schema.json (its `current` against
# customer_result.schema.json), lists the customer's assignment in both runs, its live
# assignments and the referral rewards naming it as the store holds them, and is logged in the
# audit log with its 40-day deadline; with an audit log that cannot be written, it prints
# nothing and exits 3, and so does the erasure, which then erases nothing; the erasure is valid
# against erasure.schema.json, and afterwards no column of any custclass_ table mentions the
# customer's id, while the tombstone is in the audit log; --help lists the subcommands.
set -euo pipefail
custclass=$1
export CUSTCLASS_PLUGIN=$2
schemas=$(cd "$(dirname "$0")/../../abi/schemas" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$custclass" demo --dir "$dir/shop" --customers 800 > /dev/null
config=$dir/shop/custclass.yaml
db=$dir/shop/demo.sqlite
fail() { echo "FAILED  $*"; exit 1; }
ok() { echo "ok      $*"; }

"$custclass" run -c "$config" --as-of 2026-12-01 > /dev/null
runs=$(sqlite3 "$db" "SELECT count(*) FROM custclass_runs WHERE status = 'succeeded'")
[ "$runs" -ge 2 ] || fail "expected two succeeded runs, found $runs"

# A customer the live table holds and a referral reward of the demo's run names (the first such
# champion).
id=$(sqlite3 "$db" "SELECT customer_id FROM custclass_live_assignments l
                    WHERE classification = 'value' AND segment = 'champions'
                      AND EXISTS (SELECT 1 FROM custclass_referral_rewards r
                                  WHERE r.referee_id = l.customer_id OR r.referrer_id = l.customer_id)
                    ORDER BY customer_id LIMIT 1")
[ -n "$id" ] || fail "the demo's live table has no champion named by a referral reward"

# Every custclass_ column that mentions the id, as "table.column rows" lines.
mentions() {
  for table in $(sqlite3 "$db" "SELECT name FROM sqlite_master WHERE type = 'table'
                                AND name LIKE 'custclass!_%' ESCAPE '!'"); do
    for column in $(sqlite3 "$db" "SELECT name FROM pragma_table_info('$table')"); do
      n=$(sqlite3 "$db" "SELECT count(*) FROM $table WHERE CAST($column AS TEXT) LIKE '%$1%'")
      [ "$n" = 0 ] || echo "$table.$column $n"
    done
  done
}

# The export.
"$custclass" privacy export -c "$config" "$id" --as-of 2026-12-01 --actor dpo \
  > "$dir/export.json" 2> "$dir/export.err"
grep -q "data access request for $id logged" "$dir/export.err" \
  || fail "export: no summary line on standard error: $(cat "$dir/export.err")"
sqlite3 -separator '|' "$db" "SELECT run_id, classification, COALESCE(segment, '')
                              FROM custclass_assignments WHERE customer_id = '$id'" \
  | sort > "$dir/history.txt"
sqlite3 -separator '|' "$db" "SELECT classification, COALESCE(segment, ''), run_id
                              FROM custclass_live_assignments WHERE customer_id = '$id'" \
  | sort > "$dir/live.txt"
sqlite3 -separator '|' "$db" "SELECT referee_id, referrer_id, COALESCE(referred_on, ''), first_purchase,
                                     run_id, rewarded_at FROM custclass_referral_rewards
                              WHERE referee_id = '$id' OR referrer_id = '$id'
                              ORDER BY first_purchase, referee_id" > "$dir/rewards.txt"
ok "export: printed for $id"

# An audit log that cannot be written: no export, no erasure, nothing erased.
before=$(mentions "$id")
sqlite3 "$db" "CREATE TRIGGER no_audit BEFORE INSERT ON custclass_audit_log
               BEGIN SELECT RAISE(ABORT, 'the audit log cannot be written'); END"
set +e
"$custclass" privacy export -c "$config" "$id" > "$dir/blocked.out" 2> "$dir/blocked.err"; export_status=$?
"$custclass" privacy erase -c "$config" "$id" > "$dir/blocked-erase.out" 2> /dev/null; erase_status=$?
set -e
sqlite3 "$db" "DROP TRIGGER no_audit"
[ "$export_status$erase_status" = 33 ] \
  || fail "with the audit log unwritable, export and erase exited $export_status, $erase_status; expected 3 each"
[ ! -s "$dir/blocked.out" ] && [ ! -s "$dir/blocked-erase.out" ] \
  || fail "with the audit log unwritable, something was printed"
grep -q "audit log cannot be written" "$dir/blocked.err" || fail "the message does not say why: $(cat "$dir/blocked.err")"
[ "$(mentions "$id")" = "$before" ] || fail "with the audit log unwritable, the erasure changed the store"
ok "an audit log that cannot be written blocks the export and the erasure (exit 3)"

# The erasure.
"$custclass" privacy erase -c "$config" "$id" --actor dpo > "$dir/erase.json" 2> "$dir/erase.err"
grep -q "erased" "$dir/erase.err" || fail "erase: no summary line on standard error"
left=$(mentions "$id")
[ -z "$left" ] || fail "after the erasure these custclass_ columns still mention $id: $left"
ok "erase: no custclass_ row mentions $id"

# Usage: both subcommands listed; a subcommand is needed; the id is needed.
"$custclass" privacy --help > "$dir/help.txt"
for word in export erase; do
  grep -q -- "$word" "$dir/help.txt" || fail "privacy --help does not list $word"
done
set +e
"$custclass" privacy > /dev/null 2>&1; no_subcommand=$?
"$custclass" privacy export -c "$config" > /dev/null 2>&1; no_id=$?
set -e
[ "$no_subcommand$no_id" = 22 ] || fail "usage errors exited $no_subcommand, $no_id; expected 2 each"
ok "usage: subcommands listed, a subcommand and an id required"

# The compliance report: allowed for the demo (its policy approves what it reads), exit 0; the
# report of a copy without the demo's approvals is refused, exit 1, naming check 13.
"$custclass" privacy check -c "$config" --json > "$dir/report.json" || fail "privacy check exited $?"
"$custclass" privacy check -c "$config" | grep -q '^verdict: allowed' || fail "privacy check: no verdict line"
python3 - "$dir/shop/privacy.yaml" "$dir/unapproved.yaml" <<'PY'
import sys
text = open(sys.argv[1]).read()
head, _, _ = text.partition("approvals:\n")
open(sys.argv[2], "w").write(head + "approvals: []\n")
PY
sed "s#^privacy: .*#privacy: $dir/unapproved.yaml#" "$config" > "$dir/shop/unapproved.yaml"
set +e
"$custclass" privacy check -c "$dir/shop/unapproved.yaml" > "$dir/refused.txt"
status=$?
set -e
[ "$status" = 1 ] || fail "privacy check without approvals exited $status, expected 1"
grep -q '^ *13  refuse' "$dir/refused.txt" || fail "privacy check without approvals: check 13 does not refuse"
ok "privacy check: allowed with the demo's approvals, refused (exit 1, check 13) without"

python3 - "$dir" "$schemas" "$db" "$id" <<'PY'
import datetime, json, sqlite3, sys
import jsonschema

work, schemas, db, customer = sys.argv[1:5]
failures = []
def expect(cond, what):
    print(("ok      " if cond else "FAILED  ") + what)
    if not cond:
        failures.append(what)

def errors(document, name):
    schema = json.load(open(f"{schemas}/{name}"))
    found = sorted(jsonschema.Draft202012Validator(schema).iter_errors(document), key=str)
    return f": {found[0].message} at {list(found[0].path)}" if found else ""

doc = json.load(open(f"{work}/export.json"))
problem = errors(doc, "data_access.schema.json")
expect(not problem, "the export is valid against data_access.schema.json" + problem)
problem = errors(doc["current"], "customer_result.schema.json") if doc["current"] else ": null"
expect(not problem, "its current segments are valid against customer_result.schema.json" + problem)
expect(doc["customer_id"] == customer, "the export names the customer")

history = sorted(f"{h['run_id']}|{h['classification']}|{h['segment'] or ''}" for h in doc["history"])
expected = open(f"{work}/history.txt").read().split()
expect(history == expected and len({h["run_id"] for h in doc["history"]}) >= 2,
       f"history: its {len(history)} assignments over both runs, as custclass_assignments holds them")
live = sorted(f"{l['classification']}|{l['segment'] or ''}|{l['run_id']}" for l in doc["live_assignments"])
expect(live == open(f"{work}/live.txt").read().split() and live,
       f"live assignments: the {len(live)} rows of custclass_live_assignments")

rewards = [f"{r['referee_id']}|{r['referrer_id']}|{r['referred_on'] or ''}|{r['first_purchase']}|"
           f"{r['run_id']}|{r['rewarded_at']}" for r in doc["referral_rewards"]]
expect(rewards == open(f"{work}/rewards.txt").read().split() and rewards
       and all(r["role"] == ("referee" if r["referee_id"] == customer else "referrer") for r in doc["referral_rewards"]),
       f"referral rewards: the {len(rewards)} rows of custclass_referral_rewards naming it, with its role")

deadline = (datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=40)).isoformat()
expect(doc["deadline"] == deadline, f"deadline {doc['deadline']} = today (UTC) + 40 days")
request = [a for a in doc["audit"] if a["entry_id"] == doc["request_entry_id"]]
expect(len(request) == 1 and request[0]["action"] == "data_access_request"
       and request[0]["actor"] == "dpo" and deadline in request[0]["detail"],
       "the request is among its audit entries, by dpo, with its deadline")

report = json.load(open(f"{work}/report.json"))
problem = errors(report, "compliance_report.schema.json")
expect(not problem, "the compliance report is valid against compliance_report.schema.json" + problem)
expect([c["check"] for c in report["checks"]] == list(range(1, 18)) and report["verdict"] == "allowed",
       "the report has the seventeen checks in order, verdict allowed")
fairness = report["last_run"]["fairness"]
problem = errors(fairness, "fairness.schema.json") if fairness else ": null"
expect(not problem, "the last run's fairness check is valid against fairness.schema.json" + problem)

erased = json.load(open(f"{work}/erase.json"))
problem = errors(erased, "erasure.schema.json")
expect(not problem, "the erasure is valid against erasure.schema.json" + problem)
removed = erased["removed"]
expect(removed["assignments"] == len(history) and removed["live_assignments"] == len(live)
       and removed["audit_entries"] == 1 and removed["referral_rewards"] == len(rewards),
       f"it removed what the export listed ({removed})")
con = sqlite3.connect(db)
tombstone = con.execute("SELECT action, actor FROM custclass_audit_log WHERE entry_id = ?",
                        (erased["tombstone"]["entry_id"],)).fetchall()
expect(tombstone == [("erasure", "dpo")], "the tombstone is in the audit log")

print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
PY
