#!/usr/bin/env python3
"""classify.py -- a Python host of the custclass plugin, through ctypes.

What an Odoo or Tryton module does with the plugin, in a few lines: load it, open an engine on
the administrator's custclass.yaml, run a classification as of a date, and ask for one
customer's segments (e.g. to show them on the partner form).

    python3 classify.py LIBRARY CONFIG AS_OF CUSTOMER_ID [DATA_DIR]

Prints the plugin identity, then the run summary and the customer result as JSON documents,
each after a "== ... ==" line (the same output as the C and PHP examples). Exits 1 with the
status name and the plugin's message when a call fails, 2 on bad usage.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import custclass_ctypes  # noqa: E402  (the binding sits next to this file)


def main(argv):
    if len(argv) not in (5, 6):
        print(f"usage: {argv[0]} LIBRARY CONFIG AS_OF CUSTOMER_ID [DATA_DIR]", file=sys.stderr)
        return 2
    library, config, as_of, customer_id = argv[1:5]
    data_dir = argv[5] if len(argv) == 6 else None

    try:
        plugin = custclass_ctypes.Plugin(library)
        print(f"plugin: {plugin.name} {plugin.version}, ABI {custclass_ctypes.ABI_MAJOR}."
              f"{plugin.abi_minor}, agreed minor {plugin.agreed_minor}, build {plugin.build_id}")

        def log(level, message):
            print(f"log[{level}]: {message}", file=sys.stderr)

        with plugin.open_engine(config, data_dir=data_dir) as engine:
            summary = engine.run(as_of=as_of, log=log, actor="examples/python/classify.py")
            print("== run summary ==")
            print(json.dumps(summary, indent=2, sort_keys=True))

            result = engine.classify_customer(customer_id, as_of=as_of)
            print(f"== customer {customer_id} ==")
            print(json.dumps(result, indent=2, sort_keys=True))
    except custclass_ctypes.CustclassError as error:
        print(f"classify.py: {error}", file=sys.stderr)
        return 1
    except (OSError, RuntimeError) as error:
        print(f"classify.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
