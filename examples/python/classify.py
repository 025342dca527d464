#!/usr/bin/env python3
"""classify.py -- a Python host of the custclass plugin, through ctypes.

What an Odoo or Tryton module does with the plugin: load it, open an engine on the
administrator's custclass.yaml, run a classification as of a date, ask for one customer's
segments (e.g. to show them on the partner form); then, as the module's hook on a confirmed sale
does, write the order into the host's database, commit it, tell the plugin (order_posted, ABI
1.2), read the customer's new segment in one classification, and list the members of that
segment for analytics and for direct marketing; then show the 80/20 focus list of the run, its
three largest spenders (potential, ABI 1.3).

    python3 classify.py LIBRARY CONFIG AS_OF CUSTOMER_ID DATABASE AMOUNT CLASSIFICATION [DATA_DIR]

DATABASE is the host's SQLite database (the one CONFIG reads); the order goes into its table
sale (customer, at, total) as AMOUNT on AS_OF at noon, and gets the next id. CLASSIFICATION
names the classification whose segment the host shows (e.g. "lifecycle"). The analytics list
carries pseudonyms instead of ids (HMAC-SHA256 under the key in the environment variable the
privacy policy names, CUSTCLASS_PSEUDONYM_KEY by default) and is refused without the key; the
direct-marketing list is refused for a segment the rule set does not mark for it.

Prints the plugin identity, then each document after a "== ... ==" line (the same output as the
C and PHP examples): the run summary, the customer result, the order written, the customer
result after the order, the segment change, per purpose the member ids (one a line) and the
members summary, and the focus list ("potential focus", for analytics: pseudonyms, like the
analytics member list; it reads the host's data as of the run's date, so it counts the order just
posted). A plugin older than ABI 1.3 has no focus list: the host says so on standard error and
shows none. Exits 1 with the status name and the plugin's message when a call fails (with
SQLite's message when the database does), 2 on bad usage.
"""

import json
import os
import sqlite3
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import custclass_ctypes  # noqa: E402  (the binding sits next to this file)

ACTOR = "examples/python/classify.py"
POTENTIAL_ABI_MINOR = 3  # the ABI minor version that brought custclass_potential
FOCUS_LIMIT = 3  # how many customers of the focus list the host shows


def print_document(title, document):
    print(f"== {title} ==")
    print(json.dumps(document, indent=2, sort_keys=True))


def segment_of(result, classification):
    """The customer's segment in `classification` (None: unclassified) of a customer result."""
    classified = (result.get("classifications") or {}).get(classification)
    if not isinstance(classified, dict):
        raise RuntimeError(f"the customer result has no classification {classification}")
    return classified.get("segment")


def insert_order(database, customer_id, ordered_at, amount):
    """Writes the sale and commits it, as the host does before it calls its hooks (the plugin
    reads the order from the database); returns the new order's id as text."""
    # mode=rw: the host's database must exist; never create an empty one.
    db = sqlite3.connect(f"file:{urllib.request.pathname2url(os.path.abspath(database))}?mode=rw",
                         uri=True, timeout=10)
    try:
        with db:  # commits, or rolls back on an exception
            cursor = db.execute("INSERT INTO sale (customer, at, total) VALUES (?, ?, ?)",
                                (customer_id, ordered_at, amount))
        return str(cursor.lastrowid)
    finally:
        db.close()


def list_members(engine, classification, segment, purpose, purpose_name):
    """Streams one member list, printing each id as it arrives, then the summary."""
    print(f"== members {classification}/{segment} {purpose_name} ==")
    streamed = []

    def on_member(customer_id):
        print(customer_id)
        streamed.append(customer_id)

    summary = engine.members(segment, on_member, classification=classification, purpose=purpose,
                             actor=ACTOR)
    print_document(f"members summary {classification}/{segment} {purpose_name}", summary)
    if summary.get("streamed") != len(streamed):
        raise RuntimeError(f"custclass_segment_members streamed {len(streamed)} members, its "
                           f"summary says {summary.get('streamed')}")


def main(argv):
    if len(argv) not in (8, 9):
        print(f"usage: {argv[0]} LIBRARY CONFIG AS_OF CUSTOMER_ID DATABASE AMOUNT CLASSIFICATION "
              "[DATA_DIR]", file=sys.stderr)
        return 2
    library, config, as_of, customer_id, database, amount, classification = argv[1:8]
    data_dir = argv[8] if len(argv) == 9 else None

    try:
        plugin = custclass_ctypes.Plugin(library)
        print(f"plugin: {plugin.name} {plugin.version}, ABI {custclass_ctypes.ABI_MAJOR}."
              f"{plugin.abi_minor}, agreed minor {plugin.agreed_minor}, build {plugin.build_id}")

        def log(level, message):
            print(f"log[{level}]: {message}", file=sys.stderr)

        with plugin.open_engine(config, data_dir=data_dir) as engine:
            summary = engine.run(as_of=as_of, log=log, actor=ACTOR)
            print_document("run summary", summary)

            before = engine.classify_customer(customer_id, as_of=as_of)
            print_document(f"customer {customer_id}", before)
            old_segment = segment_of(before, classification)

            ordered_at = f"{as_of} 12:00:00"
            order_id = insert_order(database, customer_id, ordered_at, amount)
            print_document("order inserted", {"order_id": order_id, "customer_id": customer_id,
                                              "ordered_at": ordered_at, "amount": amount})

            after = engine.order_posted(customer_id, order_id, as_of=as_of, log=log, actor=ACTOR)
            print_document("order posted", after)
            new_segment = segment_of(after, classification)
            print("== segment change ==")
            print(f"{classification}: {old_segment or '(unclassified)'} -> "
                  f"{new_segment or '(unclassified)'}")

            if new_segment is not None:  # no segment, no members to list
                list_members(engine, classification, new_segment,
                             custclass_ctypes.PURPOSE_ANALYTICS, "analytics")
                list_members(engine, classification, new_segment,
                             custclass_ctypes.PURPOSE_DIRECT_MARKETING, "direct_marketing")

            # ABI 1.3: a host must not call it when the plugin agreed to an older minor version.
            if plugin.agreed_minor >= POTENTIAL_ABI_MINOR:
                print_document("potential focus",
                               engine.potential("focus", limit=FOCUS_LIMIT,
                                                purpose=custclass_ctypes.PURPOSE_ANALYTICS,
                                                actor=ACTOR))
            else:
                print(f"classify.py: the plugin provides ABI 1.{plugin.agreed_minor}; the focus "
                      f"list needs 1.{POTENTIAL_ABI_MINOR}: not shown", file=sys.stderr)
    except custclass_ctypes.CustclassError as error:
        print(f"classify.py: {error}", file=sys.stderr)
        return 1
    except sqlite3.Error as error:
        print(f"classify.py: the database {database}: {error}", file=sys.stderr)
        return 1
    except (OSError, RuntimeError) as error:
        print(f"classify.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
