#!/usr/bin/env python3
"""run_host_scenario.py -- runs one example host (C, Python or PHP) through the ABI scenario.

    python3 run_host_scenario.py WORKDIR [--data-dir DIR] -- HOST_COMMAND...

HOST_COMMAND is the host with its library argument, e.g. `classify libcustclass.so.1`; this
script appends CONFIG AS_OF CUSTOMER_ID [DATA_DIR]. The scenario, on a fresh fixture.py database:

  1. the run as of fixture.AS_OF and the classification of one customer succeed (exit 0), and
     the printed documents carry the counts computed by hand in fixture.py;
  2. a config whose rule set reads an unknown feature fails (non-zero exit) naming
     CUSTCLASS_E_CONFIG and the file;
  3. an unknown customer fails naming CUSTCLASS_E_NOT_FOUND.

Exit 0 when all hold, 1 otherwise (each failed check is printed), 77 when the host says it
cannot run here (e.g. PHP without FFI).
"""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture  # noqa: E402

SKIP = 77
SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "abi", "schemas")


def run(command):
    print("$ " + " ".join(command), flush=True)
    completed = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=300, check=False)
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

    def equal(self, actual, expected, what):
        self.expect(actual == expected, f"{what}: expected {expected!r}, got {actual!r}")


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
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(document), key=str)
    checks.expect(not errors, f"the document matches abi/schemas/{schema_file}" +
                  "".join(f"\n          {'/'.join(map(str, e.absolute_path))}: {e.message}"
                          for e in errors))


def check_success(checks, stdout):
    e = fixture.EXPECTED
    docs = sections(stdout)
    checks.expect(stdout.startswith("plugin: custclass "), "the host printed the plugin identity")
    for title in ("run summary", f"customer {e['customer']}"):
        checks.expect(title in docs, f"the host printed the section '{title}'")
    try:
        summary = json.loads(docs.get("run summary", "null"))
        result = json.loads(docs.get(f"customer {e['customer']}", "null"))
    except json.JSONDecodeError as error:
        checks.expect(False, f"the documents are JSON ({error})")
        return
    if not isinstance(summary, dict) or not isinstance(result, dict):
        checks.expect(False, "both documents are JSON objects")
        return

    check_schema(checks, summary, "run_summary.schema.json")
    check_schema(checks, result, "customer_result.schema.json")
    checks.equal(summary.get("status"), "succeeded", "summary status")
    checks.equal(summary.get("as_of"), e["as_of"], "summary as_of")
    checks.equal((summary.get("ruleset") or {}).get("name"), e["ruleset"], "summary ruleset name")
    checks.equal(summary.get("customers"), e["customers"], "customers in the run")
    value = (summary.get("classifications") or {}).get(e["classification"]) or {}
    checks.equal(value.get("segments"), e["segments"], f"segment counts of '{e['classification']}'")
    checks.equal(value.get("unclassified"), e["unclassified"],
                 f"unclassified in '{e['classification']}'")

    checks.equal(result.get("customer_id"), e["customer"], "customer result customer_id")
    checks.equal(result.get("as_of"), e["as_of"], "customer result as_of")
    classified = (result.get("classifications") or {}).get(e["classification"]) or {}
    checks.equal(classified.get("segment"), e["customer_segment"], "customer segment")
    matched = classified.get("matched") or [{}]
    checks.equal((matched[0].get("features") or {}).get("frequency"), e["customer_frequency"],
                 "frequency the matched rule read")


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

    config = fixture.create(workdir)
    broken = os.path.join(workdir, "broken.yaml")
    checks = Checks()

    print("# 1. run and classify", flush=True)
    code, stdout, _ = run(host + [config, fixture.AS_OF, fixture.CUSTOMER] + tail)
    if code == SKIP:
        print("SKIPPED: the host cannot run here (see its message above)")
        return SKIP
    checks.equal(code, 0, "exit code of the scenario")
    check_success(checks, stdout)

    print("# 2. a configuration error is reported", flush=True)
    code, _, stderr = run(host + [broken, fixture.AS_OF, fixture.CUSTOMER] + tail)
    checks.expect(code != 0, "a broken rule set makes the host fail")
    checks.expect("CUSTCLASS_E_CONFIG" in stderr, "the host names CUSTCLASS_E_CONFIG")
    checks.expect("broken_rules.yaml" in stderr, "the message names the file with the error")

    print("# 3. an unknown customer is reported", flush=True)
    code, _, stderr = run(host + [config, fixture.AS_OF, fixture.UNKNOWN_CUSTOMER] + tail)
    checks.expect(code != 0, "an unknown customer makes the host fail")
    checks.expect("CUSTCLASS_E_NOT_FOUND" in stderr, "the host names CUSTCLASS_E_NOT_FOUND")

    if checks.failures:
        print(f"\n{len(checks.failures)} check(s) failed:")
        for failure in checks.failures:
            print("  - " + failure)
        return 1
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
