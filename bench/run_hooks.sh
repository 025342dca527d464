#!/usr/bin/env bash
# bench/run_hooks.sh: P4 and P7 of PERFORMANCE.md, the incremental hook (custclass_customer_changed)
# on the same 1M-customer databases as bench/run_benchmarks.sh, timed by a C host
# (custclass_hook_bench, bench/hook_latency.c). It prints one JSON line per figure and writes
# them, with the command and the machine, to WORK/<size>/hooks.md; bench/RESULTS.md ("P4 and P7:
# hooks") is written by hand from that file.
#
#   bench/run_hooks.sh [--customers N] [options]     (as root for PostgreSQL: it starts a server)
#
#   --customers N              customers of the SQLite database (default 1000000)
#   --pg-customers N           customers of the PostgreSQL database (default: --customers); its
#                              own SQLite database of that size is generated and loaded
#   --orders-per-customer X    as run_benchmarks.sh (default 13)
#   --seed S                   the data seed (default 20261123)
#   --calls N                  P4: hook calls on one thread (default 2000)
#   --threads N                P7: hook threads (default 8)
#   --thread-calls N           P7: calls per thread (default 500)
#   --pace-ms X                P7 is also measured with each thread pausing X ms between calls,
#                              so that the calls span a whole full run, its writing included
#                              (default 200; 0: not measured)
#   --work-dir DIR             data and logs (default build/bench-data, shared with run_benchmarks.sh)
#   --sqlite-only              skip PostgreSQL
#
# The customers: every 997th customer code in id order that retention keeps (`--ids-query` of
# the bench), the same on both databases. Each figure uses a result store of its own, made by the
# first full run of the step (SQLite: a file; PostgreSQL: the database bench_hooks_store).
#
#   P4   one thread, --calls calls, after one full run (custclass_hook_bench --run-first):
#        p99 <= 2 ms on SQLite, <= 5 ms on PostgreSQL over loopback
#   P7   --threads threads x --thread-calls calls, alone, then while another thread loops
#        custclass_run (--with-run; the hooks start when the first of those runs succeeded):
#        p99 with the run <= 3 x p99 alone, no errors
#
# It builds nothing: it expects the ci build (`cmake --build build/ci --target custclass_hook_bench
# custclass custclass_plugin custclass_generate`), or the build directory in $BUILD_DIR.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build/ci}
CUSTOMERS=1000000
PG_CUSTOMERS=""
OPC=13
SEED=20261123
CALLS=2000
THREADS=8
THREAD_CALLS=500
PACE_MS=200
WORK=$ROOT/build/bench-data
SQLITE_ONLY=0
AS_OF=2026-11-30
PG_PORT=${CUSTCLASS_BENCH_HOOKS_PG_PORT:-55533}
MARIADB_PORT=${CUSTCLASS_BENCH_HOOKS_MARIADB_PORT:-53407}
RULES=$ROOT/config/rulesets/hk-retail.yaml
# Every 997th customer that the policy's retention (1095 days before AS_OF: 2023-12-01) keeps:
# a customer past retention is no longer processed, and its hook answers NOT_FOUND.
IDS_QUERY="SELECT c.code FROM customer c WHERE c.id % 997 = 1 AND (c.created_at >= '2023-12-01'
 OR EXISTS (SELECT 1 FROM sales_order o WHERE o.customer_id = c.id AND o.ordered_at >= '2023-12-01'))
 ORDER BY c.id"

say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { echo "run_hooks: $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 2; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --customers) CUSTOMERS=${2:?}; shift 2 ;;
        --pg-customers) PG_CUSTOMERS=${2:?}; shift 2 ;;
        --orders-per-customer) OPC=${2:?}; shift 2 ;;
        --seed) SEED=${2:?}; shift 2 ;;
        --calls) CALLS=${2:?}; shift 2 ;;
        --threads) THREADS=${2:?}; shift 2 ;;
        --thread-calls) THREAD_CALLS=${2:?}; shift 2 ;;
        --pace-ms) PACE_MS=${2:?}; shift 2 ;;
        --work-dir) WORK=${2:?}; shift 2 ;;
        --sqlite-only) SQLITE_ONLY=1; shift ;;
        -h | --help) usage ;;
        *) echo "run_hooks: unknown argument '$1'" >&2; usage ;;
    esac
done
PG_CUSTOMERS=${PG_CUSTOMERS:-$CUSTOMERS}
for v in CUSTOMERS PG_CUSTOMERS CALLS THREADS THREAD_CALLS; do
    [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "--${v,,} needs a positive integer"
done
case "$WORK" in /*) ;; *) WORK=$PWD/$WORK ;; esac

PLUGIN=$BUILD_DIR/plugin/libcustclass.so.1
GENERATE=$BUILD_DIR/bench/custclass_generate
BENCH=$BUILD_DIR/bench/custclass_hook_bench
for f in "$PLUGIN" "$GENERATE" "$BENCH"; do
    [[ -f $f ]] || die "$f is missing: build first (cmake --build build/ci --target custclass_hook_bench custclass_plugin custclass_generate -j2), or set BUILD_DIR"
done
command -v sqlite3 >/dev/null || die "the sqlite3 CLI is missing"
if ((!SQLITE_ONLY)); then
    [[ $(id -u) -eq 0 ]] || die "PostgreSQL is started by scripts/test-servers.sh and needs root (or use --sqlite-only)"
    PSQL=$(for d in /usr/lib/postgresql/*/bin; do [[ -x $d/psql ]] && echo "$d/psql"; done | sort -V | tail -n1)
    [[ -n $PSQL ]] || PSQL=$(command -v psql) || die "psql is missing"
fi

TAG="c$CUSTOMERS-o$OPC-s$SEED"
RUN=$WORK/$TAG
mkdir -p "$RUN"
# A copy of the plugin and the bench: the build tree is shared.
BIN=$RUN/bin-hooks
rm -rf "$BIN"
mkdir -p "$BIN"
cp -L "$PLUGIN" "$BIN/libcustclass.so.1"
cp "$BENCH" "$BIN/custclass_hook_bench"
BUILT=$(stat -c %y "$(readlink -f "$PLUGIN")" | cut -d. -f1)
PLUGIN=$BIN/libcustclass.so.1
BENCH=$BIN/custclass_hook_bench
OUT=$RUN/hooks.jsonl
: >"$OUT"
DATE_UTC=$(date -u +'%Y-%m-%d %H:%M UTC')
STARTED=$(date +%s)

# --- data (the same files as run_benchmarks.sh) ------------------------------------------------

db_path() { echo "$WORK/host-c$1-o$2-s$3.sqlite"; }
ensure_db() {  # ensure_db CUSTOMERS: the generated database, made once
    local db
    db=$(db_path "$1" "$OPC" "$SEED")
    if [[ -f $db && -f $db.counts ]] && grep -qx "customers $1" "$db.counts" &&
        grep -qx "seed $SEED" "$db.counts"; then
        say "reusing $db"
        return
    fi
    rm -f "$db" "$db.counts"
    say "generating $db ($1 customers)"
    "$GENERATE" --sqlite "$db.tmp" --customers "$1" --orders-per-customer "$OPC" --seed "$SEED" >"$db.counts.tmp"
    mv "$db.tmp" "$db"
    mv "$db.counts.tmp" "$db.counts"
}
DB=$(db_path "$CUSTOMERS" "$OPC" "$SEED")
ensure_db "$CUSTOMERS"

# The shipped privacy policy with the approvals the benchmark's rule set needs.
source "$ROOT/bench/bench_policy.sh"
POLICY=$RUN/policy.yaml
mkdir -p "$RUN"
write_policy "$POLICY"

QUERIES=$("$GENERATE" --queries)
write_config() {  # write_config FILE SOURCE_CONNECTION STORE_CONNECTION
    {
        echo "# Written by bench/run_hooks.sh: the demo schema through the generic preset."
        echo "custclass: 1"
        echo "source:"
        echo "  preset: generic"
        echo "  connection: \"$2\""
        echo "$QUERIES"
        echo "store:"
        echo "  connection: \"$3\""
        echo "rules: $RULES"
        echo "privacy: $POLICY"
    } >"$1"
}

# measure LABEL DB CONFIG [bench options]: one figure, its JSON line tagged with LABEL.
measure() {
    local label=$1 ids_db=$2 config=$3 line load
    shift 3
    load=$(cut -d' ' -f1 /proc/loadavg)
    say "$label: custclass_hook_bench $* (load $load)"
    line=$("$BENCH" "$config" "$AS_OF" --plugin "$PLUGIN" --data-dir "$ROOT/config" \
        --ids-db "$ids_db" --ids-query "$IDS_QUERY" "$@" 2>"$RUN/hooks-$label.stderr") ||
        { cat "$RUN/hooks-$label.stderr" >&2; die "$label failed"; }
    cat "$RUN/hooks-$label.stderr" >&2
    line="{\"label\":\"$label\",\"load1\":$load,\"args\":\"$*\",${line#\{}"
    echo "$line" | tee -a "$OUT"
}

# steps DB CONFIG PREFIX FRESH_STORE_COMMAND: P4, then P7 alone and with a run (and paced).
steps() {
    local db=$1 config=$2 p=$3 fresh=$4
    $fresh
    measure "$p.p4" "$db" "$config" --run-first --calls "$CALLS" --threads 1
    measure "$p.p7_alone" "$db" "$config" --calls "$THREAD_CALLS" --threads "$THREADS"
    measure "$p.p7_with_run" "$db" "$config" --calls "$THREAD_CALLS" --threads "$THREADS" --with-run
    if [[ $PACE_MS != 0 ]]; then
        measure "$p.p7_paced_alone" "$db" "$config" --calls "$THREAD_CALLS" --threads "$THREADS" --interval-ms "$PACE_MS"
        measure "$p.p7_paced_with_run" "$db" "$config" --calls "$THREAD_CALLS" --threads "$THREADS" --interval-ms "$PACE_MS" --with-run
    fi
}

# --- SQLite -------------------------------------------------------------------------------------

STORE=$RUN/hooks-store.sqlite
fresh_sqlite_store() { rm -f "$STORE" "$STORE-journal" "$STORE-wal" "$STORE-shm"; }
write_config "$RUN/hooks-sqlite.yaml" "sqlite3://db=$DB" "sqlite3://db=$STORE"
cat "$DB" >/dev/null  # warm cache
say "SQLite: $DB ($(du -h "$DB" | cut -f1))"
steps "$DB" "$RUN/hooks-sqlite.yaml" sqlite fresh_sqlite_store

# --- PostgreSQL ---------------------------------------------------------------------------------

if ((!SQLITE_ONLY)); then
    PG_DB=$(db_path "$PG_CUSTOMERS" "$OPC" "$SEED")
    ensure_db "$PG_CUSTOMERS"
    SERVERS=$WORK/servers-hooks
    servers() { CUSTCLASS_PG_PORT=$PG_PORT CUSTCLASS_MARIADB_PORT=$MARIADB_PORT bash "$ROOT/scripts/test-servers.sh" "$@" "$SERVERS"; }
    pg() { "$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }
    trap 'servers stop >/dev/null 2>&1 || true' EXIT
    say "starting PostgreSQL on port $PG_PORT in $SERVERS"
    servers start >"$RUN/hooks-servers.log" 2>&1 || { cat "$RUN/hooks-servers.log" >&2; die "the servers did not start"; }
    PG_VERSION=$(pg -d postgres -A -t -c "SHOW server_version")
    # The tables as run_benchmarks.sh loads them: the same DDL, keys and indexes.
    TABLES=(district customer product_category product sales_order sales_order_line referral opt_out)
    PG_DDL=$(sed -n '/^PG_DDL="/,/"$/p' "$ROOT/bench/run_benchmarks.sh" | sed '1s/^PG_DDL="//; $s/"$//')
    PG_INDEXES=$(sed -n '/^PG_INDEXES="/,/"$/p' "$ROOT/bench/run_benchmarks.sh" | sed '1s/^PG_INDEXES="//; $s/"$//')
    [[ -n $PG_DDL && -n $PG_INDEXES ]] || die "cannot read PG_DDL and PG_INDEXES from run_benchmarks.sh"
    start=$SECONDS
    say "loading $PG_DB into PostgreSQL $PG_VERSION"
    pg -d postgres -c "CREATE DATABASE bench ENCODING 'UTF8' TEMPLATE template0"
    pg -d bench -c "$PG_DDL"
    for t in "${TABLES[@]}"; do
        sqlite3 -batch "$PG_DB" ".mode csv" ".separator , \"\n\"" ".nullvalue '\\N'" "SELECT * FROM $t" |
            pg -d bench -c "COPY $t FROM STDIN (FORMAT csv, NULL '\\N')"
    done
    pg -d bench -c "$PG_INDEXES"
    pg -d bench -c "VACUUM (FREEZE, ANALYZE)"
    PG_LOAD_S=$((SECONDS - start))
    say "PostgreSQL loaded in $PG_LOAD_S s"
    echo "{\"label\":\"pg.load\",\"customers\":$PG_CUSTOMERS,\"seconds\":$PG_LOAD_S,\"version\":\"$PG_VERSION\"}" >>"$OUT"
    PG_CONN="host=127.0.0.1 port=$PG_PORT user=postgres"
    write_config "$RUN/hooks-postgresql.yaml" "postgresql://dbname=bench $PG_CONN" "postgresql://dbname=bench_hooks_store $PG_CONN"
    fresh_pg_store() {
        pg -d postgres -c "SET client_min_messages TO warning" -c "DROP DATABASE IF EXISTS bench_hooks_store WITH (FORCE)" -c "CREATE DATABASE bench_hooks_store"
    }
    steps "$PG_DB" "$RUN/hooks-postgresql.yaml" pg fresh_pg_store
fi

# --- the record ----------------------------------------------------------------------------------

{
    echo "Measured by \`bench/run_hooks.sh --customers $CUSTOMERS$([[ $PG_CUSTOMERS == "$CUSTOMERS" ]] || echo " --pg-customers $PG_CUSTOMERS")$( ((!SQLITE_ONLY)) || echo " --sqlite-only")\` on $DATE_UTC"
    echo "(seed $SEED, $OPC orders per buying customer, as of $AS_OF, $(sqlite3 "$DB" "SELECT count(*) FROM ($IDS_QUERY)") customer ids; plugin built $BUILT;"
    echo "\`nproc\` = $(nproc), $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo); $(($(date +%s) - STARTED)) s in all)."
    echo
    echo '```'
    cat "$OUT"
    echo '```'
} >"$RUN/hooks.md"
say "figures: $RUN/hooks.md"
