#!/usr/bin/python3
"""The JSON Schemas of config/schemas/ checked three ways (one CTest test each):

  meta      every schema is a valid draft-07 schema (the draft yaml-language-server supports);
  shipped   every YAML file the project ships under config/ is valid against its schema, names it
            in its `# yaml-language-server: $schema=…` modeline, and is accepted by the loader;
  samples   small documents, valid and invalid, get the same verdict from the schema and from the
            loader (custclass_config_validate), so the schemas describe what the loaders accept.
            Where a schema cannot see a problem (a cross-reference, an expression, a file) or
            deliberately differs, the sample says so.

YAML is read as YAML 1.2 (core schema), as yaml-language-server reads it: `yes`, `on` and
`2026-01-31` are text, not a boolean and a date as PyYAML's default YAML 1.1 rules would make them.

Needs Debian's python3-jsonschema and python3-yaml (run it with /usr/bin/python3).
"""

import argparse
import json
import pathlib
import re
import subprocess
import sys
import tempfile

try:
    import jsonschema
    import yaml
except ImportError as e:  # pragma: no cover - depends on the machine
    sys.exit(f"FAIL    {e.name} is missing for {sys.executable}: install the Debian packages "
             "python3-jsonschema and python3-yaml (scripts/install-deps.sh)")

SCHEMAS = {
    "engine-config": "engine-config.schema.json",
    "ruleset": "ruleset.schema.json",
    "privacy-policy": "privacy-policy.schema.json",
    "preset": "preset.schema.json",
}
MODELINE = re.compile(r"^#\s*yaml-language-server:\s*\$schema=(\S+)\s*$")


# ------------------------------------------------------------------------------ YAML 1.2 --

class Yaml12Loader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
    """PyYAML's safe loader with the implicit types of the YAML 1.2 core schema."""


Yaml12Loader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
              r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+0123456789."),
]:
    Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:" + _tag, re.compile(_regexp),
                                       list(_first))


def load_yaml(text):
    return yaml.load(text, Loader=Yaml12Loader)  # nosec - a SafeLoader


# -------------------------------------------------------------------------------- helpers --

class Checker:
    def __init__(self, source_dir):
        self.source_dir = pathlib.Path(source_dir).resolve()
        self.schema_dir = self.source_dir / "config" / "schemas"
        self.failures = 0
        self.validators = {}

    def fail(self, what):
        self.failures += 1
        print(f"FAIL    {what}")

    def ok(self, what):
        print(f"ok      {what}")

    def schema(self, kind):
        return json.loads((self.schema_dir / SCHEMAS[kind]).read_text(encoding="utf-8"))

    def validator(self, kind):
        if kind not in self.validators:
            checker = getattr(jsonschema.Draft7Validator, "FORMAT_CHECKER", None)
            if checker is None:
                checker = jsonschema.draft7_format_checker
            self.validators[kind] = jsonschema.Draft7Validator(self.schema(kind),
                                                               format_checker=checker)
        return self.validators[kind]

    def schema_errors(self, kind, document):
        errors = self.validator(kind).iter_errors(document)
        return sorted(f"/{'/'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in errors)

    def finish(self):
        if self.failures:
            print(f"{self.failures} check(s) failed")
            return 1
        print("all checks passed")
        return 0


def kind_of(document):
    """The file kind by its keys, as config/validation.cpp tells them apart."""
    if not isinstance(document, dict):
        return None
    if "source" in document or "rules" in document:
        return "engine-config"
    if {"classifications", "scores", "window_days"} & document.keys():
        return "ruleset"
    if {"policy", "fields", "purposes"} & document.keys():
        return "privacy-policy"
    if {"custclass_preset", "requires"} & document.keys():
        return "preset"
    return None


def run_loader(validator, data_dir, path):
    """(accepted, output) of the loaders on one file."""
    result = subprocess.run([validator, str(data_dir), str(path)], capture_output=True,
                            text=True, check=False)
    if result.returncode not in (0, 1):
        return None, f"exit status {result.returncode}: {result.stdout}{result.stderr}"
    return result.returncode == 0, result.stdout.strip()


# ----------------------------------------------------------------------------------- meta --

def check_catalog(c, validator):
    """The rule set schema names the features of the loader's catalog (feature_catalog.cpp)."""
    result = subprocess.run([validator, "--features"], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        c.fail(f"{validator} --features failed: {result.stderr}")
        return
    features, functions, customer_text = set(), set(), set()
    for line in result.stdout.splitlines():
        fields = line.split("\t")
        if fields[0] == "feature":
            features.add(fields[1])
            if fields[2] == "text" and fields[3] == "customers":
                customer_text.add(fields[1])
        elif fields[0] == "function":
            functions.add(fields[1])
    schema = c.schema("ruleset")
    definitions = schema["definitions"]
    not_features = set(definitions["score"]["properties"]["id"]["allOf"][1]["not"]["enum"])
    if not_features != features:
        c.fail("ruleset.schema.json: the score id must not be a feature, but the list differs "
               f"from the catalog: missing {sorted(features - not_features)}, extra "
               f"{sorted(not_features - features)}")
    words = set(re.findall(r"[a-z_][a-z0-9_]*", definitions["expression"]["description"]))
    for name in sorted((features | functions) - words):
        c.fail(f"ruleset.schema.json: the expression description does not name `{name}`")
    keys = set(definitions["enrichment"]["properties"]["key"]["enum"])
    if keys != customer_text:
        c.fail(f"ruleset.schema.json: the enrichment `key` enum {sorted(keys)} is not the text "
               f"features of the customers table {sorted(customer_text)}")
    if not_features == features and keys == customer_text:
        c.ok(f"ruleset.schema.json names the {len(features)} features and {len(functions)} "
             "feature functions of the catalog")


def check_meta(c, validator=None):
    for kind, name in SCHEMAS.items():
        try:
            schema = c.schema(kind)
        except (OSError, ValueError) as e:
            c.fail(f"{name}: cannot be read as JSON: {e}")
            continue
        if schema.get("$schema") != "http://json-schema.org/draft-07/schema#":
            c.fail(f"{name}: `$schema` is not draft-07 (the draft yaml-language-server supports)")
        try:
            jsonschema.Draft7Validator.check_schema(schema)
        except jsonschema.exceptions.SchemaError as e:
            c.fail(f"{name}: not a valid draft-07 schema: {e.message}")
            continue
        # Every object says which keys it allows, and every property has a hover text.
        missing = []

        def walk(node, where):
            if isinstance(node, dict):
                if node.get("type") == "object" and "additionalProperties" not in node:
                    missing.append(f"{where}: an object without `additionalProperties`")
                for key, sub in node.get("properties", {}).items():
                    if isinstance(sub, dict) and "$ref" in sub and "description" not in sub:
                        sub = schema["definitions"].get(sub["$ref"].rsplit("/", 1)[-1], {})
                    if isinstance(sub, dict) and "description" not in sub:
                        missing.append(f"{where}/properties/{key}: no description")
                for key, sub in node.items():
                    if key not in ("if", "then", "else", "not"):  # conditions, not keys
                        walk(sub, f"{where}/{key}")
            elif isinstance(node, list):
                for i, sub in enumerate(node):
                    walk(sub, f"{where}/{i}")

        walk(schema, "#")
        for m in missing:
            c.fail(f"{name}: {m}")
        if not missing:
            c.ok(f"{name} is a valid draft-07 schema with a description for every key")
    if validator:
        check_catalog(c, validator)
    # The presets the project ships are all offered by the engine config schema.
    presets_dir = c.source_dir / "config" / "presets"
    offered = c.schema("engine-config")["properties"]["source"]["properties"]["preset"]["enum"]
    for preset in sorted(presets_dir.glob("*.yaml")) if presets_dir.is_dir() else []:
        if preset.stem not in offered:
            c.fail(f"config/presets/{preset.name} is not in the `preset` enum of "
                   "engine-config.schema.json")


# -------------------------------------------------------------------------------- shipped --

def check_shipped(c, validator):
    config_dir = c.source_dir / "config"
    files = sorted(p for p in config_dir.rglob("*.yaml") if "schemas" not in p.parts)
    if not files:
        c.fail("no YAML files found under config/")
    checked = 0
    for path in files:
        rel = path.relative_to(c.source_dir)
        text = path.read_text(encoding="utf-8")
        try:
            document = load_yaml(text)
        except yaml.YAMLError as e:
            c.fail(f"{rel}: not valid YAML: {e}")
            continue
        kind = kind_of(document)
        if kind is None:
            c.fail(f"{rel}: neither an engine config, a rule set, a privacy policy nor a preset")
            continue
        first = text.splitlines()[0] if text else ""
        match = MODELINE.match(first)
        expected = c.schema_dir / SCHEMAS[kind]
        if not match:
            c.fail(f"{rel}: the first line is not `# yaml-language-server: $schema="
                   f"{pathlib.Path('..') / 'schemas' / SCHEMAS[kind]}`")
        elif (path.parent / match.group(1)).resolve() != expected.resolve():
            c.fail(f"{rel}: the modeline names {match.group(1)}, not the {kind} schema")
        errors = c.schema_errors(kind, document)
        for e in errors:
            c.fail(f"{rel} against {SCHEMAS[kind]}: {e}")
        accepted, output = run_loader(validator, config_dir, path)
        if not accepted:
            c.fail(f"{rel}: the loader rejects it:\n{output}")
        if not errors and accepted:
            c.ok(f"{rel} is a valid {kind} for the schema and the loader")
        checked += 1
    if checked == 0:
        c.fail("no shipped configuration file was checked")


# -------------------------------------------------------------------------------- samples --

# Verdicts: "valid" (schema and loader accept), "invalid" (both reject), "loader_only" (the schema
# cannot see the problem, the loader reports it), "schema_only" (a deliberate difference: the schema
# asks for the canonical spelling, the loader also takes another).
RULES_HEAD = 'custclass: 1\nname: t\nversion: "1"\n'
SEGMENT = "classifications:\n  - id: v\n    segments:\n      - id: a\n        when: frequency >= 1\n"


def segment(extra="", when="frequency >= 1"):
    return (RULES_HEAD + "classifications:\n  - id: v\n    segments:\n      - id: a\n"
            f"        when: {when}\n" + extra)


def score(body):
    return RULES_HEAD + "scores:\n  - id: s\n" + body + SEGMENT


POLICY_HEAD = ('custclass: 1\npolicy: p\nversion: "1"\n'
               "purposes: [customer_analytics, direct_marketing]\n")
FIELD = "fields:\n  customer_id: {category: identifier, purposes: [customer_analytics]}\n"
APPROVAL = ("approvals:\n  - scope: rule_set\n    subject: hk-retail 2026.11-1\n    who: DPO\n"
            "    when: {when}\n    why: reviewed\n")
# A valid preset on every backend, standing in for the shipped ones.
TEST_PRESET = ("custclass_preset: 1\nhost: Test\nversions: \"1\"\nbackends: [sqlite3, postgresql, mysql]\n"
               "settings:\n  states: {type: text_list, default: [paid]}\n"
               "requires:\n  customers: {c: [id]}\n  orders: {o: [id]}\n"
               "queries:\n  customers: SELECT id AS customer_id FROM c\n"
               "  orders: SELECT id AS order_id FROM o WHERE s IN ({{states}})\n")
ENGINE = 'custclass: 1\nsource:\n  preset: tryton\n  connection: "sqlite3://db=shop.sqlite"\n'
GENERIC = 'custclass: 1\nsource:\n  connection: "sqlite3://db=shop.sqlite"\n'

SAMPLES = [
    # ---- rule sets
    ("ruleset_minimal", "valid", RULES_HEAD + SEGMENT),
    ("ruleset_full", "valid",
     'custclass: 1\nname: hk-retail.v2\nversion: 2\npurpose: direct_marketing\nwindow_days: 90\n'
     "time_zone: Asia/Macau\nscores:\n  - id: engagement\n    label: Engagement\n"
     "    description: Points.\n    points:\n      - when: frequency >= 3\n        add: 20\n"
     "      - when: \"'skincare' in interests\"\n        add: -2.5\n"
     "    tiers: {hot: 50, warm: 20.5}\nclassifications:\n  - id: tags\n    label: Tags\n"
     "    mode: all_matches\n    segments:\n      - id: hot\n        label: Hot\n"
     "        description: Hot leads.\n        when: engagement_tier == 'hot'\n"
     "        direct_marketing: true\n      - id: everyone\n        when: true\n"),
    ("ruleset_when_is_false", "valid", segment(when="false")),
    ("ruleset_unknown_key", "invalid", RULES_HEAD + "windw_days: 30\n" + SEGMENT),
    ("ruleset_format_2", "invalid", RULES_HEAD.replace("custclass: 1", "custclass: 2") + SEGMENT),
    ("ruleset_no_format", "invalid", RULES_HEAD.replace("custclass: 1\n", "") + SEGMENT),
    ("ruleset_bad_name", "invalid", RULES_HEAD.replace("name: t", "name: HK Retail") + SEGMENT),
    ("ruleset_empty_version", "invalid", RULES_HEAD.replace('"1"', '""') + SEGMENT),
    ("ruleset_window_0", "invalid", RULES_HEAD + "window_days: 0\n" + SEGMENT),
    ("ruleset_window_36601", "invalid", RULES_HEAD + "window_days: 36601\n" + SEGMENT),
    ("ruleset_window_text", "invalid", RULES_HEAD + "window_days: a year\n" + SEGMENT),
    ("ruleset_window_fraction", "invalid", RULES_HEAD + "window_days: 36.5\n" + SEGMENT),
    ("ruleset_time_zone_list", "invalid", RULES_HEAD + "time_zone: [Asia/Hong_Kong]\n" + SEGMENT),
    ("ruleset_classifications_mapping", "invalid", RULES_HEAD + "classifications: {v: 1}\n"),
    ("ruleset_no_classification", "invalid", RULES_HEAD + "classifications: []\n"),
    ("ruleset_no_segment", "invalid", RULES_HEAD + "classifications:\n  - id: v\n    segments: []\n"),
    ("ruleset_mode_any", "invalid",
     RULES_HEAD + "classifications:\n  - id: v\n    mode: any\n    segments:\n      - id: a\n"
     "        when: true\n"),
    ("ruleset_segment_id_upper", "invalid", segment().replace("id: a", "id: Champions")),
    ("ruleset_segment_id_digit", "invalid", segment().replace("id: a", "id: 1st")),
    ("ruleset_segment_without_when", "invalid",
     RULES_HEAD + "classifications:\n  - id: v\n    segments:\n      - id: a\n"),
    ("ruleset_segment_is_text", "invalid",
     RULES_HEAD + "classifications:\n  - id: v\n    segments:\n      - champions\n"),
    ("ruleset_when_number", "invalid", segment(when="1")),
    ("ruleset_when_empty", "invalid", segment(when='""')),
    ("ruleset_when_blank", "invalid", segment(when='"   "')),
    ("ruleset_when_list", "invalid", segment(when="[frequency]")),
    ("ruleset_direct_marketing_word", "invalid", segment("        direct_marketing: maybe\n")),
    ("ruleset_label_list", "invalid", segment("        label: [a, b]\n")),
    ("ruleset_score_without_points", "invalid", score("    points: []\n")),
    ("ruleset_score_add_text", "invalid",
     score("    points:\n      - when: frequency > 1\n        add: ten\n")),
    ("ruleset_score_id_is_feature", "invalid",
     (RULES_HEAD + "scores:\n  - id: frequency\n    points:\n      - when: age > 1\n"
      "        add: 1\n" + SEGMENT)),
    ("ruleset_tier_name_upper", "invalid",
     score("    points:\n      - when: age > 1\n        add: 1\n    tiers: {Hot: 1}\n")),
    ("ruleset_tier_threshold_text", "invalid",
     score("    points:\n      - when: age > 1\n        add: 1\n    tiers: {hot: high}\n")),
    ("ruleset_tiers_list", "invalid",
     score("    points:\n      - when: age > 1\n        add: 1\n    tiers: [hot]\n")),
    ("ruleset_top_level_list", "invalid", "- custclass: 1\n- classifications: []\n"),
    ("ruleset_attributes_and_enrichments", "valid",
     RULES_HEAD + "attributes: {vip_level: text, credit_limit: number}\nenrich:\n"
     "  - id: income\n    key: district\n    key_column: district_name\n    csv: income.csv\n"
     "    columns: {median: number, band: text}\n  - id: footfall\n    key: district\n"
     "    query: SELECT district, visits FROM footfall\n    columns: {visits: number}\n"
     "classifications:\n  - id: v\n    segments:\n      - id: a\n"
     "        when: attr.vip_level == 'gold' or enrich.income.median > 30000\n"),
    ("ruleset_attribute_type", "invalid", RULES_HEAD + "attributes: {vip: boolean}\n" + SEGMENT),
    ("ruleset_attribute_name", "invalid", RULES_HEAD + "attributes: {VIP: text}\n" + SEGMENT),
    ("ruleset_enrich_csv_and_query", "invalid",
     RULES_HEAD + "enrich:\n  - {id: i, key: district, csv: a.csv, query: SELECT 1, "
     "columns: {m: number}}\n" + SEGMENT),
    ("ruleset_enrich_neither_csv_nor_query", "invalid",
     RULES_HEAD + "enrich:\n  - {id: i, key: district, columns: {m: number}}\n" + SEGMENT),
    ("ruleset_enrich_key_not_customer_text", "invalid",
     RULES_HEAD + "enrich:\n  - {id: i, key: frequency, csv: a.csv, columns: {m: number}}\n"
     + SEGMENT),
    ("ruleset_enrich_column_type", "invalid",
     RULES_HEAD + "enrich:\n  - {id: i, key: district, csv: a.csv, columns: {m: money}}\n"
     + SEGMENT),
    ("ruleset_enrich_without_columns", "invalid",
     RULES_HEAD + "enrich:\n  - {id: i, key: district, csv: a.csv}\n" + SEGMENT),
    ("ruleset_unknown_feature", "loader_only", segment(when="frequncy >= 1")),
    ("ruleset_type_error", "loader_only", segment(when="district > 3")),
    ("ruleset_syntax_error", "loader_only", segment(when="frequency >= 1 monetary")),
    ("ruleset_unknown_time_zone", "loader_only", RULES_HEAD + "time_zone: Mars/Base\n" + SEGMENT),
    ("ruleset_duplicate_segment", "loader_only",
     segment("      - id: a\n        when: true\n")),
    ("ruleset_score_cycle", "loader_only",
     RULES_HEAD + "scores:\n  - id: s\n    points:\n      - when: s > 1\n        add: 1\n"
     + SEGMENT),
    ("ruleset_direct_marketing_yes", "schema_only", segment("        direct_marketing: yes\n")),
    ("ruleset_label_number", "schema_only", segment("        label: 2024\n")),
    # ---- privacy policies
    ("policy_minimal", "valid", POLICY_HEAD + FIELD),
    ("policy_full", "valid",
     POLICY_HEAD + FIELD + "  hkid: {category: government_id, purposes: []}\n"
     "  birth_date: {category: sensitive, purposes: [customer_analytics]}\n"
     "retention_days: 730\nsmall_cell_k: 10\npseudonym_key_env: KEY\n"
     "fairness: {max_disparity: 1}\n" + APPROVAL.format(when="2026-01-31")),
    ("policy_unknown_field", "invalid",
     POLICY_HEAD + "fields:\n  passport: {category: identifier, purposes: []}\n"),
    ("policy_unknown_category", "invalid",
     POLICY_HEAD + "fields:\n  email: {category: contct, purposes: [direct_marketing]}\n"),
    ("policy_hkid_used", "invalid",
     POLICY_HEAD + "fields:\n  hkid: {category: government_id, purposes: [customer_analytics]}\n"),
    ("policy_field_without_purposes", "invalid",
     POLICY_HEAD + "fields:\n  email: {category: contact}\n"),
    ("policy_field_is_text", "invalid", POLICY_HEAD + "fields:\n  email: contact\n"),
    ("policy_purpose_twice", "invalid",
     POLICY_HEAD.replace("direct_marketing]", "direct_marketing, direct_marketing]") + FIELD),
    ("policy_purposes_text", "invalid",
     POLICY_HEAD.replace("[customer_analytics, direct_marketing]", "customer_analytics") + FIELD),
    ("policy_no_fields", "invalid", POLICY_HEAD),
    ("policy_fields_list", "invalid", POLICY_HEAD + "fields: [email]\n"),
    ("policy_retention_0", "invalid", POLICY_HEAD + FIELD + "retention_days: 0\n"),
    ("policy_k_1001", "invalid", POLICY_HEAD + FIELD + "small_cell_k: 1001\n"),
    ("policy_disparity_0", "invalid", POLICY_HEAD + FIELD + "fairness: {max_disparity: 0}\n"),
    ("policy_disparity_1_5", "invalid", POLICY_HEAD + FIELD + "fairness: {max_disparity: 1.5}\n"),
    ("policy_fairness_typo", "invalid", POLICY_HEAD + FIELD + "fairness: {max_disparty: 0.1}\n"),
    ("policy_approval_scope", "invalid",
     POLICY_HEAD + FIELD + APPROVAL.format(when="2026-01-31").replace("rule_set\n", "rules\n")),
    ("policy_approval_date", "invalid",
     POLICY_HEAD + FIELD + APPROVAL.format(when="2026-02-30")),
    ("policy_approval_date_format", "invalid",
     POLICY_HEAD + FIELD + APPROVAL.format(when="31/01/2026")),
    ("policy_approval_without_why", "invalid",
     POLICY_HEAD + FIELD + APPROVAL.format(when="2026-01-31").replace("    why: reviewed\n", "")),
    ("policy_undeclared_purpose", "loader_only",
     POLICY_HEAD + "fields:\n  email: {category: contact, purposes: [marketing]}\n"),
    # ---- engine configs (rules.yaml and privacy.yaml beside them are valid)
    ("engine_preset", "valid", ENGINE + "rules: rules.yaml\n"),
    ("engine_preset_settings", "valid",
     ENGINE + "  settings:\n    states: [paid, shipped]\nrules: rules.yaml\n"),
    ("engine_null_query", "valid", ENGINE + "  queries:\n    referrals: null\nrules: rules.yaml\n"),
    ("engine_settings_not_a_mapping", "invalid", ENGINE + "  settings: [a]\nrules: rules.yaml\n"),
    ("engine_full", "valid",
     ENGINE + "  password_env: DB_PASSWORD\n  currency_decimals: 0\n"
     "  queries:\n    referrals: SELECT 1\nstore:\n  connection: \"postgresql://dbname=store\"\n"
     "  password_env: STORE_PASSWORD\nrules: rules.yaml\nprivacy: privacy.yaml\n"),
    ("engine_generic", "valid",
     GENERIC + "  queries:\n    customers: SELECT 1\n    orders: SELECT 2\n"
     "store:\n  connection: same\nrules: rules.yaml\n"),
    ("engine_generic_explicit", "valid",
     GENERIC.replace("source:\n", "source:\n  preset: generic\n")
     + "  queries: {customers: SELECT 1, orders: SELECT 2}\nrules: rules.yaml\n"),
    ("engine_no_source", "invalid", "custclass: 1\nrules: rules.yaml\n"),
    ("engine_no_rules", "invalid", ENGINE),
    ("engine_source_text", "invalid", "custclass: 1\nsource: sqlite3://db=x\nrules: rules.yaml\n"),
    ("engine_no_connection", "invalid", "custclass: 1\nsource:\n  preset: tryton\nrules: r.yaml\n"),
    ("engine_connection_without_backend", "invalid",
     ENGINE.replace("sqlite3://db=shop.sqlite", "db=shop.sqlite") + "rules: rules.yaml\n"),
    ("engine_unknown_backend", "invalid",
     ENGINE.replace("sqlite3://", "oracle://") + "rules: rules.yaml\n"),
    ("engine_unknown_preset", "invalid",
     ENGINE.replace("tryton", "sap") + "rules: rules.yaml\n"),
    ("engine_generic_without_queries", "invalid", GENERIC + "rules: rules.yaml\n"),
    ("engine_generic_without_orders", "invalid",
     GENERIC + "  queries:\n    customers: SELECT 1\nrules: rules.yaml\n"),
    ("engine_unknown_table", "invalid",
     ENGINE + "  queries:\n    sales: SELECT 1\nrules: rules.yaml\n"),
    ("engine_empty_query", "invalid",
     ENGINE + "  queries:\n    orders: \"\"\nrules: rules.yaml\n"),
    ("engine_decimals_5", "invalid", ENGINE + "  currency_decimals: 5\nrules: rules.yaml\n"),
    ("engine_unknown_key", "invalid", ENGINE + "  pasword_env: X\nrules: rules.yaml\n"),
    ("engine_store_same_with_password", "invalid",
     ENGINE + "store:\n  connection: same\n  password_env: X\nrules: rules.yaml\n"),
    ("engine_store_without_connection", "invalid", ENGINE + "store: {}\nrules: rules.yaml\n"),
    ("engine_store_bad_connection", "invalid",
     ENGINE + "store:\n  connection: elsewhere\nrules: rules.yaml\n"),
    ("engine_missing_rules_file", "loader_only", ENGINE + "rules: missing.yaml\n"),
]

VALID_RULES = RULES_HEAD + SEGMENT
VALID_POLICY = POLICY_HEAD + FIELD


def check_samples(c, validator):
    names = [s[0] for s in SAMPLES]
    assert len(names) == len(set(names)), "duplicate sample names"
    with tempfile.TemporaryDirectory(prefix="custclass-schemas-") as tmp:
        tmp = pathlib.Path(tmp)
        data_dir = tmp / "data"
        (data_dir / "presets").mkdir(parents=True)
        (data_dir / "privacy").mkdir()
        for preset in ("tryton", "odoo", "dolibarr", "erpnext", "suitecrm"):
            (data_dir / "presets" / f"{preset}.yaml").write_text(TEST_PRESET, encoding="utf-8")
        (data_dir / "privacy" / "pdpo.yaml").write_text(VALID_POLICY, encoding="utf-8")
        work = tmp / "work"
        work.mkdir()
        (work / "rules.yaml").write_text(VALID_RULES, encoding="utf-8")
        (work / "privacy.yaml").write_text(VALID_POLICY, encoding="utf-8")
        kinds = {"ruleset": "ruleset", "policy": "privacy-policy", "engine": "engine-config"}
        for name, verdict, text in SAMPLES:
            kind = kinds[name.split("_")[0]]
            path = work / f"{name}.yaml"
            path.write_text(text, encoding="utf-8")
            errors = c.schema_errors(kind, load_yaml(text))
            accepted, output = run_loader(validator, data_dir, path)
            schema_ok = not errors
            want_schema = verdict in ("valid", "loader_only")
            want_loader = verdict in ("valid", "schema_only")
            problems = []
            if schema_ok != want_schema:
                problems.append("the schema " + ("accepts it" if schema_ok else
                                                 "rejects it: " + "; ".join(errors)))
            if accepted is None:
                problems.append("the loader failed: " + output)
            elif accepted != want_loader:
                problems.append("the loader " + ("accepts it" if accepted else
                                                 "rejects it:\n" + output))
            if problems:
                c.fail(f"{name} ({verdict}): " + "\n        ".join(problems)
                       + "\n        document:\n" + text)
            else:
                c.ok(f"{name} ({verdict})" + (f": {errors[0]}" if errors else ""))
        if not any(v == "invalid" for _, v, _ in SAMPLES):
            c.fail("no invalid sample")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["meta", "shipped", "samples"])
    parser.add_argument("--source-dir", required=True, help="the source tree's root")
    parser.add_argument("--validator", help="the custclass_config_validate program")
    args = parser.parse_args()
    c = Checker(args.source_dir)
    if args.mode == "meta":
        check_meta(c, args.validator)
    else:
        if not args.validator:
            parser.error(f"{args.mode} needs --validator")
        if args.mode == "shipped":
            check_shipped(c, args.validator)
        else:
            check_samples(c, args.validator)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
