#!/usr/bin/env bash
# `custclass members` on the demo shop: an analytics list carries pseudonyms (PRIVACY.md check 10),
# and they are exactly HMAC-SHA256(key, id), in lower-case hex under the test's key, of the
# customers that the live assignment table (custclass_live_assignments) holds for the segment, in
# every --format, also after that table changed as a hook changes it; without the key an
# analytics list is refused (exit 1, the message naming the variable). `--purpose marketing` is
# refused for a segment the rule set does not mark `direct_marketing: true` (check 5); for each
# marked one it lists customer ids, a subset of the segment, and every customer it leaves out has
# no marketing consent or an opt-out (by id, e-mail or phone) in the demo database, every one it
# keeps has consent and none, and the --json summary counts them so; every list made is in the
# audit log; --json validates against members.schema.json; an unknown or ambiguous segment exits
# 2 with a message naming it; --help lists the options.
set -euo pipefail
custclass=$1
export CUSTCLASS_PLUGIN=$2
schemas=$(cd "$(dirname "$0")/../../abi/schemas" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# A fixed test key for the policy's pseudonym_key_env (the shipped CUSTCLASS_PSEUDONYM_KEY).
key=custclass-members-test-key-0123456789
export CUSTCLASS_PSEUDONYM_KEY=$key

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
# The pseudonyms of the ids on standard input, one a line: HMAC-SHA256 under the test's key,
# lower-case hex, computed here independently of the plugin.
pseudonyms() {
  python3 -c '
import hashlib, hmac, sys
key = sys.argv[1].encode()
for line in sys.stdin:
    if line.strip():
        print(hmac.new(key, line.strip().encode(), hashlib.sha256).hexdigest())' "$key"
}

# csv: a header line, then exactly the pseudonyms of the live table's members.
"$custclass" members -c "$config" champions --format csv > "$dir/champions.csv"
[ "$(head -n 1 "$dir/champions.csv")" = customer_id ] || fail "csv: the first line is not the header"
live value champions > "$dir/champion_ids.txt"
[ -s "$dir/champion_ids.txt" ] || fail "the demo's live table has no champions"
pseudonyms < "$dir/champion_ids.txt" > "$dir/expected.txt"
[ "$(wc -l < "$dir/expected.txt")" = "$(wc -l < "$dir/champion_ids.txt")" ] || fail "pseudonyms: a line lost"
tail -n +2 "$dir/champions.csv" > "$dir/champion_rows.txt"
diff "$dir/expected.txt" "$dir/champion_rows.txt" > /dev/null \
  || fail "csv: the rows are not HMAC-SHA256(key, id) of the live table's champions"
! grep -qvxE '[0-9a-f]{64}' "$dir/champion_rows.txt" || fail "csv: a row is not 64 lower-case hex digits"
! grep -qxFf "$dir/champion_ids.txt" "$dir/champion_rows.txt" || fail "csv: a customer id is listed"
ok "csv: header and the pseudonyms of the $(wc -l < "$dir/expected.txt") champions of the live table"

# table (the default): the same ids on standard output, the summary line on standard error.
"$custclass" members -c "$config" champions > "$dir/champions.txt" 2> "$dir/champions.err"
diff "$dir/expected.txt" "$dir/champions.txt" > /dev/null || fail "table: the pseudonyms differ"
grep -q "$(wc -l < "$dir/expected.txt") members of value/champions" "$dir/champions.err" \
  || fail "table: no summary line on standard error: $(cat "$dir/champions.err")"
ok "table: the same pseudonyms, and the summary line on standard error"

# jsonl: one {"customer_id": ...} object a line, the same pseudonyms.
"$custclass" members -c "$config" champions --format jsonl > "$dir/champions.jsonl"
python3 -c '
import json, sys
ids = [json.loads(line)["customer_id"] for line in open(sys.argv[1])]
sys.exit(ids != open(sys.argv[2]).read().split())' "$dir/champions.jsonl" "$dir/expected.txt" \
  || fail "jsonl: the pseudonyms differ"
ok "jsonl: the same pseudonyms"

# Without the key an analytics list is refused (exit 1, as for every privacy refusal), its
# message naming the variable, and nothing is listed; a too-short key is refused the same way.
# A direct-marketing list carries ids (an identity purpose) and needs no key.
for unset_or_short in unset short; do
  set +e
  if [ "$unset_or_short" = unset ]; then
    env -u CUSTCLASS_PSEUDONYM_KEY "$custclass" members -c "$config" champions \
      > "$dir/nokey.out" 2> "$dir/nokey.err"
  else
    CUSTCLASS_PSEUDONYM_KEY=0123456789abcde "$custclass" members -c "$config" champions \
      > "$dir/nokey.out" 2> "$dir/nokey.err"
  fi
  status=$?
  set -e
  [ "$status" = 1 ] || fail "an analytics list with the key $unset_or_short exited $status, expected 1"
  grep -q 'CUSTCLASS_PSEUDONYM_KEY' "$dir/nokey.err" \
    || fail "key $unset_or_short: the message does not name CUSTCLASS_PSEUDONYM_KEY: $(cat "$dir/nokey.err")"
  grep -q 'check 10' "$dir/nokey.err" || fail "key $unset_or_short: the message names no check: $(cat "$dir/nokey.err")"
  [ ! -s "$dir/nokey.out" ] || fail "key $unset_or_short: something was listed on standard output"
done
env -u CUSTCLASS_PSEUDONYM_KEY "$custclass" members -c "$config" at_risk --purpose marketing \
  --format csv > "$dir/nokey-marketing.csv"
ok "without the key (or with a short one) an analytics list is refused naming CUSTCLASS_PSEUDONYM_KEY; direct marketing needs none"

# A segment id used by two classifications (`new`): refused without --classification.
set +e
"$custclass" members -c "$config" new > /dev/null 2> "$dir/ambiguous.err"; status=$?
set -e
[ "$status" = 2 ] || fail "an ambiguous segment exited $status, expected 2"
grep -q 'name the classification' "$dir/ambiguous.err" || fail "ambiguous: $(cat "$dir/ambiguous.err")"
"$custclass" members -c "$config" new --classification lifecycle --format csv | tail -n +2 \
  | diff <(live lifecycle new | pseudonyms) - > /dev/null \
  || fail "--classification lifecycle: the pseudonyms differ"
ok "an ambiguous segment is refused; --classification picks one"

# What a hook does: the live table changes, and the list follows it (not the run's assignments).
moved=$(sqlite3 "$db" "SELECT customer_id FROM custclass_live_assignments
                       WHERE classification = 'value' AND segment = 'lost'
                       ORDER BY customer_id LIMIT 1")
gone=$(head -n 1 "$dir/champion_ids.txt")
# A hook writes the customer's rows to custclass_live_overrides, which the live view shows
# instead of the run's rows.
override() {  # customer, its new segment in `value`
  sqlite3 "$db" "INSERT INTO custclass_live_overrides (customer_id, classification, segment, run_id, updated_at)
                 SELECT customer_id, classification,
                        CASE WHEN classification = 'value' THEN '$2' ELSE segment END, run_id, 'now'
                 FROM custclass_live_assignments WHERE customer_id = '$1'"
}
override "$moved" champions
override "$gone" loyal
"$custclass" members -c "$config" champions > "$dir/after.txt" 2> /dev/null
grep -qx "$(echo "$moved" | pseudonyms)" "$dir/after.txt" || fail "a customer moved into champions is missing"
! grep -qx "$(echo "$gone" | pseudonyms)" "$dir/after.txt" || fail "a customer moved out of champions is still listed"
live value champions | pseudonyms | diff - "$dir/after.txt" > /dev/null \
  || fail "after the change: the pseudonyms differ"
ok "the list follows the live table ($moved in, $gone out)"

# Direct marketing of a segment the rule set does not mark for it: refused, nothing listed.
set +e
"$custclass" members -c "$config" champions --purpose marketing > "$dir/unmarked.out" 2> "$dir/unmarked.err"
status=$?
set -e
[ "$status" = 1 ] || fail "direct marketing of champions (not marked) exited $status, expected 1"
grep -q 'direct_marketing: true' "$dir/unmarked.err" && grep -q 'champions' "$dir/unmarked.err" \
  || fail "direct marketing of champions: $(cat "$dir/unmarked.err")"
[ ! -s "$dir/unmarked.out" ] || fail "direct marketing of champions listed something"
ok "direct marketing of an unmarked segment (champions) is refused"

# Direct marketing of every segment the shipped rule set marks, and the summaries.
marked="cannot_lose at_risk about_to_sleep"
for segment in $marked; do
  live value "$segment" > "$dir/live-$segment.txt"
  "$custclass" members -c "$config" "$segment" --purpose marketing --format csv > "$dir/marketing-$segment.csv"
  "$custclass" members -c "$config" "$segment" --purpose marketing --json > "$dir/marketing-$segment.json"
  "$custclass" members -c "$config" "$segment" --format csv > "$dir/analytics-$segment.csv"
  "$custclass" members -c "$config" "$segment" --json > "$dir/analytics-$segment.json"
done
cmp -s "$dir/marketing-at_risk.csv" "$dir/nokey-marketing.csv" \
  || fail "direct marketing without the key differs from the list with it"
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

python3 - "$dir" "$schemas" "$db" "$key" $marked <<'PY'
import hashlib, hmac, json, sqlite3, sys
import jsonschema

work, schemas, db, key, marked = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].encode(), sys.argv[5:]
failures = []
def expect(cond, what):
    print(("ok      " if cond else "FAILED  ") + what)
    if not cond:
        failures.append(what)

def pseudonym(customer_id):
    return hmac.new(key, customer_id.encode(), hashlib.sha256).hexdigest()

def csv_rows(name):
    lines = open(f"{work}/{name}").read().split("\n")
    expect(lines[0] == "customer_id", f"{name}: header line")
    return [line for line in lines[1:] if line]

schema = json.load(open(f"{schemas}/members.schema.json"))
names = ["analytics"] + [f"{kind}-{s}" for s in marked for kind in ("analytics", "marketing")]
docs = {name: json.load(open(f"{work}/{name}.json")) for name in names}
for name, doc in docs.items():
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=str)
    expect(not errors, f"--json ({name}) is valid against members.schema.json"
           + (f": {errors[0].message} at {list(errors[0].path)}" if errors else ""))

# The champions' analytics list (after the hook's change).
analytics = open(f"{work}/after.txt").read().split()
a = docs["analytics"]
expect(a["purpose"] == "analytics" and a["classification"] == "value" and a["segment"] == "champions",
       "champions analytics: purpose, classification and segment named")
expect(a["pseudonymised"] is True, "champions analytics: \"pseudonymised\": true")
expect(a["streamed"] == len(analytics), f"champions analytics: streamed {a['streamed']} = {len(analytics)} rows")
expect(a["excluded"] == {"no_consent": 0, "opted_out": 0}, "champions analytics: nothing left out")

# Consent and opt-outs straight from the demo schema (host/demo_data/demo_data.h). Opt-outs match
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

opted_total = 0
for segment in marked:
    ids = open(f"{work}/live-{segment}.txt").read().split()
    pseudo = csv_rows(f"analytics-{segment}.csv")
    marketing = csv_rows(f"marketing-{segment}.csv")
    a, m = docs[f"analytics-{segment}"], docs[f"marketing-{segment}"]
    expect(len(ids) > 0, f"{segment}: the live table has members")
    expect(pseudo == [pseudonym(c) for c in ids],
           f"{segment} analytics: the rows are HMAC-SHA256(key, id) of the live table's members, in id order")
    expect(a["pseudonymised"] is True and a["streamed"] == len(pseudo),
           f"{segment} analytics: pseudonymised, streamed {a['streamed']} = {len(pseudo)}")
    expect(m["purpose"] == "direct_marketing" and m["classification"] == "value" and m["segment"] == segment,
           f"{segment} marketing: purpose, classification and segment named")
    expect(m["pseudonymised"] is False, f"{segment} marketing: \"pseudonymised\": false (customer ids)")
    expect(m["streamed"] == len(marketing), f"{segment} marketing: streamed {m['streamed']} = {len(marketing)} ids")
    expect(set(marketing) <= set(ids) and marketing == sorted(marketing),
           f"{segment} marketing: customer ids of the segment, in customer id order")
    expect({pseudonym(c) for c in marketing} <= set(pseudo),
           f"{segment} marketing: their pseudonyms are in the analytics list")
    expect(0 < len(marketing) < len(ids), f"{segment} marketing: some left out, some kept")
    ex = m["excluded"]
    expect(m["streamed"] + ex["no_consent"] + ex["opted_out"] == a["streamed"],
           f"{segment}: streamed {m['streamed']} + no consent {ex['no_consent']} + opted out "
           f"{ex['opted_out']} = analytics {a['streamed']}")
    left_out = set(ids) - set(marketing)
    opted = {c for c in left_out if customers[c][0]}
    unconsented = {c for c in left_out if not customers[c][0] and not customers[c][1]}
    expect(left_out == opted | unconsented,
           f"{segment}: every one of the {len(left_out)} left out has no consent or an opt-out"
           + (f" (not: {sorted(left_out - opted - unconsented)[:5]})" if left_out - opted - unconsented else ""))
    kept_bad = [c for c in marketing if customers[c][0] or not customers[c][1]]
    expect(not kept_bad, f"{segment}: every one of the {len(marketing)} kept has consent and no opt-out"
           + (f" (not: {kept_bad[:5]})" if kept_bad else ""))
    expect(len(opted) == ex["opted_out"] and len(unconsented) == ex["no_consent"],
           f"{segment}: the summary's reasons match the database ({len(opted)} opted out, "
           f"{len(unconsented)} without consent)")
    opted_total += len(opted)
expect(opted_total > 0, "the marked segments include someone who opted out (so the check can fail)")

# Every list made is in the audit log (check 15), with its purpose and form.
audit = con.execute("SELECT subject, customers, detail FROM custclass_audit_log "
                    "WHERE action = 'member_list'").fetchall()
for segment in marked:
    n = len(open(f"{work}/live-{segment}.txt").read().split())
    # at_risk was also listed for direct marketing without the key.
    for purpose, form, lists in (("customer_analytics", "pseudonymised", 2),
                                 ("direct_marketing", "customer ids", 3 if segment == "at_risk" else 2)):
        entries = [e for e in audit if e[0] == f"value/{segment}" and f"purpose {purpose}, {form}" in e[2]]
        expect(len(entries) == lists and all(e[1] == n for e in entries),
               f"audit log: {lists} {purpose} lists of value/{segment}, {n} customers each "
               f"(found {[(e[1], e[2]) for e in entries]})")

print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
PY
