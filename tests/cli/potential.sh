#!/usr/bin/env bash
# `custclass potential` on the demo shop (classified by `custclass demo` as of the data's last day,
# 2026-11-30, host/demo_data/demo_data.h): every list's --json document, for analytics and for
# direct marketing, is valid against potential.schema.json; the focus A list is in descending
# order of revenue share and the classes' shares sum to 1; the demo's run granted referral
# rewards, listed both parties of each exactly as custclass_referral_rewards holds them, and a
# second full run as of the same day grants none (its summary's referrals.rewards_granted is 0,
# its referral-rewards list is empty) while the demo run's list is unchanged; marketing lists
# carry customer ids, only of customers with consent and no opt-out, and analytics lists exactly
# their HMAC-SHA256 pseudonyms under CUSTCLASS_PSEUDONYM_KEY; without the key an analytics list
# is refused (exit 1, the message naming the variable, nothing printed or logged) while a
# marketing list and a list of no people are made; every list of people is in the audit log; an
# unknown --list is a usage error (exit 2); every list prints its table. Runs as of 2026-05-31
# and with a rule set reading clv_90d and search interactions give the earlier-run members
# (trending keywords, falling categories), the run summary's lifetime_value and interaction points,
# valid too.
set -euo pipefail
custclass=$1
export CUSTCLASS_PLUGIN=$2
schemas=$(cd "$(dirname "$0")/../../abi/schemas" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# A fixed test key for the policy's pseudonym_key_env (the shipped CUSTCLASS_PSEUDONYM_KEY).
key=custclass-potential-test-key-0123456789
export CUSTCLASS_PSEUDONYM_KEY=$key
# The demo's run date: DemoOptions::last_day, which `custclass demo` runs as of.
as_of=2026-11-30

"$custclass" demo --dir "$dir/shop" --customers 2500 > /dev/null
config=$dir/shop/custclass.yaml
db=$dir/shop/demo.sqlite
fail() { echo "FAILED  $*"; exit 1; }
ok() { echo "ok      $*"; }

lists="focus leads lookalike referral-rewards key-persons offers bestsellers keywords signups unmet-demand lifetime-value"
people="focus leads lookalike referral-rewards key-persons keywords lifetime-value"

demo_run=$(sqlite3 "$db" "SELECT run_id FROM custclass_runs WHERE status = 'succeeded' AND as_of = '$as_of'")
[ "$(sqlite3 "$db" "SELECT count(*) FROM custclass_runs")" = 1 ] && [ -n "$demo_run" ] \
  || fail "the demo did not leave exactly one run, as of $as_of"
ok "the demo classified its shop as of $as_of (run $demo_run)"

# Every list of the demo's run: the document for analytics (pseudonyms) and, for the lists of
# people, for direct marketing (offers are always direct marketing); the table.
for list in $lists; do
  "$custclass" potential -c "$config" --list "$list" --json --limit 0 > "$dir/analytics-$list.json"
  "$custclass" potential -c "$config" --list "$list" > "$dir/text-$list.txt"
  head -n 1 "$dir/text-$list.txt" | grep -qxF "$list of run $demo_run (as of $as_of)" \
    || fail "$list: the table's first line is: $(head -n 1 "$dir/text-$list.txt")"
  [ "$(wc -l < "$dir/text-$list.txt")" -ge 2 ] || fail "$list: the table prints nothing but its title"
done
for list in $people; do
  "$custclass" potential -c "$config" --list "$list" --purpose marketing --json --limit 0 \
    > "$dir/marketing-$list.json"
  "$custclass" potential -c "$config" --list "$list" --purpose marketing > "$dir/marketing-text-$list.txt"
  [ "$(wc -l < "$dir/marketing-text-$list.txt")" -ge 2 ] || fail "$list --purpose marketing: no table"
done
# A limit cuts the list, not its counts.
"$custclass" potential -c "$config" --list focus --limit 3 --json > "$dir/limit3-focus.json"
ok "every list made, for analytics and direct marketing, and printed as a table"

# Without the key: an analytics list is refused (exit 1, as for every privacy refusal), naming
# the variable, printing nothing and logging nothing; a direct-marketing list carries ids and a
# list of no people neither, so both need no key.
logged=$(sqlite3 "$db" "SELECT count(*) FROM custclass_audit_log WHERE action = 'potential_list'")
for list in focus referral-rewards; do
  for form in --json ""; do
    set +e
    env -u CUSTCLASS_PSEUDONYM_KEY "$custclass" potential -c "$config" --list "$list" $form \
      > "$dir/nokey.out" 2> "$dir/nokey.err"
    status=$?
    set -e
    [ "$status" = 1 ] || fail "$list $form without the key exited $status, expected 1"
    grep -q 'CUSTCLASS_PSEUDONYM_KEY' "$dir/nokey.err" \
      || fail "$list $form without the key: the message does not name CUSTCLASS_PSEUDONYM_KEY: $(cat "$dir/nokey.err")"
    [ ! -s "$dir/nokey.out" ] || fail "$list $form without the key printed something"
  done
done
[ "$(sqlite3 "$db" "SELECT count(*) FROM custclass_audit_log WHERE action = 'potential_list'")" = "$logged" ] \
  || fail "a refused list was written in the audit log"
env -u CUSTCLASS_PSEUDONYM_KEY "$custclass" potential -c "$config" --list focus --purpose marketing \
  --json --limit 0 > "$dir/nokey-marketing-focus.json"
cmp -s "$dir/nokey-marketing-focus.json" "$dir/marketing-focus.json" \
  || fail "the direct-marketing focus list without the key differs from the one with it"
env -u CUSTCLASS_PSEUDONYM_KEY "$custclass" potential -c "$config" --list bestsellers --json --limit 0 \
  > "$dir/nokey-bestsellers.json"
cmp -s "$dir/nokey-bestsellers.json" "$dir/analytics-bestsellers.json" \
  || fail "the best-sellers without the key differ from those with it"
ok "without the key an analytics list is refused (exit 1) naming CUSTCLASS_PSEUDONYM_KEY; marketing and best-sellers need none"

# Usage errors exit 2, naming what was wrong, printing nothing.
set +e
"$custclass" potential -c "$config" --list no-such-list > "$dir/unknown.out" 2> "$dir/unknown.err"
unknown=$?
"$custclass" potential -c "$config" --list focus --purpose spam > /dev/null 2>&1
bad_purpose=$?
set -e
[ "$unknown" = 2 ] || fail "an unknown --list exited $unknown, expected 2"
grep -q 'no-such-list' "$dir/unknown.err" || fail "the message does not name the list: $(cat "$dir/unknown.err")"
[ ! -s "$dir/unknown.out" ] || fail "an unknown --list printed to standard output"
[ "$bad_purpose" = 2 ] || fail "an unknown --purpose exited $bad_purpose, expected 2"
ok "an unknown --list or --purpose exits 2"

# The rewards the demo's run granted, as the store holds them.
sqlite3 -separator '|' "$db" "SELECT referrer_id, referee_id, COALESCE(referred_on, ''), first_purchase
                              FROM custclass_referral_rewards WHERE run_id = '$demo_run'
                              ORDER BY first_purchase, referee_id" > "$dir/rewards.txt"
[ -s "$dir/rewards.txt" ] || fail "the demo's run granted no referral rewards"
sqlite3 "$db" "SELECT summary_json FROM custclass_runs WHERE run_id = '$demo_run'" > "$dir/demo-summary.json"

# A second full run as of the same day: every successful referral is rewarded already.
"$custclass" run -c "$config" --as-of "$as_of" --json > "$dir/second-summary.json"
second_run=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["run_id"])' "$dir/second-summary.json")
"$custclass" potential -c "$config" --list referral-rewards --json --limit 0 > "$dir/second-rewards.json"
"$custclass" potential -c "$config" --list referral-rewards --run "$demo_run" --json --limit 0 \
  > "$dir/demo-rewards-again.json"
"$custclass" potential -c "$config" --list referral-rewards > "$dir/second-rewards.txt"
grep -q '^0 rewards granted by this run' "$dir/second-rewards.txt" \
  || fail "the second run's table: $(cat "$dir/second-rewards.txt")"
ok "a second run as of $as_of (run $second_run)"

# Keywords and unmet demand against an earlier run, a rule set reading clv_90d and search
# interactions (a copy beside the shipped one; a dry run writes nothing).
"$custclass" run -c "$config" --as-of 2026-05-31 --json > "$dir/earlier-summary.json"
earlier_run=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["run_id"])' "$dir/earlier-summary.json")
for list in keywords unmet-demand; do
  "$custclass" potential -c "$config" --list "$list" --run "$second_run" --from "$earlier_run" --json --limit 0 \
    > "$dir/from-$list.json"
  "$custclass" potential -c "$config" --list "$list" --run "$second_run" --from "$earlier_run" > "$dir/from-$list.txt"
done
grep -q "^trending up since run $earlier_run" "$dir/from-keywords.txt" || fail "keywords --from: $(cat "$dir/from-keywords.txt")"
python3 - "$dir/shop/rules/hk-retail.yaml" "$dir/shop/rules/clv.yaml" "$config" "$dir/shop/clv.yaml" <<'PY'
import sys
rules = open(sys.argv[1]).read()
point = "      - when: interests is not null\n        add: 5\n"
assert point in rules, "the shipped rule set changed: no `interests is not null` point"
open(sys.argv[2], "w").write(rules.replace(point, point + "      - when: clv_90d >= 500\n        add: 5\n"
                                           "      - interaction: search\n        add: 2\n"
                                           "        decay_half_life_days: 30\n        max: 10\n"))
config = open(sys.argv[3]).read()
assert "rules: rules/hk-retail.yaml" in config
open(sys.argv[4], "w").write(config.replace("rules: rules/hk-retail.yaml", "rules: rules/clv.yaml"))
PY
"$custclass" run -c "$dir/shop/clv.yaml" --as-of "$as_of" --dry-run --json > "$dir/clv-summary.json"
"$custclass" potential -c "$dir/shop/clv.yaml" --list leads --json --limit 3 > "$dir/clv-leads.json"

python3 - "$dir" "$schemas" "$db" "$key" "$demo_run" "$second_run" "$earlier_run" "$lists" "$people" <<'PY'
import hashlib, hmac, json, re, sqlite3, sys
import jsonschema

work, schemas, db, key, demo_run, second_run, earlier_run = sys.argv[1:8]
lists, people = sys.argv[8].split(), sys.argv[9].split()
key = key.encode()
failures = []
def expect(cond, what):
    print(("ok      " if cond else "FAILED  ") + what)
    if not cond:
        failures.append(what)

def load(name):
    return json.load(open(f"{work}/{name}"))

def validate(doc, schema, what):
    s = json.load(open(f"{schemas}/{schema}"))
    errors = sorted(jsonschema.Draft202012Validator(s).iter_errors(doc), key=str)
    expect(not errors, f"{what} is valid against {schema}"
           + (f": {errors[0].message[:300]} at {list(errors[0].absolute_path)}" if errors else ""))

def pseudonym(customer_id):
    return hmac.new(key, customer_id.encode(), hashlib.sha256).hexdigest()

HEX = re.compile(r"[0-9a-f]{64}")

# The people a document names: row ids, referral parties, keyword and offer lists.
def named(doc):
    out = []
    for row in doc.get("customers", []):
        out += [row[k] for k in ("customer_id", "referrer_id", "referee_id") if k in row]
    for k in doc.get("campaign_keywords", []):
        out += k["people"]
    for o in doc.get("offers", []):
        out += o["customers"]
    return out

analytics = {l: load(f"analytics-{l}.json") for l in lists}
marketing = {l: load(f"marketing-{l}.json") for l in people}
marketing["offers"] = analytics["offers"]

# 1. Every document valid; what each says about itself.
for l, doc in analytics.items():
    validate(doc, "potential.schema.json", f"{l} (analytics)")
    expect(doc["list"] == l and doc["run_id"] == demo_run and doc["as_of"] == "2026-11-30",
           f"{l}: names the list, the demo's run and its date")
for l in people:
    validate(marketing[l], "potential.schema.json", f"{l} (direct marketing)")
for name in ["limit3-focus.json", "second-rewards.json", "demo-rewards-again.json",
             "from-keywords.json", "from-unmet-demand.json", "clv-leads.json", "nokey-marketing-focus.json"]:
    validate(load(name), "potential.schema.json", name)
for name in ["demo-summary.json", "second-summary.json", "earlier-summary.json", "clv-summary.json"]:
    validate(load(name), "run_summary.schema.json", name)

# 2. Identifiers: pseudonyms for analytics, customer ids for direct marketing.
con = sqlite3.connect(db)
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
out_ids, out_emails, out_phones = set(), set(), set()
for customer_id, email, phone in con.execute("SELECT customer_id, email, phone FROM opt_out"):
    if customer_id is not None:
        out_ids.add(customer_id)
    if email_key(email):
        out_emails.add(email_key(email))
    if phone_key(phone):
        out_phones.add(phone_key(phone))
reachable = {}  # code -> has consent and no opt-out
for code, cid, email, phone, consent in con.execute(
        "SELECT code, id, email, phone, marketing_consent FROM customer"):
    opted = cid in out_ids or email_key(email) in out_emails or phone_key(phone) in out_phones
    reachable[code] = consent == 1 and not opted
by_pseudonym = {pseudonym(c): c for c in reachable}

for l in people:
    a = analytics[l]
    ids = named(a)
    expect(a["purpose"] == "customer_analytics" and a["identifiers"] == "pseudonyms"
           and all(HEX.fullmatch(i) and i in by_pseudonym for i in ids),
           f"{l} analytics: {len(ids)} pseudonyms, each HMAC-SHA256(key, id) of a customer of the shop")
    expect(a["excluded"] == {"no_consent": 0, "opted_out": 0}, f"{l} analytics: nobody left out")
for l in people + ["offers"]:
    m = marketing[l]
    ids = named(m)
    expect(m["purpose"] == "direct_marketing" and m["identifiers"] == "customer_ids"
           and all(i in reachable and not HEX.fullmatch(i) for i in ids),
           f"{l} marketing: {len(ids)} customer ids of the shop, no pseudonym")
    expect(all(reachable[i] for i in ids),
           f"{l} marketing: every one named has marketing consent and no opt-out"
           + f" (not: {[i for i in ids if not reachable.get(i)][:5]})")
for l in ["focus", "leads", "lookalike", "key-persons", "lifetime-value"]:
    a, m = analytics[l], marketing[l]
    kept = [by_pseudonym[r["customer_id"]] for r in a["customers"] if reachable[by_pseudonym[r["customer_id"]]]]
    expect([r["customer_id"] for r in m["customers"]] == kept,
           f"{l} marketing: exactly the analytics list's reachable customers, in its order ({len(kept)})")
    expect(m["total"] + m["excluded"]["no_consent"] + m["excluded"]["opted_out"] == a["total"] > 0,
           f"{l}: marketing {m['total']} + left out {m['excluded']} = analytics {a['total']}")
for l in people:
    doc = analytics[l]
    expect(doc["limit"] == 0 and (l == "keywords" or len(doc["customers"]) == doc["total"]),
           f"{l}: --limit 0 lists all {doc['total']}")
limited = load("limit3-focus.json")
expect(limited["limit"] == 3 and limited["customers"] == analytics["focus"]["customers"][:3]
       and limited["total"] == analytics["focus"]["total"],
       "focus --limit 3: the first 3 rows, the same total")

# 3. Focus: the A list by revenue, the classes' shares summing to 1. Each share is rounded to 6
# decimals, so the three may miss 1 by up to 3 × 0.5e-6.
f = analytics["focus"]
shares = [r["revenue_share"] for r in f["customers"]]
expect(len(shares) == f["classes"]["A"]["customers"] > 0, f"focus: the A list holds the {len(shares)} class-A customers")
expect(all(x >= y for x, y in zip(shares, shares[1:])), "focus: the A list's revenue shares are in descending order")
expect(all(x["monetary"] >= y["monetary"] for x, y in zip(f["customers"], f["customers"][1:])),
       "focus: and their monetary too")
total_share = sum(c["revenue_share"] for c in f["classes"].values())
expect(abs(total_share - 1) <= 1.5e-6 + 1e-12, f"focus: the classes' revenue shares sum to 1 ({total_share!r})")
class_revenue = sum(c["revenue"] for c in f["classes"].values())
expect(abs(class_revenue - f["revenue"]) <= 1e-6 * f["revenue"],
       f"focus: the classes' revenue adds up to the total ({class_revenue} = {f['revenue']})")
expect(sum(c["customers"] for c in f["classes"].values()) == f["customers_with_revenue"],
       "focus: the classes' customers add up to those with revenue")

# 4. Referral rewards: the demo's run granted them, listed as the store holds them; the second
# run granted none.
rows = [line.split("|") for line in open(f"{work}/rewards.txt").read().splitlines()]
r = analytics["referral-rewards"]
expect(r["granted_by_run"] == len(rows) == r["total"] == len(r["customers"]) > 0,
       f"referral-rewards: the demo's run granted {r['granted_by_run']}, all listed ({len(rows)} in the store)")
expect([[c["referrer_id"], c["referee_id"], c["referred_on"] or "", c["first_purchase"]] for c in r["customers"]]
       == [[pseudonym(a), pseudonym(b), on, first] for a, b, on, first in rows],
       "referral-rewards: both parties (pseudonymised), the referral day and first purchase of each stored reward, in order")
demo_summary = load("demo-summary.json")
expect(demo_summary.get("referrals", {}).get("rewards_granted") == len(rows),
       f"the demo run's summary: referrals.rewards_granted = {len(rows)}")
second = load("second-summary.json")
expect(second["run_id"] == second_run and second["dry_run"] is False and second["as_of"] == "2026-11-30",
       "the second run: a full run as of the demo's day")
expect(second.get("referrals", {}).get("rewards_granted") == 0,
       f"the second run's summary: referrals.rewards_granted = 0 ({second.get('referrals')})")
expect(second["referrals"]["successful"] == demo_summary["referrals"]["successful"] > 0,
       "the second run: the same successful referrals as the demo's")
s = load("second-rewards.json")
expect(s["run_id"] == second_run and s["granted_by_run"] == 0 and s["total"] == 0 and s["customers"] == [],
       "the second run's referral-rewards list is empty")
expect(load("demo-rewards-again.json")["customers"] == r["customers"],
       "the demo run's referral-rewards list is unchanged by the second run")
m = marketing["referral-rewards"]
expect(m["total"] + m.get("not_listed", 0) == m["granted_by_run"] == len(rows),
       f"referral-rewards marketing: {m['total']} listed + {m.get('not_listed', 0)} not = {len(rows)} granted")

# 5. What the other lists say of the shop.
leads = analytics["leads"]
expect(sum(leads["tiers"].values()) == leads["total"] and all(c["points"] for c in leads["customers"]),
       "leads: every customer ranked, each with its points")
expect(all(x["score"] >= y["score"] for x, y in zip(leads["customers"], leads["customers"][1:])),
       "leads: by score, descending")
look = analytics["lookalike"]
expect(look["total"] == look["prospects"] > 0 and
       all(x["probability"] >= y["probability"] for x, y in zip(look["customers"], look["customers"][1:])),
       f"lookalike: the {look['prospects']} prospects by probability, descending")
offers = analytics["offers"]["offers"]
expect(offers and all(o["members"] + o["excluded"]["no_consent"] + o["excluded"]["opted_out"] == o["targeted"]
                      and len(o["customers"]) == o["members"] for o in offers),
       "offers: members + left out = targeted, every member listed")
kw = analytics["keywords"]
everyone = set(p for k in kw["campaign_keywords"] for p in k["people"])
expect(kw["total"] == len(everyone) and kw["customers"] == []
       and all(len(k["people"]) == k["listed"] == k["customers"] + k["prospects"]
               and k["people"] == sorted(k["people"]) for k in kw["campaign_keywords"]),
       "keywords: each keyword's people listed in order, the total the people of any keyword")
expect(kw["trending"] is None and analytics["unmet-demand"]["from_run_id"] is None,
       "keywords and unmet-demand of the first run: no earlier run to compare with")
fk, fu = load("from-keywords.json"), load("from-unmet-demand.json")
expect(fk["trending"] is not None and fk["trending"]["from_run_id"] == earlier_run and fk["trending"]["keywords"],
       f"keywords --from the run as of 2026-05-31: {len(fk['trending']['keywords'] if fk['trending'] else [])} trending up")
expect(fu["from_run_id"] == earlier_run and any(s["falling_categories"] for s in fu["segments"]),
       "unmet-demand --from the run as of 2026-05-31: categories falling")
lv = analytics["lifetime-value"]
expect(lv["models"]["bg_nbd"]["converged"] and lv["models"]["gamma_gamma"]["converged"]
       and lv["total"] == lv["customers_valued"] > 0
       and all(x["clv_90d"] >= y["clv_90d"] for x, y in zip(lv["customers"], lv["customers"][1:])),
       f"lifetime-value: both models converged, the {lv['customers_valued']} customers valued by clv_90d")
clv = load("clv-summary.json")
expect(set(clv.get("lifetime_value", {})) == {"bg_nbd", "gamma_gamma"} and "referrals" not in clv,
       "a dry run of a rule set reading clv_90d: lifetime_value with both fits, no referrals")
kinds = {("interaction" if "interaction" in p else "condition") for c in load("clv-leads.json")["customers"] for p in c["points"]}
expect(kinds == {"interaction", "condition"}, "leads of a score with an interaction point: both kinds of points")

# 6. The audit log: every list of people made, none of the others.
audit = con.execute("SELECT subject, customers, detail FROM custclass_audit_log WHERE action = 'potential_list'").fetchall()
for l in people:
    for purpose, form in (("customer_analytics", "pseudonyms"), ("direct_marketing", "customer_ids")):
        entries = [e for e in audit if e[0] == l and f"purpose {purpose}, {form}, run {demo_run}" in e[2]]
        total = (analytics if purpose == "customer_analytics" else marketing)[l]["total"]
        expect(entries and all(e[1] == total for e in entries),
               f"audit log: the {purpose} {l} list of the demo's run, listing {total}")
expect(not [e for e in audit if e[0] in ("bestsellers", "signups", "unmet-demand")],
       "audit log: no entry for lists of no people")

print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
PY
