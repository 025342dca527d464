#!/usr/bin/env python3
"""run_host_scenario.py -- runs one example host (C, Python or PHP) through the ABI scenario.

    python3 run_host_scenario.py WORKDIR [--data-dir DIR] -- HOST_COMMAND...

HOST_COMMAND is the host with its library argument last, e.g. `classify libcustclass.so.1`; this
script appends CONFIG AS_OF CUSTOMER_ID DATABASE AMOUNT CLASSIFICATION [DATA_DIR]. The host runs
with the fixture's pseudonymisation key in CUSTCLASS_PSEUDONYM_KEY (fixture.PSEUDONYM_KEY)
unless a step says otherwise. The scenario, on a fresh fixture.py database with the fixture's
copy of the shipped rule set hk-retail (fixture.RETAIL), under a policy that approves it:

  1. the run as of fixture.AS_OF and the classification of one customer succeed, and the
     printed documents carry the counts computed by hand in fixture.py; the host then writes an
     order of that customer into the database itself, posts it (custclass_order_posted), and
     lists the members of the customer's new segment for analytics and for direct marketing
     (custclass_segment_members): the order is in the database, the customer has moved to the
     segments fixture.py expects, the member lists are the expected customers (consent and
     opt-outs applied for direct marketing): for analytics exactly their pseudonyms,
     HMAC-SHA256(key, id) computed here, for direct marketing their ids; the summaries count
     what was printed and say whether it was pseudonymised; last, the host shows the run's 80/20
     focus list (custclass_potential, ABI 1.3, list "focus", limit 3, for analytics), having
     agreed to ABI minor 3 with the plugin: the figures and the first three customers (their
     pseudonyms, with their segments in the run) are those of fixture.RETAIL["focus"]; every
     document matches its schema in abi/schemas/ (potential.schema.json when it exists; else
     the focus list's members `list`, `customers` and `customer_share_for_80_percent` are
     checked by hand) (exit 0);
  2. a config whose rule set reads an unknown feature fails (non-zero exit) naming
     CUSTCLASS_E_CONFIG and the file;
  3. an unknown customer fails naming CUSTCLASS_E_NOT_FOUND;
  4. without the key the analytics list is refused: the host fails naming CUSTCLASS_E_PRIVACY
     and the variable, and prints no member and no focus list;
  5. the direct-marketing list of a segment the rule set does not mark `direct_marketing: true`
     (the customer's new segment of `value`) is refused: the host fails naming
     CUSTCLASS_E_PRIVACY, after the analytics list of that segment.

The documents of step 1, without what differs from run to run (run ids, durations,
timestamps), are written to WORKDIR/documents.json with a digest of the library, fixture.py and
this script; when the directories beside WORKDIR hold the documents of other hosts made with the
same three (examples/work/c, python, php), they must be the same: every host prints the same
documents.

Exit 0 when all hold, 1 otherwise (each failed check is printed), 77 when the host says it
cannot run here (e.g. PHP without FFI).
"""

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture  # noqa: E402

SKIP = 77
SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "abi", "schemas")
DOCUMENTS = "documents.json"
POTENTIAL_SCHEMA = "potential.schema.json"
FOCUS = "potential focus"  # the title of the section of the focus list
POTENTIAL_ABI_MINOR = 3    # the ABI minor version that brought custclass_potential


def host_environment(key=fixture.PSEUDONYM_KEY):
    """The environment the hosts run in: this one, with the pseudonymisation key's variable set
    to `key`, or unset when key is None."""
    env = dict(os.environ)
    env.pop(fixture.PSEUDONYM_KEY_ENV, None)
    if key is not None:
        env[fixture.PSEUDONYM_KEY_ENV] = key
    return env


def run(command, env=None):
    print("$ " + " ".join(command), flush=True)
    try:
        completed = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   timeout=300, check=False,
                                   env=host_environment() if env is None else env)
    except OSError as error:  # e.g. the host was not built
        print(f"--- cannot start the host: {error}", flush=True)
        return 127, "", str(error)
    stdout = completed.stdout.decode("utf-8", "replace")
    stderr = completed.stderr.decode("utf-8", "replace")
    print(f"--- exit {completed.returncode}; stdout:\n{stdout}--- stderr:\n{stderr}---", flush=True)
    return completed.returncode, stdout, stderr


def sections(stdout):
    """The JSON documents the host printed, by the "== title ==" line before each."""
    found, title, lines = {}, None, []
    for line in stdout.splitlines() + ["== end =="]:
        if line.startswith("== ") and line.endswith(" =="):
            if title is not None:
                found[title] = "\n".join(lines)
            title, lines = line[3:-3], []
        elif title is not None:
            lines.append(line)
    return found


class Checks:
    def __init__(self):
        self.failures = []

    def expect(self, condition, what):
        print(("ok      " if condition else "FAILED  ") + what)
        if not condition:
            self.failures.append(what)
        return condition

    def equal(self, actual, expected, what):
        return self.expect(actual == expected, f"{what}: expected {expected!r}, got {actual!r}")


def check_schema(checks, document, schema_file):
    """The document has the shape abi/schemas/ promises (when jsonschema is installed)."""
    try:
        import jsonschema  # pylint: disable=import-outside-toplevel
    except ImportError:
        print(f"note    jsonschema is not installed for {sys.executable}: "
              f"{schema_file} not checked")
        return
    with open(os.path.join(SCHEMA_DIR, schema_file), encoding="utf-8") as f:
        schema = json.load(f)
    # The draft the schema declares (all of abi/schemas/ say 2020-12).
    validator = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    validator.check_schema(schema)
    errors = sorted(validator(schema).iter_errors(document), key=str)
    checks.expect(not errors, f"the document matches abi/schemas/{schema_file}" +
                  "".join(f"\n          {'/'.join(map(str, e.absolute_path))}: {e.message}"
                          for e in errors))


def parse(checks, docs, title):
    """The JSON object printed under `title`, or None (a failed check) when it is not there."""
    if not checks.expect(title in docs, f"the host printed the section '{title}'"):
        return None
    try:
        document = json.loads(docs[title])
    except json.JSONDecodeError as error:
        checks.expect(False, f"the section '{title}' is JSON ({error})")
        return None
    if not checks.expect(isinstance(document, dict), f"the section '{title}' is a JSON object"):
        return None
    return document


def segments(result):
    """classification -> segment of a customer result."""
    return {name: (value or {}).get("segment")
            for name, value in (result.get("classifications") or {}).items()}


def nonzero(counts):
    return {k: v for k, v in (counts or {}).items() if v != 0}


# -- step 1 ------------------------------------------------------------------------------------

def member_titles(e, segment):
    base = f"{e['classification']}/{segment}"
    return {purpose: (f"members {base} {purpose}", f"members summary {base} {purpose}")
            for purpose in ("analytics", "direct_marketing")}


def check_run_and_customer(checks, docs, e):
    summary = parse(checks, docs, "run summary")
    before = parse(checks, docs, f"customer {e['customer']}")
    if summary is not None:
        check_schema(checks, summary, "run_summary.schema.json")
        checks.equal(summary.get("status"), "succeeded", "summary status")
        checks.equal(summary.get("as_of"), e["as_of"], "summary as_of")
        checks.equal((summary.get("ruleset") or {}).get("name"), e["ruleset"],
                     "summary ruleset name")
        checks.equal(summary.get("customers"), e["customers"], "customers in the run")
        for name, expected in e["classifications"].items():
            counts = (summary.get("classifications") or {}).get(name) or {}
            checks.equal(nonzero(counts.get("segments")), expected["segments"],
                         f"segment counts of '{name}' (zeros left out)")
            if "unclassified" in expected:
                checks.equal(counts.get("unclassified"), expected["unclassified"],
                             f"unclassified in '{name}'")
    if before is not None:
        check_schema(checks, before, "customer_result.schema.json")
        checks.equal(before.get("customer_id"), e["customer"], "customer result customer_id")
        checks.equal(before.get("as_of"), e["as_of"], "customer result as_of")
        got = segments(before)
        for name, segment in e["customer_segments"].items():
            checks.equal(got.get(name), segment,
                         f"customer {e['customer']} before the order: {name}")
        lifecycle = (before.get("classifications") or {}).get("lifecycle") or {}
        failed = [m for m in lifecycle.get("not_matched") or [] if m.get("segment") == "active"]
        checks.equal(((failed or [{}])[0].get("features") or {}).get("recency_days"),
                     e["customer_recency_days"], "recency_days the failed `active` rule read")
    return summary, before


def check_order(checks, docs, e, database, summary, before):
    inserted = parse(checks, docs, "order inserted")
    if inserted is not None:
        checks.equal(inserted, e["order"], "the order the host wrote")
        with sqlite3.connect(database) as db:
            row = db.execute("SELECT customer, at, total FROM sale WHERE id = ?",
                             (inserted.get("order_id"),)).fetchone()
        db.close()
        checks.equal(row and (str(row[0]), row[1], float(row[2])),
                     (e["order"]["customer_id"], e["order"]["ordered_at"],
                      float(e["order"]["amount"])),
                     "the order is in the host database (customer, at, total)")

    after = parse(checks, docs, "order posted")
    if after is None:
        return None
    check_schema(checks, after, "customer_result.schema.json")
    checks.equal(after.get("customer_id"), e["customer"], "order-posted result customer_id")
    checks.equal(after.get("as_of"), e["as_of"], "order-posted result as_of")
    got = segments(after)
    for name, segment in e["segments_after"].items():
        checks.equal(got.get(name), segment, f"customer {e['customer']} after the order: {name}")
        if before is not None:
            checks.expect(got.get(name) != segments(before).get(name),
                          f"the order moved the customer to another segment of '{name}'")
    incremental = after.get("incremental")
    checks.expect(incremental is not None, "the order-posted result has the member 'incremental'")
    if summary is not None and summary.get("run_id"):
        checks.expect(summary["run_id"] in json.dumps(incremental),
                      "'incremental' names the run whose cut points were used (the run above): "
                      f"{json.dumps(incremental)}")
    classification = e["classification"]
    checks.equal(docs.get("segment change", "").strip(),
                 f"{classification}: {e['customer_segments'][classification]} -> "
                 f"{e['segments_after'][classification]}",
                 "the segment change the host read from the documents")
    return after


def check_members(checks, docs, e, summary):
    segment = e["segments_after"][e["classification"]]
    titles = member_titles(e, segment)
    lists, summaries = {}, {}
    for purpose, (list_title, summary_title) in titles.items():
        if checks.expect(list_title in docs, f"the host printed the section '{list_title}'"):
            lists[purpose] = [line.strip() for line in docs[list_title].splitlines()
                              if line.strip()]
        document = parse(checks, docs, summary_title)
        if document is None:
            continue
        summaries[purpose] = document
        check_schema(checks, document, "members.schema.json")
        checks.equal(document.get("classification"), e["classification"],
                     f"{purpose} summary classification")
        checks.equal(document.get("segment"), segment, f"{purpose} summary segment")
        checks.equal(document.get("purpose"), purpose, f"{purpose} summary purpose")
        checks.equal(document.get("as_of"), e["as_of"], f"{purpose} summary as_of (the last run's)")
        if summary is not None:
            checks.equal(document.get("run_id"), summary.get("run_id"),
                         f"{purpose} summary run_id (the run above)")
        if purpose in lists:
            checks.equal(document.get("streamed"), len(lists[purpose]),
                         f"{purpose} summary 'streamed' counts the printed ids")
        # Analytics is not an identity purpose of the policy: pseudonyms (PRIVACY.md check 10).
        checks.equal(document.get("pseudonymised"), purpose == "analytics",
                     f"{purpose} summary 'pseudonymised'")

    expected = e["members"]
    analytics = lists.get("analytics")
    marketing = lists.get("direct_marketing")
    if analytics is not None:
        checks.equal(analytics, [fixture.pseudonym(c) for c in expected["analytics"]],
                     "the analytics rows are HMAC-SHA256(key, id) of the members "
                     f"{expected['analytics']}, in customer id order")
        checks.expect(fixture.pseudonym(e["customer"]) in analytics,
                      f"customer {e['customer']} is among the analytics members after its order")
        checks.expect(not set(analytics) & set(expected["analytics"]),
                      "no customer id is in the analytics list")
    if "analytics" in summaries:
        checks.equal(summaries["analytics"].get("excluded"), {"no_consent": 0, "opted_out": 0},
                     "analytics leaves no one out")
    if marketing is not None:
        checks.equal(marketing, expected["direct_marketing"],
                     "the direct-marketing members, in customer id order")
        for customer, why in (("102", "refused consent"), ("107", "has no consent recorded"),
                              ("105", "is on the unsubscribe list by e-mail"),
                              ("106", "is flagged opted out"),
                              ("108", "is on the unsubscribe list by id")):
            checks.expect(customer not in marketing,
                          f"customer {customer} ({why}) is not in the direct-marketing list")
        if analytics is not None:
            checks.expect({fixture.pseudonym(c) for c in marketing} <= set(analytics),
                          "the direct-marketing members are analytics members (their pseudonyms)")
    if "direct_marketing" in summaries:
        excluded = summaries["direct_marketing"].get("excluded") or {}
        checks.equal(excluded, expected["excluded"], "direct marketing left out, by reason")
        if analytics is not None and marketing is not None:
            checks.equal(len(marketing) + sum(v for v in excluded.values() if isinstance(v, int)),
                         len(analytics),
                         "direct-marketing members + those left out = the analytics members")


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_focus(checks, stdout, docs, e, summary):
    """The run's focus list (custclass_potential, ABI 1.3), which the host may call only after
    agreeing to minor 3 with the plugin."""
    agreed = re.search(r"agreed minor (\d+)", stdout.splitlines()[0] if stdout else "")
    checks.expect(agreed is not None and int(agreed.group(1)) >= POTENTIAL_ABI_MINOR,
                  f"the host agreed to ABI minor {POTENTIAL_ABI_MINOR} or later, which "
                  "custclass_potential needs (the plugin identity line)")
    focus = parse(checks, docs, FOCUS)
    if focus is None:
        return
    expected = e["focus"]
    if os.path.isfile(os.path.join(SCHEMA_DIR, POTENTIAL_SCHEMA)):
        check_schema(checks, focus, POTENTIAL_SCHEMA)
    else:
        print(f"note    abi/schemas/{POTENTIAL_SCHEMA} does not exist: the focus list's shape is "
              "checked by hand")
        checks.equal(focus.get("list"), "focus", "focus list member 'list'")
        customers = focus.get("customers")
        checks.expect(isinstance(customers, list) and len(customers) <= expected["limit"],
                      f"focus list member 'customers' is an array of at most {expected['limit']}")
        share = focus.get("customer_share_for_80_percent")
        checks.expect(is_number(share) and 0 <= share <= 1,
                      f"focus list member 'customer_share_for_80_percent' is in [0, 1]: {share!r}")

    checks.equal(focus.get("list"), "focus", "focus list 'list'")
    if summary is not None:
        checks.equal(focus.get("run_id"), summary.get("run_id"), "focus list run_id (the run above)")
    checks.equal(focus.get("as_of"), e["as_of"], "focus list as_of (the run's)")
    checks.equal((focus.get("ruleset") or {}).get("name"), e["ruleset"], "focus list rule set")
    checks.equal(focus.get("purpose"), "customer_analytics", "focus list purpose")
    # Analytics is not an identity purpose of the policy: pseudonyms (PRIVACY.md check 10).
    checks.equal(focus.get("identifiers"), "pseudonyms", "focus list identifiers")
    checks.equal(focus.get("limit"), expected["limit"], "focus list limit")
    checks.equal(focus.get("total"), expected["total"], "focus list total (the class-A customers)")
    checks.equal(focus.get("customers_with_revenue"), expected["customers_with_revenue"],
                 "focus list customers with revenue")
    for key in ("revenue", "customer_share_for_80_percent"):
        value = focus.get(key)
        checks.expect(is_number(value) and abs(value - expected[key]) < 1e-6,
                      f"focus list {key}: expected {expected[key]!r}, got {value!r}")
    checks.equal({c: (v or {}).get("customers") for c, v in (focus.get("classes") or {}).items()},
                 expected["classes"], "focus list customers per class")
    curve = focus.get("curve")
    checks.expect(isinstance(curve, list) and len(curve) == 21 and
                  curve[0] == {"customer_share": 0.0, "revenue_share": 0.0} and
                  curve[-1] == {"customer_share": 1.0, "revenue_share": 1.0},
                  "the focus curve has 21 points from (0, 0) to (1, 1)")
    rows = focus.get("customers") if isinstance(focus.get("customers"), list) else []
    checks.equal([r.get("customer_id") for r in rows],
                 [fixture.pseudonym(c) for c, _, _, _ in expected["customers"]],
                 "the focus customers are HMAC-SHA256(key, id) of "
                 f"{[c for c, _, _, _ in expected['customers']]}, largest spender first")
    for row, (customer, monetary, share, in_run) in zip(rows, expected["customers"]):
        checks.expect(is_number(row.get("monetary")) and abs(row["monetary"] - monetary) < 1e-9,
                      f"focus customer {customer} monetary: expected {monetary}, got "
                      f"{row.get('monetary')!r}")
        checks.expect(is_number(row.get("revenue_share")) and
                      abs(row["revenue_share"] - share) < 1e-6,
                      f"focus customer {customer} revenue share: expected {share}, got "
                      f"{row.get('revenue_share')!r}")
        checks.equal(row.get("segments"), in_run, f"focus customer {customer} segments in the run")


# -- the same documents from every host ------------------------------------------------------

_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def run_ids(value, found):
    """Every value of a member "run_id" in the document."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "run_id" and isinstance(v, str) and v:
                found.add(v)
            run_ids(v, found)
    elif isinstance(value, list):
        for v in value:
            run_ids(v, found)
    return found


def normalised(value, ids, key=None):
    """The document without what differs from one run to the next: run ids (also inside
    text), durations, timestamps."""
    if key == "run_id" or (key or "").endswith("_ms"):
        return "<varies>"
    if isinstance(value, dict):
        return {k: normalised(v, ids, k) for k, v in value.items()}
    if isinstance(value, list):
        return [normalised(v, ids) for v in value]
    if isinstance(value, str):
        if key != "ordered_at" and _TIMESTAMP.match(value):
            return "<timestamp>"
        for run_id in ids:
            value = value.replace(run_id, "<run_id>")
    return value


def comparable(docs):
    parsed = {}
    for title, text in docs.items():
        try:
            parsed[title] = json.loads(text)
        except json.JSONDecodeError:
            parsed[title] = [line.rstrip() for line in text.splitlines()]
    ids = set()
    for document in parsed.values():
        run_ids(document, ids)
    return {title: normalised(document, ids) for title, document in parsed.items()}


def check_same_as_other_hosts(checks, workdir, host, docs):
    # Documents are comparable when made by the same library from the same fixture and scenario.
    library = host[-1]
    sha = hashlib.sha256()
    try:
        for path in (library, fixture.__file__, __file__):
            with open(path, "rb") as f:
                sha.update(f.read())
    except OSError as error:
        print(f"note    cannot read {error.filename} ({error.strerror}): "
              "not compared with other hosts")
        return
    digest = sha.hexdigest()
    mine = {"sha256": digest, "host": host[:-1], "documents": comparable(docs)}
    path = os.path.join(workdir, DOCUMENTS)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(mine, f, indent=2, sort_keys=True)
    os.replace(path + ".tmp", path)

    parent = os.path.dirname(os.path.abspath(workdir))
    for other in sorted(os.listdir(parent)):
        other_path = os.path.join(parent, other, DOCUMENTS)
        if os.path.abspath(other_path) == os.path.abspath(path) or not os.path.isfile(other_path):
            continue
        try:
            with open(other_path, encoding="utf-8") as f:
                theirs = json.load(f)
        except (OSError, json.JSONDecodeError) as error:
            print(f"note    {other_path} unreadable ({error}): not compared")
            continue
        if theirs.get("sha256") != digest:
            print(f"note    {other_path} was made with another library, fixture or scenario: "
                  "not compared")
            continue
        differ = sorted(t for t in set(mine["documents"]) | set(theirs["documents"])
                        if mine["documents"].get(t) != theirs["documents"].get(t))
        checks.expect(not differ, f"the documents are the same as those of the host in {other}/"
                      + (f" (they differ in: {', '.join(differ)})" if differ else ""))


# -- main ------------------------------------------------------------------------------------

def main(argv):
    if "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    split = argv.index("--")
    options, host = argv[1:split], argv[split + 1:]
    if not options or not host:
        print(__doc__, file=sys.stderr)
        return 2
    workdir, data_dir = options[0], None
    if options[1:2] == ["--data-dir"] and len(options) == 3:
        data_dir = options[2]
    elif len(options) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    tail = [data_dir] if data_dir else []

    fixture.create(workdir, data_dir)
    config = os.path.join(workdir, "retail.yaml")
    database = os.path.join(workdir, "shop.sqlite")
    broken = os.path.join(workdir, "broken.yaml")
    e = fixture.RETAIL
    order = [database, e["order"]["amount"], e["classification"]]
    checks = Checks()

    print("# 1. run, classify, post an order, list the members of the new segment", flush=True)
    code, stdout, _ = run(host + [config, e["as_of"], e["customer"]] + order + tail)
    if code == SKIP:
        print("SKIPPED: the host cannot run here (see its message above)")
        return SKIP
    checks.equal(code, 0, "exit code of the scenario")
    checks.expect(stdout.startswith("plugin: custclass "), "the host printed the plugin identity")
    docs = sections(stdout)
    summary, before = check_run_and_customer(checks, docs, e)
    check_order(checks, docs, e, database, summary, before)
    check_members(checks, docs, e, summary)
    check_focus(checks, stdout, docs, e, summary)
    if code == 0:
        check_same_as_other_hosts(checks, workdir, host, docs)

    print("# 2. a configuration error is reported", flush=True)
    code, _, stderr = run(host + [broken, e["as_of"], e["customer"]] + order + tail)
    checks.expect(code != 0, "a broken rule set makes the host fail")
    checks.expect("CUSTCLASS_E_CONFIG" in stderr, "the host names CUSTCLASS_E_CONFIG")
    checks.expect("broken_rules.yaml" in stderr, "the message names the file with the error")

    print("# 3. an unknown customer is reported", flush=True)
    code, _, stderr = run(host + [config, e["as_of"], fixture.UNKNOWN_CUSTOMER] + order + tail)
    checks.expect(code != 0, "an unknown customer makes the host fail")
    checks.expect("CUSTCLASS_E_NOT_FOUND" in stderr, "the host names CUSTCLASS_E_NOT_FOUND")

    # Steps 4 and 5 add more orders of the customer to the database, after step 1 was checked.
    print("# 4. without the pseudonymisation key an analytics list is refused", flush=True)
    code, stdout, stderr = run(host + [config, e["as_of"], e["customer"]] + order + tail,
                               env=host_environment(None))
    checks.expect(code != 0, "without the key the host fails")
    checks.expect("CUSTCLASS_E_PRIVACY" in stderr, "the host names CUSTCLASS_E_PRIVACY")
    checks.expect(fixture.PSEUDONYM_KEY_ENV in stderr,
                  f"the message names the variable {fixture.PSEUDONYM_KEY_ENV}")
    docs = sections(stdout)
    segment = e["segments_after"][e["classification"]]
    list_title = member_titles(e, segment)["analytics"][0]
    checks.expect("order posted" in docs, "the run and the order's hook worked without the key")
    checks.expect(not docs.get(list_title, "").strip(), "no member was printed")
    checks.expect(FOCUS not in docs, "no focus list was printed")

    print("# 5. a direct-marketing list of a segment not marked for it is refused", flush=True)
    code, stdout, stderr = run(host + [config, e["as_of"], e["customer"]] + order[:2] + ["value"]
                               + tail)
    docs = sections(stdout)
    segment = (docs.get("segment change", "").strip().split(" -> ") + [""])[1]
    checks.expect(segment not in ("", "(unclassified)"),
                  f"the customer has a segment of `value` after the order: {segment!r}")
    checks.expect(f"members summary value/{segment} analytics" in docs,
                  f"the analytics list of value/{segment} was made")
    checks.expect(code != 0, f"the direct-marketing list of value/{segment} makes the host fail")
    checks.expect("CUSTCLASS_E_PRIVACY" in stderr, "the host names CUSTCLASS_E_PRIVACY")
    checks.expect("direct_marketing: true" in stderr and f"`{segment}`" in stderr,
                  "the message names the segment and `direct_marketing: true`")
    checks.expect(not docs.get(f"members value/{segment} direct_marketing", "").strip(),
                  "no member was printed for direct marketing")

    if checks.failures:
        print(f"\n{len(checks.failures)} check(s) failed:")
        for failure in checks.failures:
            print("  - " + failure)
        return 1
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
