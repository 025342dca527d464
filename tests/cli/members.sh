#!/usr/bin/env bash
# `custclass members` on the demo shop: the ids it streams are exactly the customers that the
# live assignment table (custclass_live_assignments) holds for the segment, in every --format,
# also after that table changed as a hook changes it; `--purpose marketing` keeps a subset, and
# every customer it leaves out has no marketing consent or an opt-out (by id, e-mail or phone) in
# the demo database, every one it keeps has consent and none, and the --json summary counts them
# so; --json validates against members.schema.json; an unknown or ambiguous segment exits 2 with
# a message naming it; --help lists the options.
set -euo pipefail
custclass=$1
export CUSTCLASS_PLUGIN=$2
schemas=$(cd "$(dirname "$0")/../../abi/schemas" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$custclass" demo --dir "$dir/shop" --customers 2500 > /dev/null
config=$dir/shop/custclass.yaml
db=$dir/shop/demo.sqlite
fail() { echo "FAILED  $*"; exit 1; }
ok() { echo "ok      $*"; }

# The live table's members of a segment, in the order the command prints them.
live() {
  sqlite3 "$db" "SELECT customer_id FROM custclass_live_assignments
                 WHERE classification = '$1' AND segment = '$2' ORDER BY customer_id"
}

# csv: a header line, then exactly the live table's members.
"$custclass" members -c "$config" champions --format csv > "$dir/champions.csv"
[ "$(head -n 1 "$dir/champions.csv")" = customer_id ] || fail "csv: the first line is not the header"
live value champions > "$dir/expected.txt"
[ -s "$dir/expected.txt" ] || fail "the demo's live table has no champions"
tail -n +2 "$dir/champions.csv" | diff "$dir/expected.txt" - > /dev/null \
  || fail "csv: the ids differ from the live table's champions"
ok "csv: header and the $(wc -l < "$dir/expected.txt") champions of the live table"

# table (the default): the same ids on standard output, the summary line on standard error.
"$custclass" members -c "$config" champions > "$dir/champions.txt" 2> "$dir/champions.err"
diff "$dir/expected.txt" "$dir/champions.txt" > /dev/null || fail "table: the ids differ"
grep -q "$(wc -l < "$dir/expected.txt") members of value/champions" "$dir/champions.err" \
  || fail "table: no summary line on standard error: $(cat "$dir/champions.err")"
ok "table: the same ids, and the summary line on standard error"

# jsonl: one {"customer_id": ...} object a line, the same ids.
"$custclass" members -c "$config" champions --format jsonl > "$dir/champions.jsonl"
python3 -c '
import json, sys
ids = [json.loads(line)["customer_id"] for line in open(sys.argv[1])]
sys.exit(ids != open(sys.argv[2]).read().split())' "$dir/champions.jsonl" "$dir/expected.txt" \
  || fail "jsonl: the ids differ"
ok "jsonl: the same ids"

# A segment id used by two classifications (`new`): refused without --classification.
set +e
"$custclass" members -c "$config" new > /dev/null 2> "$dir/ambiguous.err"; status=$?
set -e
[ "$status" = 2 ] || fail "an ambiguous segment exited $status, expected 2"
grep -q 'name the classification' "$dir/ambiguous.err" || fail "ambiguous: $(cat "$dir/ambiguous.err")"
"$custclass" members -c "$config" new --classification lifecycle --format csv | tail -n +2 \
  | diff <(live lifecycle new) - > /dev/null || fail "--classification lifecycle: the ids differ"
ok "an ambiguous segment is refused; --classification picks one"

# What a hook does: the live table changes, and the list follows it (not the run's assignments).
moved=$(sqlite3 "$db" "SELECT customer_id FROM custclass_live_assignments
                       WHERE classification = 'value' AND segment = 'lost'
                       ORDER BY customer_id LIMIT 1")
gone=$(head -n 1 "$dir/expected.txt")
sqlite3 "$db" "UPDATE custclass_live_assignments SET segment = 'champions'
               WHERE classification = 'value' AND customer_id = '$moved';
               UPDATE custclass_live_assignments SET segment = 'loyal'
               WHERE classification = 'value' AND customer_id = '$gone'"
"$custclass" members -c "$config" champions > "$dir/after.txt" 2> /dev/null
grep -qx "$moved" "$dir/after.txt" || fail "a customer moved into champions is missing"
! grep -qx "$gone" "$dir/after.txt" || fail "a customer moved out of champions is still listed"
live value champions | diff - "$dir/after.txt" > /dev/null || fail "after the change: the ids differ"
ok "the list follows the live table ($moved in, $gone out)"

# Direct marketing, and the summaries.
"$custclass" members -c "$config" champions --purpose marketing --format csv > "$dir/marketing.csv"
"$custclass" members -c "$config" champions --purpose marketing --json > "$dir/marketing.json"
"$custclass" members -c "$config" champions --json > "$dir/analytics.json"
"$custclass" members -c "$config" champions --purpose analytics --json > "$dir/analytics2.json"
cmp -s "$dir/analytics.json" "$dir/analytics2.json" || fail "--purpose analytics is not the default"

# Unknown segment: exit 2, the message names it, nothing on standard output.
set +e
"$custclass" members -c "$config" no_such_segment > "$dir/unknown.out" 2> "$dir/unknown.err"
status=$?
set -e
[ "$status" = 2 ] || fail "an unknown segment exited $status, expected 2"
grep -q 'no_such_segment' "$dir/unknown.err" || fail "the message does not name the segment: $(cat "$dir/unknown.err")"
[ ! -s "$dir/unknown.out" ] || fail "an unknown segment printed to standard output"
ok "an unknown segment exits 2 naming it"

# Usage errors exit 2; --help lists the options.
set +e
"$custclass" members -c "$config" champions --purpose spam > /dev/null 2>&1; bad_purpose=$?
"$custclass" members -c "$config" champions --format xml > /dev/null 2>&1; bad_format=$?
"$custclass" members -c "$config" champions --format csv --json > /dev/null 2>&1; both=$?
set -e
[ "$bad_purpose$bad_format$both" = 222 ] \
  || fail "usage errors exited $bad_purpose, $bad_format, $both; expected 2 each"
"$custclass" members --help > "$dir/help.txt"
for option in --config SEGMENT --classification --purpose marketing --format csv jsonl table --json; do
  grep -q -- "$option" "$dir/help.txt" || fail "--help does not mention $option"
done
ok "usage errors exit 2; --help lists the options"

python3 - "$dir" "$schemas" "$db" <<'PY'
import json, sqlite3, sys
import jsonschema

work, schemas, db = sys.argv[1], sys.argv[2], sys.argv[3]
failures = []
def expect(cond, what):
    print(("ok      " if cond else "FAILED  ") + what)
    if not cond:
        failures.append(what)

schema = json.load(open(f"{schemas}/members.schema.json"))
docs = {name: json.load(open(f"{work}/{name}.json")) for name in ["analytics", "marketing"]}
for name, doc in docs.items():
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=str)
    expect(not errors, f"--json ({name}) is valid against members.schema.json"
           + (f": {errors[0].message} at {list(errors[0].path)}" if errors else ""))

analytics = open(f"{work}/after.txt").read().split()
lines = open(f"{work}/marketing.csv").read().split("\n")
expect(lines[0] == "customer_id", "marketing csv: header line")
marketing = [line for line in lines[1:] if line]
a, m = docs["analytics"], docs["marketing"]
expect(a["purpose"] == "analytics" and m["purpose"] == "direct_marketing", "purposes named")
expect(a["classification"] == m["classification"] == "value" and a["segment"] == "champions",
       "classification and segment named")
expect(a["streamed"] == len(analytics), f"analytics: streamed {a['streamed']} = {len(analytics)} ids")
expect(a["excluded"] == {"no_consent": 0, "opted_out": 0}, "analytics: nothing left out")
expect(m["streamed"] == len(marketing), f"marketing: streamed {m['streamed']} = {len(marketing)} ids")
expect(set(marketing) <= set(analytics) and marketing == sorted(marketing),
       "marketing: a subset of the analytics list, in customer id order")
expect(0 < len(marketing) < len(analytics), "marketing: some left out, some kept")
ex = m["excluded"]
expect(m["streamed"] + ex["no_consent"] + ex["opted_out"] == a["streamed"],
       f"streamed {m['streamed']} + no consent {ex['no_consent']} + opted out {ex['opted_out']}"
       f" = analytics {a['streamed']}")

# Consent and opt-outs straight from the demo schema (bench/datagen/demo_data.h). Opt-outs match
# by customer, by e-mail (case-insensitive) or by phone (its digits, +852 when written without a
# country code).
def phone_key(text):
    if text is None:
        return None
    text = text.strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if not digits:
        return None
    if text.lstrip("(").startswith("+"):
        return digits
    if digits.startswith("00"):
        return digits[2:]
    return "852" + digits

def email_key(text):
    return text.strip().lower() if text and text.strip() else None

con = sqlite3.connect(db)
out_ids, out_emails, out_phones = set(), set(), set()
for customer_id, email, phone in con.execute("SELECT customer_id, email, phone FROM opt_out"):
    if customer_id is not None:
        out_ids.add(customer_id)
    if email_key(email):
        out_emails.add(email_key(email))
    if phone_key(phone):
        out_phones.add(phone_key(phone))
customers = {}
for code, cid, email, phone, consent in con.execute(
        "SELECT code, id, email, phone, marketing_consent FROM customer"):
    opted = cid in out_ids or email_key(email) in out_emails or phone_key(phone) in out_phones
    customers[code] = (opted, consent == 1)

left_out = set(analytics) - set(marketing)
opted = {c for c in left_out if customers[c][0]}
unconsented = {c for c in left_out if not customers[c][0] and not customers[c][1]}
expect(left_out == opted | unconsented,
       f"every one of the {len(left_out)} left out has no consent or an opt-out"
       + (f" (not: {sorted(left_out - opted - unconsented)[:5]})" if left_out - opted - unconsented else ""))
kept_bad = [c for c in marketing if customers[c][0] or not customers[c][1]]
expect(not kept_bad, f"every one of the {len(marketing)} kept has consent and no opt-out"
       + (f" (not: {kept_bad[:5]})" if kept_bad else ""))
expect(len(opted) == ex["opted_out"] and len(unconsented) == ex["no_consent"],
       f"the summary's reasons match the database ({len(opted)} opted out, "
       f"{len(unconsented)} without consent)")
expect(len(opted) > 0, "the demo's champions include someone who opted out (so the check can fail)")

print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
PY
