#!/usr/bin/env python3
"""fixture.py -- the small, hand-checked host database the ABI and host tests run against.

    python3 fixture.py DIR

(Re)creates DIR with:
  shop.sqlite        a host database: tables customer and sale, known rows (below)
  custclass.yaml     an engine config (preset generic, queries over those tables)
  rules.yaml         a rule set: classification `value`, segments buyer (frequency >= 2) and
                     once (frequency == 1)
  broken.yaml        an engine config naming broken_rules.yaml, whose rule reads an unknown
                     feature (a configuration error the hosts must report)
  expected.json      what a run as of AS_OF must report (EXPECTED below)

Every test gets its own directory: a run writes the plugin's tables into the database.
"""

import json
import os
import shutil
import sqlite3
import sys

AS_OF = "2024-06-30"  # window_days 365: the window is the days 2023-07-02 .. 2024-06-30
CUSTOMER = "101"      # the customer the hosts classify
UNKNOWN_CUSTOMER = "999"
LATE_CUSTOMER = "104"  # created after AS_OF, only an order after AS_OF: does not exist as of AS_OF

CUSTOMERS = [
    # id, name, created
    (101, "Chan Tai Man", "2021-03-01"),
    (102, "Wong Siu Ming", "2022-05-10"),
    (103, "Lee Ka Yan", "2020-01-15"),
    (104, "Ho Wing Sze", "2024-08-01"),
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
]

# As of 2024-06-30: customers 101, 102, 103 exist (104 is created later and has no order on or
# before as_of). frequency: 101 -> 3 (buyer), 102 -> 1 (once), 103 -> 0 (unclassified).
EXPECTED = {
    "as_of": AS_OF,
    "ruleset": "abi-test",
    "customers": 3,
    "classification": "value",
    "segments": {"buyer": 1, "once": 1},
    "unclassified": 1,
    "customer": CUSTOMER,
    "customer_segment": "buyer",
    "customer_frequency": 3,
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
      - id: once
        when: frequency == 1
"""

BROKEN_RULES = RULES.replace("frequency >= 2", "frequncy >= 2")


def create(directory):
    """(Re)creates the fixture in directory; returns the path of the engine config."""
    if os.path.exists(directory):
        shutil.rmtree(directory)
    os.makedirs(directory)
    with sqlite3.connect(os.path.join(directory, "shop.sqlite")) as db:
        db.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                   "created TEXT NOT NULL)")
        db.execute("CREATE TABLE sale (id INTEGER PRIMARY KEY, "
                   "customer INTEGER NOT NULL REFERENCES customer(id), at TEXT NOT NULL, "
                   "total NUMERIC NOT NULL)")
        db.executemany("INSERT INTO customer VALUES (?, ?, ?)", CUSTOMERS)
        db.executemany("INSERT INTO sale VALUES (?, ?, ?, ?)", SALES)
    db.close()

    files = {
        "custclass.yaml": CONFIG.format(rules="rules.yaml"),
        "rules.yaml": RULES,
        "broken.yaml": CONFIG.format(rules="broken_rules.yaml"),
        "broken_rules.yaml": BROKEN_RULES,
        "expected.json": json.dumps(EXPECTED, indent=2) + "\n",
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
