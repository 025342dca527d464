#!/usr/bin/env bash
# check_abi.sh -- holds the binary ABI of libcustclass.so.1 to the recorded baseline
# (ABI.md, "How ABI stability is tested").
#
#   abi/check_abi.sh [--exports | --abidiff] BUILD_DIR|LIBRARY   check (both checks by default)
#   abi/check_abi.sh --update BUILD_DIR|LIBRARY                   record a new baseline
#   abi/check_abi.sh --compatible-with BASELINE BUILD_DIR|LIBRARY  no incompatible change since
#
# BUILD_DIR is a configured build tree (the library is BUILD_DIR/plugin/libcustclass.so.1);
# LIBRARY the library file itself. The tests abi_exports and abi_abidiff run the two checks.
#
# --exports  the dynamic symbols the library defines are exactly the names in abi/exports.txt,
#            all start with custclass_ (no C++ symbol: none starts with _Z), all are functions
#            carrying a default symbol version (the version script's node), and the SONAME is
#            libcustclass.so.1.
# --abidiff  abidiff between abi/custclass.abi and the library. abidiff's exit status bit 8
#            (incompatible change, e.g. a function removed) fails; bit 4 alone (a change abidiff
#            cannot prove incompatible: a function added, but also a changed parameter or field)
#            fails too, with what to do: additions need the new baseline recorded in the same
#            commit. Tool errors fail. A library without DWARF (Release) is skipped (77).
# --compatible-with BASELINE  abidiff between an older recorded baseline (abi/baselines/: the ABI
#            as first released) and the library: additions are expected, but an incompatible change
#            (exit status bit 8) or a tool error fails. The test abi_compatible_with_1_0 runs it.
# --update   rewrites abi/custclass.abi (abidw) and abi/exports.txt from the library. Only from a
#            RelWithDebInfo build without sanitizers (`cmake --preset ci`), the build CI compares
#            against. The files hold no path of this machine.
#
# Exit status: 0 ok, 1 a check failed, 2 bad usage or missing tools, 77 skipped.
set -euo pipefail

abi_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
baseline=$abi_dir/custclass.abi
exports_file=$abi_dir/exports.txt
soname=libcustclass.so.1

usage() {
    sed -n '4,5p' "${BASH_SOURCE[0]}" | sed 's/^# *//' >&2
    exit 2
}

mode=all
case "${1:-}" in
    --exports) mode=exports; shift ;;
    --abidiff) mode=abidiff; shift ;;
    --update) mode=update; shift ;;
    --compatible-with) mode=compatible; baseline=${2:-}; shift 2 || usage ;;
    -h|--help) usage ;;
esac
[ $# -eq 1 ] || usage
target=$1

build_dir=
if [ -d "$target" ]; then
    build_dir=$(cd "$target" && pwd)
    lib=$build_dir/plugin/$soname
elif [ -f "$target" ]; then
    lib=$(cd "$(dirname "$target")" && pwd)/$(basename "$target")
    # The build tree the library belongs to, if any (for the build type check of --update).
    dir=$(dirname "$lib")
    while [ "$dir" != / ]; do
        if [ -f "$dir/CMakeCache.txt" ]; then build_dir=$dir; break; fi
        dir=$(dirname "$dir")
    done
else
    echo "check_abi.sh: $target: no such build directory or library" >&2
    exit 2
fi
if [ ! -f "$lib" ]; then
    echo "check_abi.sh: $lib does not exist: build the target custclass_plugin first" >&2
    exit 2
fi

need() {
    command -v "$1" >/dev/null 2>&1 || {
        echo "check_abi.sh: $1 not found: install $2" >&2
        exit 2
    }
}
need nm binutils
need readelf binutils

has_dwarf() {
    readelf -S --wide "$1" | grep -q '\.debug_info'
}

# "name@@VERSION" per defined dynamic symbol, without the version nodes themselves (which nm
# lists as absolute symbols).
defined_symbols() {
    nm -D --defined-only "$lib" | awk '!($2 == "A" && $3 !~ /@/) { print $2, $3 }'
}

exported_names() {
    defined_symbols | awk '{ sub(/@.*/, "", $2); print $2 }' | LC_ALL=C sort -u
}

check_exports() {
    local failed=0 symbols bad
    symbols=$(defined_symbols)
    echo "== exports of $lib"

    bad=$(printf '%s\n' "$symbols" | awk '$2 ~ /^_Z/ { print "  " $2 }')
    if [ -n "$bad" ]; then
        printf 'FAILED: C++ symbols are exported (the version script must keep them local):\n%s\n' "$bad"
        failed=1
    fi
    bad=$(printf '%s\n' "$symbols" | awk '$2 !~ /^custclass_/ { print "  " $2 }')
    if [ -n "$bad" ]; then
        printf 'FAILED: exported symbols outside the custclass_ namespace:\n%s\n' "$bad"
        failed=1
    fi
    bad=$(printf '%s\n' "$symbols" | awk '$2 !~ /@@/ { print "  " $2 }')
    if [ -n "$bad" ]; then
        printf 'FAILED: exported symbols without a default symbol version (link with the version script, node CUSTCLASS_1):\n%s\n' "$bad"
        failed=1
    fi
    bad=$(printf '%s\n' "$symbols" | awk '$1 != "T" && $1 != "W" && $1 != "i" { print "  " $1, $2 }')
    if [ -n "$bad" ]; then
        printf 'FAILED: exported symbols that are not functions (the ABI exports functions only):\n%s\n' "$bad"
        failed=1
    fi

    if [ ! -f "$exports_file" ]; then
        echo "FAILED: $exports_file is missing: record it with abi/check_abi.sh --update BUILD_DIR"
        failed=1
    elif ! diff -u --label abi/exports.txt --label "exported by $(basename "$lib")" \
            "$exports_file" <(exported_names); then
        echo "FAILED: the exported names differ from abi/exports.txt (- recorded, + built)."
        echo "        A removed or renamed function breaks every host built against ABI 1."
        echo "        An added function: record the new baseline: abi/check_abi.sh --update BUILD_DIR"
        failed=1
    fi

    local actual_soname
    actual_soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    if [ "$actual_soname" != "$soname" ]; then
        echo "FAILED: SONAME is '${actual_soname}', expected '$soname'"
        failed=1
    fi

    if [ $failed -eq 0 ]; then
        echo "ok: $(exported_names | wc -l) functions, all custclass_*, versioned ($(printf '%s\n' "$symbols" | sed -n '1s/.*@@//p')), as in abi/exports.txt; SONAME $soname"
    fi
    return $failed
}

check_compatible() {
    need abidiff abigail-tools
    echo "== abidiff $baseline $lib (additions allowed)"
    [ -f "$baseline" ] || { echo "FAILED: $baseline does not exist"; return 1; }
    if ! has_dwarf "$lib"; then
        echo "SKIPPED: $lib has no debug information (build with cmake --preset ci)."
        return 77
    fi
    local status=0
    abidiff --fail-no-debug-info --exported-interfaces-only "$baseline" "$lib" || status=$?
    if [ $((status & 3)) -ne 0 ]; then
        echo "FAILED: abidiff could not compare (exit status $status)"
        return 1
    fi
    if [ $((status & 8)) -ne 0 ]; then
        echo "FAILED: INCOMPATIBLE ABI change since $(basename "$baseline") (abidiff exit status $status):"
        echo "        hosts built against it would break"
        return 1
    fi
    echo "ok: nothing incompatible since $(basename "$baseline") (abidiff exit status $status)"
}

check_abidiff() {
    need abidiff abigail-tools
    echo "== abidiff abi/custclass.abi $lib"
    if [ ! -f "$baseline" ]; then
        echo "FAILED: $baseline is missing: record it with abi/check_abi.sh --update BUILD_DIR"
        return 1
    fi
    if ! has_dwarf "$lib"; then
        echo "SKIPPED: $lib has no debug information, so abidiff cannot compare types."
        echo "         Build with debug info (RelWithDebInfo: cmake --preset ci) to run this check."
        return 77
    fi
    # No --headers-dir here: abidiff then filters out every change whose leaf type is defined
    # outside abi/, and the fixed-width types come from <stdint.h>, so a field changed from
    # int32_t to int64_t would pass. The baseline holds public types only (see update), and the
    # plugin's private definition of custclass_engine, declaration-only in the baseline, is not
    # a change: custclass_engine is opaque to hosts.
    local status=0 report
    local command=(abidiff --fail-no-debug-info --exported-interfaces-only "$baseline" "$lib")
    echo "\$ ${command[*]}"
    report=$("${command[@]}" 2>&1) || status=$?
    [ -z "$report" ] || printf '%s\n' "$report"
    if [ $status -eq 0 ]; then
        echo "ok: no ABI change against the baseline"
        return 0
    fi
    if [ $((status & 3)) -ne 0 ]; then
        echo "FAILED: abidiff could not compare (exit status $status)"
        return 1
    fi
    if [ $((status & 8)) -ne 0 ]; then
        echo "FAILED: INCOMPATIBLE ABI change (abidiff exit status $status): hosts built against"
        echo "        ABI 1 would break. Restore what was removed or changed (see above); add new"
        echo "        functions, and grow structs only at their end, instead."
        return 1
    fi
    # Bit 4 alone: abidiff found a change it cannot prove incompatible. Only additions are.
    if printf '%s\n' "$report" | grep -Eq 'Functions changes summary: 0 Removed, 0 Changed[ ,(]' &&
       printf '%s\n' "$report" | grep -Eq 'Variables changes summary: 0 Removed, 0 Changed[ ,(]'; then
        echo "FAILED: the ABI grew (abidiff exit status $status: functions added, nothing changed):"
        echo "        record the new baseline: abi/check_abi.sh --update BUILD_DIR"
    else
        echo "FAILED: existing functions changed (abidiff exit status $status; see above). A changed"
        echo "        parameter, return type or field breaks hosts built against ABI 1: restore it."
        echo "        Only if every change is a field added at the end of a struct whose struct_size"
        echo "        the plugin checks: record the new baseline: abi/check_abi.sh --update BUILD_DIR"
    fi
    echo "        (from a RelWithDebInfo build: cmake --preset ci), commit abi/custclass.abi and"
    echo "        abi/exports.txt with the change, and raise CUSTCLASS_ABI_MINOR."
    return 1
}

update() {
    need abidw abigail-tools
    if [ -n "$build_dir" ]; then
        local type sanitize
        type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt")
        sanitize=$(sed -n 's/^CUSTCLASS_SANITIZE:[A-Z]*=//p' "$build_dir/CMakeCache.txt")
        if [ "$type" != RelWithDebInfo ]; then
            echo "check_abi.sh: $build_dir is a '${type:-no build type}' build; record the baseline" >&2
            echo "from a RelWithDebInfo build, as CI compares against: cmake --preset ci" >&2
            exit 1
        fi
        case "$sanitize" in ON|TRUE|YES|1|on|true|yes)
            echo "check_abi.sh: $build_dir is built with sanitizers; use the ci preset" >&2
            exit 1 ;;
        esac
    else
        echo "check_abi.sh: warning: no CMakeCache.txt above $lib; cannot check the build type" >&2
    fi
    if ! has_dwarf "$lib"; then
        echo "check_abi.sh: $lib has no debug information; abidw needs DWARF (RelWithDebInfo)" >&2
        exit 1
    fi
    if [ "$abi_dir/custclass.h" -nt "$lib" ]; then
        echo "check_abi.sh: $lib is older than abi/custclass.h: rebuild it first" >&2
        echo "(cmake --build ${build_dir:-BUILD_DIR} --target custclass_plugin)" >&2
        exit 1
    fi

    tmp=$(mktemp "${TMPDIR:-/tmp}/custclass-abi.XXXXXX")
    trap 'rm -f "$tmp"' EXIT
    # Only what the exported functions reach, only types defined under abi/ (the plugin's own
    # struct custclass_engine stays declaration-only), no corpus path, no compilation
    # directory, file names without directories, no DT_NEEDED list (not part of the contract),
    # and hash-style type ids so that a re-recorded baseline diffs small.
    local command=(abidw --exported-interfaces-only --headers-dir "$abi_dir" --drop-private-types
                   --no-corpus-path --no-comp-dir-path --short-locs --no-elf-needed
                   --type-id-style hash --out-file "$tmp" "$lib")
    echo "\$ ${command[*]}"
    "${command[@]}"

    # --short-locs already writes file names without directories; should a path of this
    # machine survive anyway (a newer abidw), make it relative to the source or build tree,
    # and refuse to record any absolute path that is left.
    local source_root
    source_root=$(dirname "$abi_dir")
    sed -i -e "s|='$source_root/|='|g" "$tmp"
    [ -z "$build_dir" ] || sed -i -e "s|='$build_dir/|='|g" "$tmp"
    if grep -n "='/" "$tmp" >&2; then
        echo "check_abi.sh: the ABI file still holds absolute paths (above); not recorded" >&2
        exit 1
    fi

    cat "$tmp" >"$baseline"  # keeps the mode of the committed file (mktemp's is 0600)
    exported_names >"$exports_file"
    echo "recorded $baseline ($(grep -c '<elf-symbol ' "$baseline") symbols) and $exports_file ($(wc -l <"$exports_file") names)"
    # The new baseline must pass its own checks.
    check_exports
    check_abidiff
}

case $mode in
    exports) check_exports ;;
    abidiff) check_abidiff ;;
    compatible) check_compatible ;;
    update) update ;;
    all)
        status=0
        check_exports || status=1
        check_abidiff || { s=$?; [ $s -eq 77 ] && [ $status -eq 0 ] && status=77 || status=1; }
        exit $status ;;
esac
