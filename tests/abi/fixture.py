#!/usr/bin/env python3
"""fixture.py -- the small, hand-checked host database the ABI and host tests run against.

    python3 fixture.py DIR

(Re)creates DIR with:
  shop.sqlite        a host database: tables customer, sale and unsubscribe, known rows (below)
  custclass.yaml     an engine config (preset generic, queries over those tables)
  rules.yaml         a rule set: classification `value`, segments buyer (frequency >= 2, marked
                     `direct_marketing: true`) and once (frequency == 1, not marked)
  privacy.yaml       the privacy policy of custclass.yaml and broken.yaml: the shipped
                     config/privacy/pdpo.yaml with the one approval their rule set needs, that
                     of `abi-test 1` for production runs (PRIVACY.md check 13); it reads no
                     sensitive field
  retail.yaml        an engine config on the same database with hk-retail.yaml, the shipped
                     rule set copied from config/rulesets/ with segment `active` of `lifecycle`
                     marked `direct_marketing: true` (the members the hosts list for direct
                     marketing) and its version marked as the fixture's; it also maps consent,
                     opt-out flags and the unsubscribe list: what the example hosts run
  retail-privacy.yaml  retail.yaml's policy: the shipped one with the approvals of that rule
                     set's version and of the sensitive field it reads, birth_date (age bands;
                     check 4)
  broken.yaml        an engine config naming broken_rules.yaml, whose rule reads an unknown
                     feature (a configuration error the hosts must report)
  expected.json      what runs as of AS_OF must report (EXPECTED and RETAIL below)

Member lists for analytics carry pseudonyms, HMAC-SHA256 of the customer id under the key in
the environment variable CUSTCLASS_PSEUDONYM_KEY (PRIVACY.md check 10): the tests set it to
PSEUDONYM_KEY, and pseudonym() computes what they must print.

Every test gets its own directory: a run writes the plugin's tables into the database, and the
example hosts add an order to it.
"""

import hashlib
import hmac
import json
import os
import re
import shutil
import sqlite3
import sys

# The shipped YAML files (rulesets/, presets/, privacy/), found from this file's place in the
# source tree unless create() is given the directory.
DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "config")

AS_OF = "2024-06-30"  # window_days 365: the window is the days 2023-07-02 .. 2024-06-30
CUSTOMER = "101"      # the customer the hosts classify
UNKNOWN_CUSTOMER = "999"
LATE_CUSTOMER = "104"  # created after AS_OF, only an order after AS_OF: does not exist as of AS_OF

# The pseudonymisation key of the tests (the policy's pseudonym_key_env, at least 16 bytes).
PSEUDONYM_KEY_ENV = "CUSTCLASS_PSEUDONYM_KEY"
PSEUDONYM_KEY = "custclass-abi-fixture-pseudonym-key"


def pseudonym(customer_id, key=PSEUDONYM_KEY):
    """What a member list that is not for an identity purpose carries instead of the id."""
    return hmac.new(key.encode(), customer_id.encode(), hashlib.sha256).hexdigest()


CUSTOMERS = [
    # id, name, created, email, phone, district, consent, opted_out
    # (consent and opted_out: 1 yes, 0 no, None not recorded)
    (101, "Chan Tai Man", "2021-03-01", "chan.taiman@example.com", "9876 5432", "Wan Chai", 1, 0),
    (102, "Wong Siu Ming", "2022-05-10", "wong.siuming@example.com", None, None, 0, 0),
    (103, "Lee Ka Yan", "2020-01-15", "lee.kayan@example.com", None, None, 1, 0),
    (104, "Ho Wing Sze", "2024-08-01", None, None, None, 1, 0),
    (105, "Cheung Mei Ling", "2023-01-05", "cheung.meiling@example.com", None, "Sha Tin", 1, 0),
    (106, "Yip Ka Ho", "2023-02-14", None, None, None, 1, 1),
    (107, "Lam Chi Wai", "2022-09-09", None, None, None, None, None),
    (108, "Tsang Wai Yee", "2023-06-01", None, None, "Kwun Tong", 1, 0),
    (109, "Ng Hoi Yan", "2024-05-01", None, None, None, 1, 0),
    (110, "Kwok Siu Fung", "2021-11-20", None, None, None, 1, 0),
]

SALES = [
    # id, customer, at, total
    (1, 101, "2023-09-14 10:30:00", 120.50),  # 101: three purchases in the window
    (2, 101, "2024-01-20 15:00:00", 80.00),
    (3, 101, "2024-06-02 11:45:00", 45.25),
    (4, 102, "2024-03-08 18:20:00", 300.00),  # 102: one purchase in the window
    (5, 103, "2022-11-30 12:00:00", 99.90),   # 103: before the window ...
    (6, 103, "2024-07-15 09:00:00", 60.00),   # ... and after as_of: none in the window
    (7, 104, "2024-08-03 14:00:00", 25.00),   # 104: after as_of
    (8, 105, "2023-12-01 10:00:00", 88.00),   # 105: two purchases
    (9, 105, "2024-05-20 19:30:00", 150.00),
    (10, 106, "2024-02-14 12:00:00", 520.00),  # 106: one large purchase
    (11, 107, "2024-01-15 16:10:00", 60.00),   # 107: one small purchase
    (12, 108, "2023-08-01 13:00:00", 210.00),  # 108: two purchases, the last 10 days ago
    (13, 108, "2024-06-20 10:00:00", 75.00),
    (14, 110, "2023-10-10 11:00:00", 45.00),   # 110: one purchase 264 days ago
]                                               # 109: none (a prospect)

UNSUBSCRIBE = [
    # customer, email, phone: the host's opt-out list (by e-mail in another case, by id)
    (None, "Cheung.MeiLing@Example.com", None),  # 105
    (108, None, None),
]

# As of 2024-06-30 customers 101, 102, 103, 105..110 exist (104 is created later and has no order
# on or before as_of). frequency: 101 -> 3, 105 -> 2, 108 -> 2 (buyer); 102, 106, 107, 110 -> 1
# (once); 103, 109 -> 0 (unclassified). custclass.yaml (rules.yaml) must report this:
EXPECTED = {
    "as_of": AS_OF,
    "ruleset": "abi-test",
    "customers": 9,
    "classification": "value",
    "segments": {"buyer": 3, "once": 4},
    "unclassified": 2,
    "customer": CUSTOMER,
    "customer_segment": "buyer",
    "customer_frequency": 3,
}

# retail.yaml, the shipped rule set hk-retail (the fixture's copy: the same rules) on the same data
# as of 2024-06-30 (RULES.md s.4).
# Active customers (frequency >= 1), n = 7, with recency_days / frequency / monetary:
#   101: 28 / 3 / 245.75   102: 114 / 1 / 300.00   105: 41 / 2 / 238.00   106: 137 / 1 / 520.00
#   107: 167 / 1 / 60.00   108: 10 / 2 / 285.00    110: 264 / 1 / 45.00
# score = 1 + floor(5 w / 7), w = active customers with a strictly worse value:
#   r: 108 5, 101 4, 105 3, 102 3, 106 2, 107 1, 110 1
#   f: 101 5, 105 3, 108 3, the others 1
#   m: 106 5, 102 4, 108 3, 101 3, 105 2, 107 1, 110 1
# value: 101 loyal (r4 f5), 102 about_to_sleep (r3 f1), 105 need_attention (r3 f3),
#        106 hibernating (r2), 107 and 110 lost (r1), 108 potential_loyalists (r5 f3),
#        103 lost (bought before, frequency 0), 109 unclassified (no purchase ever).
# lifecycle (first purchase ever / last): 109 prospect; 101 (290/28), 102 (114/114),
#        105 (212/41), 106 (137/137), 107 (167/167), 108 (334/10) active; 110 (264/264)
#        lapsed; 103 (578/578) churned.
# demographic (all_matches, districts only): 101 hong_kong_island, 108 kowloon,
#        105 new_territories.
#
# The hosts then add an order of RETAIL["order"]["amount"] for customer 103 on as_of (their
# sale gets the next id) and post it: 103 has bought today (recency 0, frequency 1, tenure 578),
# so lifecycle churned -> active, and value lost -> promising: r_score is 4 or 5 however the
# run's 7 cut points place a recency better than all of them, f_score 1 (no active customer
# buys less), tenure over 90 days (not new).
# The live members of lifecycle/active are then 101 102 103 105 106 107 108 (listed for analytics
# as their pseudonyms); for direct marketing (the fixture's copy of hk-retail marks `active`)
# only 101 and 103: 102 refused consent and 107 has none recorded (no_consent 2),
# 105 is on the unsubscribe list by e-mail (in another letter case), 106 is flagged opted out
# in the customer table and 108 is on the list by id (opted_out 3).
#
# Last, the hosts show the 80/20 focus list of the run (custclass_potential, list "focus", limit
# 3, for analytics: pseudonyms). It reads the host's data as of the run's date, so it counts the
# order the hosts posted. monetary in the window, then: 106 520.00, 103 500.00 (the new order),
# 102 300.00, 108 285.00, 101 245.75, 105 238.00, 107 60.00, 110 45.00; 8 customers, 2193.75 in
# all. Revenue ranked ahead: 0, 520, 1020, 1320, 1605 (< 80% = 1755: class A), 1850.75 (< 95% =
# 2084.0625: B), 2088.75, 2148.75 (C); the first 5 customers bring >= 80%: share 5/8 = 0.625.
# The list: the 5 of class A (total), the first 3 shown, each with its segments in the run (103's
# before its order).
RETAIL = {
    "as_of": AS_OF,
    "ruleset": "hk-retail",
    "customers": 9,
    "classifications": {
        "value": {
            "segments": {"loyal": 1, "about_to_sleep": 1, "need_attention": 1, "hibernating": 1,
                         "lost": 3, "potential_loyalists": 1},
            "unclassified": 1,
        },
        "lifecycle": {
            "segments": {"prospect": 1, "active": 6, "lapsed": 1, "churned": 1},
            "unclassified": 0,
        },
        "demographic": {
            "segments": {"hong_kong_island": 1, "kowloon": 1, "new_territories": 1},
        },
    },
    "customer": "103",
    "customer_segments": {"value": "lost", "lifecycle": "churned"},
    # the value of recency_days that the failed `active` condition read
    "customer_recency_days": 578,
    "order": {"customer_id": "103", "order_id": str(len(SALES) + 1),
              "ordered_at": AS_OF + " 12:00:00", "amount": "500.00"},
    "segments_after": {"value": "promising", "lifecycle": "active"},
    "classification": "lifecycle",  # the one whose members the hosts list
    "members": {
        # the customers whose pseudonyms the analytics list carries, in customer id order
        "analytics": ["101", "102", "103", "105", "106", "107", "108"],
        "direct_marketing": ["101", "103"],
        "excluded": {"no_consent": 2, "opted_out": 3},
    },
    "focus": {
        "limit": 3,
        "customers_with_revenue": 8,
        "revenue": 2193.75,
        "customer_share_for_80_percent": 0.625,
        "classes": {"A": 5, "B": 1, "C": 2},  # customers per pareto class
        "total": 5,
        # id (listed as its pseudonym), monetary, revenue share (6 digits), segments in the run
        "customers": [
            ("106", 520.00, 0.237037,
             {"value": "hibernating", "lifecycle": "active", "demographic": []}),
            ("103", 500.00, 0.22792, {"value": "lost", "lifecycle": "churned", "demographic": []}),
            ("102", 300.00, 0.136752,
             {"value": "about_to_sleep", "lifecycle": "active", "demographic": []}),
        ],
    },
}

CONFIG = """\
custclass: 1
source:
  preset: generic
  connection: "sqlite3://db=shop.sqlite"   # relative to this file
  queries:
    customers: SELECT id AS customer_id, created AS created_at FROM customer
    orders: SELECT id AS order_id, customer AS customer_id, at AS ordered_at, total AS amount FROM sale
rules: {rules}
privacy: privacy.yaml
"""

RULES = """\
custclass: 1
name: abi-test
version: "1"
window_days: 365
classifications:
  - id: value
    segments:
      - id: buyer
        when: frequency >= 2
        direct_marketing: true
      - id: once
        when: frequency == 1
"""

BROKEN_RULES = RULES.replace("frequency >= 2", "frequncy >= 2")

RETAIL_CONFIG = """\
custclass: 1
source:
  preset: generic
  connection: "sqlite3://db=shop.sqlite"   # relative to this file
  queries:
    customers: >-
      SELECT id AS customer_id, created AS created_at, email, phone, district,
      consent AS marketing_consent, opted_out FROM customer
    orders: SELECT id AS order_id, customer AS customer_id, at AS ordered_at, total AS amount FROM sale
    opt_outs: SELECT customer AS customer_id, email, phone FROM unsubscribe
rules: hk-retail.yaml
privacy: retail-privacy.yaml
"""

# The fixture's changes to the shipped hk-retail.yaml: (text, replacement), each found once.
RETAIL_RULES_CHANGES = [
    ('version: "', 'version: "abi-fixture-'),
    ("        when: recency_days <= 180\n",
     "        when: recency_days <= 180\n        direct_marketing: true\n"),
]


def retail_rules(shipped):
    """The fixture's copy of the shipped rule set hk-retail.yaml (its text)."""
    for old, new in RETAIL_RULES_CHANGES:
        if shipped.count(old) != 1:
            raise ValueError(f"hk-retail.yaml: expected one `{old.strip()}`")
        shipped = shipped.replace(old, new)
    return shipped


def ruleset_subject(rules_text):
    """"<name> <version>" of a rule set, as its approval names it (PRIVACY.md check 13)."""
    def top(key):
        found = re.search(rf'^{key}:[ \t]*("([^"]*)"|\'([^\']*)\'|[^#\n]*?)[ \t]*(#.*)?$',
                          rules_text, re.M)
        if not found:
            raise ValueError(f"the rule set has no top-level `{key}`")
        return next(g for g in (found.group(2), found.group(3), found.group(1)) if g is not None)
    return f"{top('name')} {top('version')}"


def privacy_policy(shipped, rules_text, sensitive_fields=()):
    """The shipped policy (its text) with the approvals a production run of the rule set needs:
    the rule set's version (check 13) and each sensitive field it reads (check 4)."""
    who = '"custclass tests (tests/abi/fixture.py)"'
    approvals = [f'{{scope: rule_set, subject: "{ruleset_subject(rules_text)}", who: {who}, '
                 f'when: "2024-06-01", why: "the ABI and host tests run it"}}']
    approvals += [f'{{scope: sensitive_attribute, subject: {field}, who: {who}, '
                  f'when: "2024-06-01", why: "read by the rule set of the tests"}}'
                  for field in sensitive_fields]
    if shipped.count("approvals: []\n") != 1:
        raise ValueError("the shipped privacy policy has no `approvals: []` line")
    return shipped.replace("approvals: []\n",
                           "approvals:\n" + "".join(f"  - {a}\n" for a in approvals))


def create(directory, data_dir=None):
    """(Re)creates the fixture in directory; returns the path of the engine config custclass.yaml
    (retail.yaml is beside it). data_dir: the shipped YAML files (default: the source tree's)."""
    if os.path.exists(directory):
        shutil.rmtree(directory)
    os.makedirs(directory)
    with sqlite3.connect(os.path.join(directory, "shop.sqlite")) as db:
        db.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                   "created TEXT NOT NULL, email TEXT, phone TEXT, district TEXT, "
                   "consent INTEGER, opted_out INTEGER)")
        db.execute("CREATE TABLE sale (id INTEGER PRIMARY KEY, "
                   "customer INTEGER NOT NULL REFERENCES customer(id), at TEXT NOT NULL, "
                   "total NUMERIC NOT NULL)")
        db.execute("CREATE TABLE unsubscribe (id INTEGER PRIMARY KEY, "
                   "customer INTEGER REFERENCES customer(id), email TEXT, phone TEXT)")
        db.executemany("INSERT INTO customer VALUES (?, ?, ?, ?, ?, ?, ?, ?)", CUSTOMERS)
        db.executemany("INSERT INTO sale VALUES (?, ?, ?, ?)", SALES)
        db.executemany("INSERT INTO unsubscribe (customer, email, phone) VALUES (?, ?, ?)",
                       UNSUBSCRIBE)
    db.close()

    def shipped(*path):
        with open(os.path.join(data_dir or DATA_DIR, *path), encoding="utf-8") as f:
            return f.read()
    retail = retail_rules(shipped("rulesets", "hk-retail.yaml"))
    policy = shipped("privacy", "pdpo.yaml")

    files = {
        "custclass.yaml": CONFIG.format(rules="rules.yaml"),
        "rules.yaml": RULES,
        # rules.yaml reads frequency only; broken_rules.yaml is the same rule set (never runs).
        "privacy.yaml": privacy_policy(policy, RULES),
        "retail.yaml": RETAIL_CONFIG,
        "hk-retail.yaml": retail,
        # hk-retail reads birth_date as age_band (the age tags of `demographic`), and no other
        # sensitive field.
        "retail-privacy.yaml": privacy_policy(policy, retail, ["birth_date"]),
        "broken.yaml": CONFIG.format(rules="broken_rules.yaml"),
        "broken_rules.yaml": BROKEN_RULES,
        "expected.json": json.dumps({"custclass.yaml": EXPECTED, "retail.yaml": RETAIL},
                                    indent=2) + "\n",
    }
    for name, text in files.items():
        with open(os.path.join(directory, name), "w", encoding="utf-8") as f:
            f.write(text)
    return os.path.join(directory, "custclass.yaml")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} DIR", file=sys.stderr)
        sys.exit(2)
    print(create(sys.argv[1]))
