#!/usr/bin/env bash
# `cmake --install` into a fresh prefix: the header, the library with its SONAME links, the
# command, the shipped YAML files and the JSON Schemas land where GNUInstallDirs says, and the
# installed command finds the installed plugin and shipped files without any option.
set -euo pipefail
build=$1
prefix=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$prefix" "$work"' EXIT
cmake --install "$build" --prefix "$prefix" > "$work/install.log"
libdir=$(cmake -L -N "$build" 2>/dev/null | sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p')
libdir=${libdir:-lib}
fail() { echo "install: $*"; exit 1; }
[ -f "$prefix/include/custclass.h" ] || fail "no include/custclass.h"
[ -f "$prefix/include/custclass.hpp" ] || fail "no include/custclass.hpp"
[ -x "$prefix/bin/custclass" ] || fail "no bin/custclass"
[ -L "$prefix/$libdir/libcustclass.so.1" ] || [ -f "$prefix/$libdir/libcustclass.so.1" ] || fail "no $libdir/libcustclass.so.1"
[ -L "$prefix/$libdir/libcustclass.so" ] || fail "no $libdir/libcustclass.so development link"
soname=$(objdump -p "$prefix/$libdir/libcustclass.so.1" | awk '/SONAME/ {print $2}')
[ "$soname" = "libcustclass.so.1" ] || fail "SONAME is '$soname'"
for f in rulesets/hk-retail.yaml privacy/pdpo.yaml schemas/run_summary.schema.json \
         schemas/potential.schema.json schemas/ruleset.schema.json; do
  [ -f "$prefix/share/custclass/$f" ] || fail "no share/custclass/$f"
done
# No option, no environment: the command must find its plugin and the shipped files itself.
unset CUSTCLASS_PLUGIN CUSTCLASS_DATA_DIR
"$prefix/bin/custclass" --version | tee "$work/version"
grep -q "$prefix/$libdir/libcustclass.so.1" "$work/version" || fail "the installed command did not load the installed plugin"
"$prefix/bin/custclass" validate "$prefix/share/custclass/rulesets/hk-retail.yaml"
(cd "$work" && "$prefix/bin/custclass" demo --dir demo --customers 300 > demo.out) || fail "demo failed"
grep -q champions "$work/demo.out" || fail "the demo printed no segments"
echo "installed and ran from $prefix"
