#!/usr/bin/env bash
# `custclass feed`: the host-push source from CSV files gives the same classification as
# `custclass run` on the database the files were exported from; a bad value is reported as
# file:line, aborts the feed (exit 3), and publishes nothing.
set -euo pipefail
custclass=$1
export CUSTCLASS_PLUGIN=$2
policy=$(cd "$(dirname "$0")/../../config/privacy" && pwd)/pdpo.yaml
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

"$custclass" demo --dir D --customers 1500 > demo.out

# The canonical tables as CSV, with the mapping of D/custclass.yaml's queries. The database run
# also reads the opt_out table; the host carries that as the customers' opted_out flag (matched
# by id, lower-cased e-mail, or phone as +852 digits, as the engine matches them).
norm_phone() {  # SQL: a phone as E.164, +852 when it has no country code
  local r="replace(replace(replace(replace(replace(trim($1),' ',''),'-',''),'.',''),'(',''),')','')"
  echo "CASE WHEN substr($r,1,1) = '+' THEN $r WHEN substr($r,1,2) = '00' THEN '+' || substr($r,3)
             ELSE '+852' || $r END"
}
sqlite3 -header -csv D/demo.sqlite "
  SELECT c.code AS customer_id, c.created_at, c.birth_date, c.gender,
         d.name AS district, c.income_band, c.email, c.phone, c.lead_source,
         c.is_lead AS is_prospect, c.interests, c.marketing_consent,
         CASE WHEN EXISTS (SELECT 1 FROM opt_out o
                           WHERE o.customer_id = c.id
                              OR (o.email IS NOT NULL AND c.email IS NOT NULL
                                  AND lower(trim(o.email)) = lower(trim(c.email)))
                              OR (o.phone IS NOT NULL AND c.phone IS NOT NULL
                                  AND $(norm_phone o.phone) = $(norm_phone c.phone)))
              THEN 'yes' ELSE 'no' END AS opted_out
  FROM customer c
  LEFT JOIN district d ON d.id = c.district_id" > customers.csv
sqlite3 -header -csv D/demo.sqlite "
  SELECT o.id AS order_id, c.code AS customer_id, o.ordered_at, o.total AS amount, o.channel
  FROM sales_order o
  JOIN customer c ON c.id = o.customer_id" > orders.csv
# Columns in another order than the canonical one: the header says which is which.
sqlite3 -header -csv D/demo.sqlite "
  SELECT l.amount, pc.name AS category, p.sku AS product_id, l.order_id
  FROM sales_order_line l
  JOIN product p ON p.id = l.product_id
  LEFT JOIN product_category pc ON pc.id = p.category_id" > lines.csv
wc -l customers.csv orders.csv lines.csv

# The push config's privacy policy: the shipped one with the approvals its rule set needs for a
# production run (PRIVACY.md check 13: "<name> <version>" of the rule set, read from the file)
# and for the sensitive field it reads (check 4: birth_date, as the age bands of `demographic`).
python3 - "$policy" D/rules/hk-retail.yaml > privacy.yaml <<'PY'
import re, sys
policy, rules = (open(p, encoding="utf-8").read() for p in sys.argv[1:3])
def top(key):
    return re.search(rf'^{key}:\s*"?([^"\n#]*?)"?\s*(#.*)?$', rules, re.M).group(1)
who = '"custclass tests (feed.sh)"'
approvals = (
    "approvals:\n"
    f'  - {{scope: rule_set, subject: "{top("name")} {top("version")}", who: {who}, when: "2026-11-01", why: "the feed test runs it"}}\n'
    f'  - {{scope: sensitive_attribute, subject: birth_date, who: {who}, when: "2026-11-01", why: "age bands of the rule set"}}\n')
assert policy.count("approvals: []\n") == 1, "the shipped policy has no `approvals: []` line"
sys.stdout.write(policy.replace("approvals: []\n", approvals))
PY
cat > push.yaml <<'YAML'
custclass: 1
source: {preset: push}
store: {connection: "sqlite3://db=results.sqlite"}
rules: D/rules/hk-retail.yaml
privacy: privacy.yaml
YAML
"$custclass" validate push.yaml

"$custclass" feed -c push.yaml --customers customers.csv --orders orders.csv --lines lines.csv \
  --as-of 2026-11-30 --json > feed.json
"$custclass" run -c D/custclass.yaml --as-of 2026-11-30 --json > run.json
# The human form prints like `run`.
"$custclass" feed -c push.yaml --customers customers.csv --orders orders.csv --lines lines.csv \
  --as-of 2026-11-30 --dry-run > feed.txt
cat feed.txt
# The customers classified: the 1500 read, less those not yet customers on the day and those
# inactive past the policy's retention_days (PRIVACY.md check 8), both left out of processing.
customers=$(python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))
print(1500 - s["excluded"].get("not_yet_customer", 0) - s["excluded"].get("retention", 0))' feed.json)
grep -q "^customers  $customers\$" feed.txt || { echo "feed.txt: no line \`customers  $customers\`"; exit 1; }
grep -q champions feed.txt

python3 - feed.json run.json <<'PY'
import json, sys
feed, run = (json.load(open(p)) for p in sys.argv[1:3])
assert feed["status"] == "succeeded" and not feed.get("dry_run"), feed
expected = 1500 - feed["excluded"].get("not_yet_customer", 0) - feed["excluded"].get("retention", 0)
assert feed["customers"] == run["customers"] == expected, (feed["customers"], run["customers"], expected)
assert feed["privacy"]["retention_due"] == feed["excluded"].get("retention", 0), feed["privacy"]
assert all(c["status"] != "refuse" for c in feed["privacy"]["checks"]), feed["privacy"]["checks"]
def classes(s):
    return {k: (v["segments"], v["unclassified"]) for k, v in s["classifications"].items()}
assert classes(feed) == classes(run), (classes(feed), classes(run))
assert feed.get("scores") == run.get("scores"), (feed.get("scores"), run.get("scores"))
assert feed.get("excluded") == run.get("excluded"), (feed.get("excluded"), run.get("excluded"))
assert feed["classifications"]["value"]["segments"]["champions"] > 0, feed
print("feed and run agree:", json.dumps(classes(feed)["value"]))
PY

runs() { sqlite3 results.sqlite "SELECT count(*) FROM custclass_runs"; }
live() { sqlite3 results.sqlite "SELECT group_concat(DISTINCT run_id) FROM custclass_live_assignments"; }
published_runs=$(runs)
published_live=$(live)
feed_run=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run_id"])' feed.json)
[ "$published_live" = "$feed_run" ] || { echo "live assignments are not those of the feed: $published_live"; exit 1; }

# expect_failure NAME CODE PATTERN... : the last feed failed with CODE, and its standard error
# holds every PATTERN; nothing was published.
expect_failure() {
  local name=$1 want=$2 got=$3; shift 3
  cat "$name.err"
  [ "$got" -eq "$want" ] || { echo "$name: exit code $got, expected $want"; exit 1; }
  for pattern in "$@"; do
    grep -qF -- "$pattern" "$name.err" || { echo "$name: no \`$pattern\` in the message"; exit 1; }
  done
  [ "$(runs)" = "$published_runs" ] || { echo "$name: a run was recorded"; exit 1; }
  [ "$(live)" = "$published_live" ] || { echo "$name: the live assignments changed"; exit 1; }
}

# A bad amount on line 5 of the orders (the fourth record of the first batch).
awk -F, -v OFS=, 'NR == 5 { $4 = "12x.50" } { print }' orders.csv > bad-orders.csv
status=0
"$custclass" feed -c push.yaml --customers customers.csv --orders bad-orders.csv \
  --lines lines.csv --as-of 2026-11-30 > bad.out 2> bad.err || status=$?
expect_failure bad 3 $status "bad-orders.csv:5:" '12x.50' "amount"
[ ! -s bad.out ] || { echo "a summary was printed"; cat bad.out; exit 1; }

# A bad amount in the third batch of the order lines: the line is found across batches.
awk -F, -v OFS=, 'NR == 2345 { $1 = "n/a" } { print }' lines.csv > bad-lines.csv
status=0
"$custclass" feed -c push.yaml --customers customers.csv --orders orders.csv \
  --lines bad-lines.csv --as-of 2026-11-30 > /dev/null 2> lines.err || status=$?
expect_failure lines 3 $status "bad-lines.csv:2345:" 'n/a'

# A quoted field over two lines and a blank line: a bad date after them is reported at the line
# its record starts on (5), although it is the file's third line of records.
cat > multiline.csv <<'CSV'
customer_id,created_at,birth_date,interests,is_prospect
C900001,2024-01-02,1980-05-06,"tea,
hiking",no

C900002,2024-01-03,1980-13-45,,yes
CSV
status=0
"$custclass" feed -c push.yaml --customers multiline.csv --orders orders.csv \
  --as-of 2026-11-30 > /dev/null 2> multiline.err || status=$?
expect_failure multiline 3 $status "multiline.csv:5:" "birth_date" "1980-13-45"

# A flag the command cannot read is reported by the command itself, at its line.
printf 'customer_id,opted_out\nC1,yes\nC2,maybe\n' > flag.csv
status=0
"$custclass" feed -c push.yaml --customers flag.csv --orders orders.csv > /dev/null \
  2> flag.err || status=$?
expect_failure flag 3 $status "flag.csv:3:" "opted_out" "maybe"

# An unknown column names the file, the column and the known ones; a required one must be there.
sed '1s/amount/amout/' orders.csv > unknown-column.csv
status=0
"$custclass" feed -c push.yaml --customers customers.csv --orders unknown-column.csv \
  > /dev/null 2> unknown.err || status=$?
expect_failure unknown 3 $status "unknown-column.csv:1:" '`amout`' "order_id, customer_id"
cut -d, -f1,2 lines.csv > missing-column.csv  # amount and category only
status=0
"$custclass" feed -c push.yaml --customers customers.csv --orders orders.csv \
  --lines missing-column.csv > /dev/null 2> missing.err || status=$?
expect_failure missing 3 $status "missing-column.csv:1:" '`order_id`'

# A database engine config cannot be fed: bad usage.
status=0
"$custclass" feed -c D/custclass.yaml --customers customers.csv --orders orders.csv \
  > /dev/null 2> db.err || status=$?
expect_failure db 2 $status "preset: push"
echo "feed: all checks passed"
