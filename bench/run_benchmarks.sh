#!/usr/bin/env bash
# bench/run_benchmarks.sh: P1, P1b, P2 and P5 of PERFORMANCE.md (full runs on SQLite, PostgreSQL
# and MariaDB against the same data, each beside its baseline measured in the same run), written
# into bench/RESULTS.md between the markers below. P3 has its own target (`run_p3`).
#
#   bench/run_benchmarks.sh [--customers N] [options]      (as root: it starts database servers)
#
#   --customers N              customers in the host database (default 1000000)
#   --orders-per-customer X    average orders of a customer who buys (default 13: ~10M orders at 1M)
#   --seed S                   the data seed (default 20261123)
#   --reps N                   repetitions of every timed command of P1, P1b and P2; the median
#                              is reported (default 3)
#   --context-reps N           repetitions of the rows given for context: MariaDB, P5's run at half
#                              the orders, the diagnostics (default 1: a run at 1M customers takes minutes)
#   --dry-run-reps N           repetitions of the --dry-run rows (default 1)
#   --diagnostics              also time, once each: the mapping's queries alone through the sqlite3
#                              CLI and through psql with a cursor as the engine reads, the engine with
#                              a mapping that does not join, and the engine with `read: scan` on
#                              PostgreSQL (about 3 more minutes at 1M customers)
#   --work-dir DIR             data, configs, logs (default build/bench-data); the generated SQLite
#                              databases and their CSV exports are reused when present with the
#                              same size and seed
#   --results FILE             the results file to update (default bench/RESULTS.md; `none`: only
#                              WORK/<size>/results.md)
#   --sqlite-only              skip P2 (no PostgreSQL or MariaDB)
#   --keep-servers             leave PostgreSQL and MariaDB running afterwards (WORK/servers)
#
# At 1M customers it takes about 25 minutes on 2 cores (about 30 with --diagnostics and
# --dry-run-reps 3), plus about 2 minutes the first time to generate the data and its CSV export.
#
# It builds nothing: it expects the ci build (`cmake --preset ci && cmake --build build/ci --target
# custclass custclass_plugin custclass_generate -j2`), or the build directory in $BUILD_DIR.
# The servers come from scripts/test-servers.sh on ports $CUSTCLASS_BENCH_PG_PORT (default 55532)
# and $CUSTCLASS_BENCH_MARIADB_PORT (default 53406), away from the integration tests' ports.
#
# What each figure is (all warm-cache, every command run --reps times, interleaved):
#   P1   `custclass run` on SQLite (results written to a fresh SQLite store file) vs the sqlite3
#        CLI running the GROUP BY over the orders table; target run <= 0.5 x baseline
#   P1b  the same run vs the sqlite3 CLI scanning the orders table once; target <= 2.0 x
#   P2   `custclass run` on PostgreSQL (results written to a fresh PostgreSQL database) vs psql
#        running the same GROUP BY; target <= 1.3 x. MariaDB's run and GROUP BY for context.
#   P5   peak RSS of the P1 run (/usr/bin/time -v) vs 600 bytes x customers + 64 MiB, and the
#        same run on a database with half the orders per customer: memory must not follow orders
#   A `--dry-run` row (read and compute, write nothing) beside each run separates the writing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build/ci}
CUSTOMERS=1000000
OPC=13
SEED=20261123
REPS=3
CONTEXT_REPS=1
DRY_REPS=1
DIAGNOSTICS=0
WORK=$ROOT/build/bench-data
RESULTS=$ROOT/bench/RESULTS.md
SQLITE_ONLY=0
KEEP_SERVERS=0
AS_OF=2026-11-30
PG_PORT=${CUSTCLASS_BENCH_PG_PORT:-55532}
MARIADB_PORT=${CUSTCLASS_BENCH_MARIADB_PORT:-53406}
RULES=$ROOT/config/rulesets/hk-retail.yaml
MARK_BEGIN='<!-- run_benchmarks.sh: begin. Everything up to the matching end marker is rewritten by bench/run_benchmarks.sh. -->'
MARK_END='<!-- run_benchmarks.sh: end -->'

say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { echo "run_benchmarks: $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 2; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --customers) CUSTOMERS=${2:?}; shift 2 ;;
        --orders-per-customer) OPC=${2:?}; shift 2 ;;
        --seed) SEED=${2:?}; shift 2 ;;
        --reps) REPS=${2:?}; shift 2 ;;
        --context-reps) CONTEXT_REPS=${2:?}; shift 2 ;;
        --dry-run-reps) DRY_REPS=${2:?}; shift 2 ;;
        --diagnostics) DIAGNOSTICS=1; shift ;;
        --work-dir) WORK=${2:?}; shift 2 ;;
        --results) RESULTS=${2:?}; shift 2 ;;
        --sqlite-only) SQLITE_ONLY=1; shift ;;
        --keep-servers) KEEP_SERVERS=1; shift ;;
        -h | --help) usage ;;
        *) echo "run_benchmarks: unknown argument '$1'" >&2; usage ;;
    esac
done
CUSTOMERS=${CUSTOMERS//[,_]/}
[[ $CUSTOMERS =~ ^[1-9][0-9]*$ ]] || die "--customers needs a positive integer"
[[ $REPS =~ ^[1-9][0-9]*$ ]] || die "--reps needs a positive integer"
[[ $CONTEXT_REPS =~ ^[1-9][0-9]*$ ]] || die "--context-reps needs a positive integer"
[[ $DRY_REPS =~ ^[0-9]+$ ]] || die "--dry-run-reps needs a non-negative integer"
[[ $SEED =~ ^[0-9]+$ ]] || die "--seed needs a non-negative integer"
[[ $OPC =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--orders-per-customer needs a number"
HALF_OPC=$(awk -v o="$OPC" 'BEGIN { h = o / 2; if (h < 1) h = 1; printf "%g", h }')
case "$WORK" in /*) ;; *) WORK=$PWD/$WORK ;; esac
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR=$PWD/$BUILD_DIR ;; esac

CUSTCLASS=$BUILD_DIR/host/custclass
PLUGIN=$BUILD_DIR/plugin/libcustclass.so.1
GENERATE=$BUILD_DIR/bench/custclass_generate
for f in "$CUSTCLASS" "$PLUGIN" "$GENERATE"; do
    [[ -x $f || -f $f ]] || die "$f is missing: build first (cmake --preset ci && cmake --build build/ci --target custclass custclass_plugin custclass_generate -j2), or set BUILD_DIR"
done
command -v sqlite3 >/dev/null || die "the sqlite3 CLI is missing (apt-get install sqlite3)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"
if ((!SQLITE_ONLY)); then
    [[ $(id -u) -eq 0 ]] || die "P2 starts PostgreSQL and MariaDB and must run as root (or use --sqlite-only)"
    PSQL=$(for d in /usr/lib/postgresql/*/bin; do [[ -x $d/psql ]] && echo "$d/psql"; done | sort -V | tail -n1)
    [[ -n $PSQL ]] || PSQL=$(command -v psql) || die "psql is missing"
    command -v mariadb >/dev/null || die "the mariadb client is missing"
fi

TAG="c$CUSTOMERS-o$OPC-s$SEED"
RUN=$WORK/$TAG  # configs, logs and measurements of this size
mkdir -p "$WORK" "$RUN"
# A copy of the command and the plugin: the build tree is shared, and a rebuild during the
# benchmark must not mix two versions in one set of figures.
rm -rf "$RUN/bin"
mkdir -p "$RUN/bin"
cp "$CUSTCLASS" "$RUN/bin/custclass"
cp -L "$PLUGIN" "$RUN/bin/libcustclass.so.1"
BUILT=$(stat -c %y "$(readlink -f "$PLUGIN")" | cut -d. -f1)
CUSTCLASS=$RUN/bin/custclass
PLUGIN=$RUN/bin/libcustclass.so.1
export CUSTCLASS_DATA_DIR=$ROOT/config
MEAS=$RUN/measurements.tsv
: >"$MEAS"
printf 'label\trep\twall_s\tuser_s\tsys_s\tmaxrss_kb\tload1\n' >"$RUN/measurements.header"
STARTED=$(date +%s)
DATE_UTC=$(date -u +'%Y-%m-%d %H:%M UTC')

# --- data ----------------------------------------------------------------------------------------

db_path() { echo "$WORK/host-c$1-o$2-s$3.sqlite"; }

# ensure_db CUSTOMERS OPC SEED: the generated database, made once.
ensure_db() {
    local db
    db=$(db_path "$1" "$2" "$3")
    if [[ -f $db && -f $db.counts ]] && grep -qx "customers $1" "$db.counts" &&
        grep -qx "seed $3" "$db.counts"; then
        say "reusing $db"
        return
    fi
    rm -f "$db" "$db.counts"
    say "generating $db ($1 customers, $2 orders per buying customer, seed $3)"
    "$GENERATE" --sqlite "$db.tmp" --customers "$1" --orders-per-customer "$2" --seed "$3" \
        >"$db.counts.tmp"
    mv "$db.tmp" "$db"
    mv "$db.counts.tmp" "$db.counts"
    say "generated in $(awk '$1 == "seconds" { print $2 }' "$db.counts") s"
}

count_of() { awk -v k="$2" '$1 == k { print $2 }' "$1.counts"; }

DB=$(db_path "$CUSTOMERS" "$OPC" "$SEED")
HALF_DB=$(db_path "$CUSTOMERS" "$HALF_OPC" "$SEED")
ensure_db "$CUSTOMERS" "$OPC" "$SEED"

# --- measuring -----------------------------------------------------------------------------------

# measure LABEL REP OUT COMMAND...: runs COMMAND under /usr/bin/time -v (stdout to OUT) and
# appends its wall, user and system time, peak RSS and the load average before it to $MEAS.
measure() {
    local label=$1 rep=$2 out=$3 load rc=0 tf=$RUN/time.txt
    shift 3
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -v -o "$tf" "$@" >"$out" 2>"$RUN/stderr.txt" || rc=$?
    if ((rc != 0)); then
        cat "$RUN/stderr.txt" >&2
        die "$label failed (exit $rc): $*"
    fi
    local wall user sys rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s }' "$tf")
    user=$(awk -F': ' '/User time/ { print $2 }' "$tf")
    sys=$(awk -F': ' '/System time/ { print $2 }' "$tf")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tf")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$rep" "$wall" "$user" "$sys" "$rss" "$load" >>"$MEAS"
    say "$(printf '%-16s #%s %8.2f s wall  user %6.2f  sys %5.2f  max RSS %6d MiB  (load %s)' \
        "$label" "$rep" "$wall" "$user" "$sys" $((rss / 1024)) "$load")"
}

# median LABEL FIELD (3 wall, 4 user, 5 sys, 6 max RSS in KiB, 7 load): "" when not measured.
median() {
    awk -F'\t' -v l="$1" -v f="$2" '$1 == l { print $f }' "$MEAS" | sort -g |
        awk '{ a[NR] = $1 } END { if (NR) printf "%g", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'
}
# cpu LABEL: the median of user + system seconds.
cpu() {
    awk -F'\t' -v l="$1" '$1 == l { print $4 + $5 }' "$MEAS" | sort -g |
        awk '{ a[NR] = $1 } END { if (NR) printf "%g", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'
}
# each LABEL FIELD: every repetition's value, in order, "a / b / c".
each() {
    awk -F'\t' -v l="$1" -v f="$2" '$1 == l { printf "%s%s", (n++ ? " / " : ""), (f == 6 ? sprintf("%.0f", $f / 1024) : $f) }' "$MEAS"
}
load_range() {
    awk -F'\t' -v l="$1" '$1 == l { if (n++ == 0 || $7 < lo) lo = $7; if ($7 > hi) hi = $7 } END { if (n) printf(lo == hi ? "%s" : "%s–%s", lo, hi) }' "$MEAS"
}
ratio() { [[ -n $1 && -n $2 ]] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }' || true; }
met() {  # met RATIO TARGET
    [[ -n $1 ]] || { echo "not measured"; return; }
    awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t ? "**met**" : "**not met**") }'
}

# --- engine configs ------------------------------------------------------------------------------

# The shipped privacy policy with the approvals the benchmark's rule set needs.
source "$ROOT/bench/bench_policy.sh"
POLICY=$RUN/policy.yaml
mkdir -p "$RUN"
write_policy "$POLICY"

QUERIES=$("$GENERATE" --queries)
write_config() {  # write_config FILE SOURCE_CONNECTION STORE_CONNECTION [SOURCE_SETTING]
    {
        echo "# Written by bench/run_benchmarks.sh: the demo schema through the generic preset."
        echo "custclass: 1"
        echo "source:"
        echo "  preset: generic"
        echo "  connection: \"$2\""
        [[ -z ${4:-} ]] || echo "  $4"
        echo "$QUERIES"
        echo "store:"
        echo "  connection: \"$3\""
        echo "rules: $RULES"
        echo "privacy: $POLICY"
    } >"$1"
}
STORE=$RUN/store.sqlite
write_config "$RUN/sqlite.yaml" "sqlite3://db=$DB" "sqlite3://db=$STORE"
write_config "$RUN/sqlite-half.yaml" "sqlite3://db=$HALF_DB" "sqlite3://db=$STORE"
# A diagnostic variant: the same tables keyed by the host's integer ids, so that no query joins
# (the generator's mapping joins every order to its customer for the customer code).
cat >"$RUN/sqlite-nojoin.yaml" <<END_OF_CONFIG
# Written by bench/run_benchmarks.sh: the demo schema keyed by integer ids, no joins.
custclass: 1
source:
  preset: generic
  connection: "sqlite3://db=$DB"
  queries:
    customers: |
      SELECT c.id AS customer_id, c.created_at, c.birth_date, c.gender,
             d.name AS district, c.income_band, c.email, c.phone, c.lead_source,
             c.is_lead AS is_prospect, c.interests, c.marketing_consent
      FROM customer c
      LEFT JOIN district d ON d.id = c.district_id
    orders: SELECT id AS order_id, customer_id, ordered_at, total AS amount, channel FROM sales_order
    referrals: SELECT referrer_id, referee_id, referred_at FROM referral
    opt_outs: SELECT customer_id, email, phone, opted_out_at FROM opt_out
store:
  connection: "sqlite3://db=$STORE"
rules: $RULES
privacy: $POLICY
END_OF_CONFIG

# mapping_query NAME: one query of the generator's mapping, on one line.
mapping_query() {
    awk -v k="    $1: |" '$0 == k { on = 1; next } on && /^      / { sub(/^ +/, ""); printf "%s ", $0; next } on { exit }' <<<"$QUERIES"
}
SQL_CUSTOMERS=$(mapping_query customers)
SQL_ORDERS=$(mapping_query orders)
[[ -n $SQL_CUSTOMERS && -n $SQL_ORDERS ]] || die "cannot find the customers and orders queries in custclass_generate --queries"

engine_run() {  # engine_run LABEL REP CONFIG [--dry-run]; a fresh store for each run
    local label=$1 rep=$2 config=$3
    shift 3
    rm -f "$STORE" "$STORE-journal" "$STORE-wal" "$STORE-shm"
    measure "$label" "$rep" "$RUN/$label.json" "$CUSTCLASS" --plugin "$PLUGIN" run -c "$config" \
        --as-of "$AS_OF" --json "$@"
}

SQL_GROUP_BY="SELECT customer_id, count(*), sum(total), max(ordered_at) FROM sales_order GROUP BY customer_id"
SQL_SCAN="SELECT count(*), sum(total), max(ordered_at) FROM sales_order"

# --- P1, P1b, P5 on SQLite -----------------------------------------------------------------------

say "P1/P1b/P5 on SQLite: $DB ($(du -h "$DB" | cut -f1)), $REPS repetitions"
cat "$DB" >/dev/null  # warm the page cache: every figure is warm-cache
SQLITE_PLAN=$(sqlite3 "$DB" "EXPLAIN QUERY PLAN $SQL_GROUP_BY" | sed -n 's/^[|` ]*--//p' | paste -sd';' | sed 's/;/; /g')
for ((rep = 1; rep <= REPS; rep++)); do
    measure sqlite.group_by "$rep" /dev/null sqlite3 "$DB" "$SQL_GROUP_BY"
    measure sqlite.scan "$rep" "$RUN/scan.txt" sqlite3 "$DB" "$SQL_SCAN"
    engine_run sqlite.run "$rep" "$RUN/sqlite.yaml"
    STORE_SIZE=$(du -h "$STORE" | cut -f1)
    ((rep > DRY_REPS)) || engine_run sqlite.dry_run "$rep" "$RUN/sqlite.yaml" --dry-run
done

# Diagnostics: the mapping's two big queries alone (the floor of reading through them), and the
# engine with a mapping that does not join.
for ((rep = 1; rep <= CONTEXT_REPS * DIAGNOSTICS; rep++)); do
    measure sqlite.queries "$rep" /dev/null sqlite3 "$DB" "$SQL_CUSTOMERS" "$SQL_ORDERS"
    engine_run sqlite.dry_run_nojoin "$rep" "$RUN/sqlite-nojoin.yaml" --dry-run
done

ensure_db "$CUSTOMERS" "$HALF_OPC" "$SEED"
cat "$HALF_DB" >/dev/null
say "P5 at half the orders: $HALF_DB"
for ((rep = 1; rep <= CONTEXT_REPS; rep++)); do
    engine_run half.run "$rep" "$RUN/sqlite-half.yaml"
done

# Context: the same customers as the half-orders database under ids that do not come in the byte
# order of the store's key (a scrambled 8-digit hexadecimal prefix before each code, as hosts
# keyed by UUIDs give them). The run hands its rows to the store in key order (plugin/id_order.h).
SCRAMBLED_DB=${HALF_DB%.sqlite}-scrambled-ids.sqlite
if [[ ! -s $SCRAMBLED_DB || $SCRAMBLED_DB -ot $HALF_DB ]]; then
    say "scrambling the customer ids: $SCRAMBLED_DB"
    rm -f "$SCRAMBLED_DB" "$SCRAMBLED_DB.tmp"
    cp "$HALF_DB" "$SCRAMBLED_DB.tmp"
    sqlite3 "$SCRAMBLED_DB.tmp" "UPDATE customer SET code = printf('%08x', (id * 2654435761) % 4294967296) || '-' || code"
    mv "$SCRAMBLED_DB.tmp" "$SCRAMBLED_DB"
fi
write_config "$RUN/sqlite-scrambled.yaml" "sqlite3://db=$SCRAMBLED_DB" "sqlite3://db=$STORE"
cat "$SCRAMBLED_DB" >/dev/null
for ((rep = 1; rep <= CONTEXT_REPS; rep++)); do
    engine_run scrambled.run "$rep" "$RUN/sqlite-scrambled.yaml"
done

# --- P2 on PostgreSQL, MariaDB for context -------------------------------------------------------

TABLES=(district customer product_category product sales_order sales_order_line referral opt_out)
SERVERS=$WORK/servers
MSOCK=$SERVERS/mariadb.sock
PG_CONN="host=127.0.0.1 port=$PG_PORT user=postgres"
pg() { "$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }
my() { mariadb --no-defaults -S "$MSOCK" -u root "$@"; }
servers() { CUSTCLASS_PG_PORT=$PG_PORT CUSTCLASS_MARIADB_PORT=$MARIADB_PORT bash "$ROOT/scripts/test-servers.sh" "$@" "$SERVERS"; }
stop_servers() { ((KEEP_SERVERS)) || servers stop >/dev/null 2>&1 || true; }

# The SQLite tables as CSV (NULL written \N, "" an empty text), made once per database.
export_csv() {
    local dir=$WORK/csv-$TAG t
    CSV=$dir
    if [[ -f $dir/.done ]]; then
        say "reusing the CSV export $dir"
        return
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    say "exporting the SQLite tables to CSV in $dir"
    for t in "${TABLES[@]}"; do
        sqlite3 -batch "$DB" ".mode csv" ".separator , \"\n\"" ".nullvalue '\\N'" "SELECT * FROM $t" >"$dir/$t.csv"
    done
    touch "$dir/.done"
}

PG_DDL="
CREATE TABLE district (id integer NOT NULL, name text NOT NULL, region text NOT NULL);
CREATE TABLE customer (id bigint NOT NULL, code text NOT NULL, full_name text NOT NULL,
  gender text, birth_date date, district_id integer, income_band text, email text, phone text,
  created_at timestamp NOT NULL, lead_source text, is_lead boolean NOT NULL DEFAULT false,
  marketing_consent boolean NOT NULL DEFAULT false, interests text);
CREATE TABLE product_category (id integer NOT NULL, name text NOT NULL);
CREATE TABLE product (id integer NOT NULL, sku text NOT NULL, name text NOT NULL,
  category_id integer, price numeric(12,2) NOT NULL);
CREATE TABLE sales_order (id bigint NOT NULL, customer_id bigint NOT NULL,
  ordered_at timestamp NOT NULL, channel text NOT NULL, store_code text,
  total numeric(12,2) NOT NULL, kind text NOT NULL);
CREATE TABLE sales_order_line (id bigint NOT NULL, order_id bigint NOT NULL,
  product_id integer NOT NULL, quantity integer NOT NULL, amount numeric(12,2) NOT NULL);
CREATE TABLE referral (referrer_id bigint NOT NULL, referee_id bigint NOT NULL, referred_at timestamp);
CREATE TABLE opt_out (customer_id bigint, email text, phone text, opted_out_at timestamp);"
# The generator's keys and indexes, built after the load.
PG_INDEXES="
SET maintenance_work_mem = '512MB';
ALTER TABLE district ADD PRIMARY KEY (id);
ALTER TABLE customer ADD PRIMARY KEY (id);
ALTER TABLE customer ADD UNIQUE (code);
ALTER TABLE product_category ADD PRIMARY KEY (id);
ALTER TABLE product ADD PRIMARY KEY (id);
ALTER TABLE sales_order ADD PRIMARY KEY (id);
ALTER TABLE sales_order_line ADD PRIMARY KEY (id);
CREATE INDEX sales_order_customer ON sales_order (customer_id);
CREATE INDEX sales_order_line_order ON sales_order_line (order_id);"

MY_DDL="
CREATE TABLE district (id INT NOT NULL PRIMARY KEY, name VARCHAR(40) NOT NULL, region VARCHAR(40) NOT NULL);
CREATE TABLE customer (id BIGINT NOT NULL PRIMARY KEY, code VARCHAR(16) NOT NULL,
  full_name VARCHAR(80) NOT NULL, gender CHAR(1), birth_date DATE, district_id INT,
  income_band VARCHAR(16), email VARCHAR(120), phone VARCHAR(24), created_at DATETIME NOT NULL,
  lead_source VARCHAR(16), is_lead BOOLEAN NOT NULL DEFAULT 0,
  marketing_consent BOOLEAN NOT NULL DEFAULT 0, interests VARCHAR(200));
CREATE TABLE product_category (id INT NOT NULL PRIMARY KEY, name VARCHAR(40) NOT NULL);
CREATE TABLE product (id INT NOT NULL PRIMARY KEY, sku VARCHAR(20) NOT NULL,
  name VARCHAR(120) NOT NULL, category_id INT, price DECIMAL(12,2) NOT NULL);
CREATE TABLE sales_order (id BIGINT NOT NULL PRIMARY KEY, customer_id BIGINT NOT NULL,
  ordered_at DATETIME NOT NULL, channel VARCHAR(10) NOT NULL, store_code VARCHAR(10),
  total DECIMAL(12,2) NOT NULL, kind VARCHAR(10) NOT NULL);
CREATE TABLE sales_order_line (id BIGINT NOT NULL PRIMARY KEY, order_id BIGINT NOT NULL,
  product_id INT NOT NULL, quantity INT NOT NULL, amount DECIMAL(12,2) NOT NULL);
CREATE TABLE referral (referrer_id BIGINT NOT NULL, referee_id BIGINT NOT NULL, referred_at DATETIME);
CREATE TABLE opt_out (customer_id BIGINT, email VARCHAR(120), phone VARCHAR(24), opted_out_at DATETIME);"
MY_INDEXES="
ALTER TABLE customer ADD UNIQUE (code);
CREATE INDEX sales_order_customer ON sales_order (customer_id);
CREATE INDEX sales_order_line_order ON sales_order_line (order_id);"

load_postgresql() {
    local t start=$SECONDS
    pg -d postgres -c "CREATE DATABASE bench ENCODING 'UTF8' TEMPLATE template0" || return 1
    pg -d bench -c "$PG_DDL" || return 1
    for t in "${TABLES[@]}"; do
        pg -d bench -c "COPY $t FROM STDIN (FORMAT csv, NULL '\\N')" <"$CSV/$t.csv" || return 1
    done
    pg -d bench -c "$PG_INDEXES" || return 1
    pg -d bench -c "VACUUM (FREEZE, ANALYZE)" || return 1
    echo $((SECONDS - start)) >"$RUN/load-postgresql.seconds"
    say "PostgreSQL loaded in $((SECONDS - start)) s"
}

load_mariadb() {
    local t start=$SECONDS
    # The test servers run with a 64 MiB buffer pool; a database server holding 10M orders
    # would have more. Dynamic in MariaDB 10.2+.
    my -e "SET GLOBAL innodb_buffer_pool_size = 2147483648" || return 1
    my -e "CREATE DATABASE bench CHARACTER SET utf8mb4 COLLATE utf8mb4_bin" || return 1
    my bench -e "$MY_DDL" || return 1
    for t in "${TABLES[@]}"; do
        my --local-infile=1 bench -e "SET SESSION unique_checks = 0, foreign_key_checks = 0;
            LOAD DATA LOCAL INFILE '$CSV/$t.csv' INTO TABLE $t CHARACTER SET utf8mb4
            FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' ESCAPED BY '\\\\'
            LINES TERMINATED BY '\\n'" || return 1
    done
    my bench -e "$MY_INDEXES" || return 1
    my bench -e "ANALYZE TABLE $(IFS=,; echo "${TABLES[*]}")" >/dev/null || return 1
    echo $((SECONDS - start)) >"$RUN/load-mariadb.seconds"
    say "MariaDB loaded in $((SECONDS - start)) s (buffer pool $(my -N -e 'SELECT @@innodb_buffer_pool_size DIV 1048576') MiB)"
}

# Checks that a server holds the same orders as the SQLite file: their number and their total
# in cents.
SQL_CHECK_SQLITE="SELECT count(*) || ' ' || sum(CAST(round(total * 100) AS INTEGER)) FROM sales_order"
SQL_CHECK="SELECT CONCAT(count(*), ' ', CAST(sum(total * 100) AS DECIMAL(20,0))) FROM sales_order"
check_rows() {  # check_rows NAME "COUNT CENTS"
    [[ $2 == "$ORDERS_CHECK" ]] || die "$1 holds $2 (orders, total cents), the SQLite database $ORDERS_CHECK"
}

PG_LOAD_S="" MY_LOAD_S="" PG_PLAN="" MY_PLAN="" PG_VERSION="" MY_VERSION=""
if ((!SQLITE_ONLY)); then
    export_csv
    trap stop_servers EXIT
    say "starting PostgreSQL (port $PG_PORT) and MariaDB (port $MARIADB_PORT) in $SERVERS"
    servers start >"$RUN/servers.log" 2>&1 || { cat "$RUN/servers.log" >&2; die "the servers did not start"; }
    PG_VERSION=$(pg -d postgres -A -t -c "SHOW server_version")
    MY_VERSION=$(my -N -e "SELECT VERSION()")
    # Both loads at once (nothing is measured meanwhile): MariaDB's in the background.
    say "loading PostgreSQL and MariaDB (logs in $RUN/load-*.log)"
    load_mariadb >"$RUN/load-mariadb.log" 2>&1 &
    mariadb_loader=$!
    load_postgresql >"$RUN/load-postgresql.log" 2>&1 || { cat "$RUN/load-postgresql.log" >&2; die "loading PostgreSQL failed"; }
    wait "$mariadb_loader" || { cat "$RUN/load-mariadb.log" >&2; die "loading MariaDB failed"; }
    cat "$RUN/load-postgresql.log" "$RUN/load-mariadb.log"
    PG_LOAD_S=$(cat "$RUN/load-postgresql.seconds") MY_LOAD_S=$(cat "$RUN/load-mariadb.seconds")
    ORDERS_CHECK=$(sqlite3 "$DB" "$SQL_CHECK_SQLITE")
    check_rows PostgreSQL "$(pg -d bench -A -t -c "$SQL_CHECK")"
    check_rows MariaDB "$(my -N bench -e "$SQL_CHECK")"
    say "both servers hold the $ORDERS_CHECK (orders, total cents) of the SQLite database"

    write_config "$RUN/postgresql.yaml" "postgresql://dbname=bench $PG_CONN" "postgresql://dbname=bench_store $PG_CONN"
    # Diagnostic: the orders streamed and aggregated by the engine instead of by PostgreSQL.
    write_config "$RUN/postgresql-scan.yaml" "postgresql://dbname=bench $PG_CONN" \
        "postgresql://dbname=bench_store $PG_CONN" "read: scan"
    write_config "$RUN/mariadb.yaml" "mysql://db=bench unix_socket=$MSOCK user=root charset=utf8mb4" \
        "mysql://db=bench_store unix_socket=$MSOCK user=root charset=utf8mb4"
    PG_PLAN=$(pg -d bench -A -t -c "EXPLAIN $SQL_GROUP_BY" | sed 's/  (cost=[^)]*)//; s/^ *//' | tr '\n' ';' | sed 's/;$//; s/;/; /g')
    MY_PLAN=$(my -N bench -e "EXPLAIN $SQL_GROUP_BY" | cut -f2-10 | tr '\t' ' ')

    pg_run() {
        pg -d postgres -c "SET client_min_messages TO warning" -c "DROP DATABASE IF EXISTS bench_store WITH (FORCE)" -c "CREATE DATABASE bench_store"
        engine_run "$@"
    }
    my_run() {
        my -e "DROP DATABASE IF EXISTS bench_store; CREATE DATABASE bench_store CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
        engine_run "$@"
    }
    say "P2 on PostgreSQL $PG_VERSION, MariaDB $MY_VERSION for context"
    measure pg.warmup 0 /dev/null "$PSQL" -X -q -A -t -h 127.0.0.1 -p "$PG_PORT" -U postgres -d bench -c "$SQL_GROUP_BY"
    for ((rep = 1; rep <= REPS; rep++)); do
        measure pg.group_by "$rep" /dev/null "$PSQL" -X -q -A -t -h 127.0.0.1 -p "$PG_PORT" -U postgres -d bench -c "$SQL_GROUP_BY"
        pg_run pg.run "$rep" "$RUN/postgresql.yaml"
        ((rep > DRY_REPS)) || pg_run pg.dry_run "$rep" "$RUN/postgresql.yaml" --dry-run
    done
    for ((rep = 1; rep <= CONTEXT_REPS * DIAGNOSTICS; rep++)); do
        # As the engine reads: a cursor fetched 4096 rows at a time, text values.
        measure pg.queries "$rep" /dev/null "$PSQL" -X -q -A -t -v FETCH_COUNT=4096 -h 127.0.0.1 -p "$PG_PORT" \
            -U postgres -d bench -c "$SQL_CUSTOMERS" -c "$SQL_ORDERS"
        pg_run pg.dry_run_scan "$rep" "$RUN/postgresql-scan.yaml" --dry-run
    done
    for ((rep = 1; rep <= CONTEXT_REPS; rep++)); do
        measure mariadb.group_by "$rep" /dev/null mariadb --no-defaults -S "$MSOCK" -u root bench -e "$SQL_GROUP_BY"
        my_run mariadb.run "$rep" "$RUN/mariadb.yaml"
    done
    stop_servers
    trap - EXIT
fi

# --- the results -------------------------------------------------------------------------------

m() { median "$1" 3; }
G=$(m sqlite.group_by) S=$(m sqlite.scan) R=$(m sqlite.run) D=$(m sqlite.dry_run)
PGG=$(m pg.group_by) PGR=$(m pg.run) PGD=$(m pg.dry_run) MYG=$(m mariadb.group_by) MYR=$(m mariadb.run)
P1=$(ratio "$R" "$G") P1D=$(ratio "$D" "$G") P1B=$(ratio "$R" "$S") P1BD=$(ratio "$D" "$S")
P2=$(ratio "$PGR" "$PGG") P2D=$(ratio "$PGD" "$PGG") MYRATIO=$(ratio "$MYR" "$MYG")
# The same ratios in CPU time of the measured processes (not meaningful for the servers' baselines,
# whose work is done by the server: P2 has none).
C1=$(ratio "$(cpu sqlite.run)" "$(cpu sqlite.group_by)") C1B=$(ratio "$(cpu sqlite.run)" "$(cpu sqlite.scan)")
RSS_KB=$(median sqlite.run 6) RSS_DRY_KB=$(median sqlite.dry_run 6) RSS_HALF_KB=$(median half.run 6)
LIMIT_BYTES=$((600 * CUSTOMERS + 64 * 1048576))
RSS_RATIO=$(awk -v r="$RSS_KB" -v l="$LIMIT_BYTES" 'BEGIN { printf "%.2f", r * 1024 / l }')
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
ORDERS=$(count_of "$DB" orders) HALF_ORDERS=$(count_of "$HALF_DB" orders)
# Memory per extra order between the two databases, and the growth for the extra orders.
PER_ORDER=$(awk -v a="$RSS_KB" -v b="$RSS_HALF_KB" -v o="$ORDERS" -v h="$HALF_ORDERS" 'BEGIN { printf "%.1f", (a - b) * 1024 / (o - h) }')
GROWTH=$(awk -v a="$RSS_KB" -v b="$RSS_HALF_KB" 'BEGIN { printf "%.1f", (a / b - 1) * 100 }')
ORDERS_GROWTH=$(awk -v o="$ORDERS" -v h="$HALF_ORDERS" 'BEGIN { printf "%.0f", (o / h - 1) * 100 }')
P5_MET=$(awk -v r="$RSS_RATIO" 'BEGIN { print (r <= 1 ? "**met**" : "**not met**") }')
# "Not proportional": doubling the orders adds less than a tenth of the memory.
P5_FLAT=$(awk -v g="$GROWTH" 'BEGIN { print (g < 10 ? "**met**" : "**not met**") }')
RSS_SHARE=$(awk -v r="$RSS_KB" -v c="$CUSTOMERS" 'BEGIN { printf "%.0f", r * 1024 / c }')
fmt() { awk -v n="$1" 'BEGIN { s = sprintf("%d", n); r = ""; while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) } print s r }'; }
cmdrow() {  # cmdrow ROW LABEL WHAT
    local med
    med=$(m "$2")
    [[ -n $med ]] || return 0
    printf '| %s | %s | %s | **%s** | %s | %s | %s %s | %s |\n' "$1" "$3" "$(each "$2" 3)" "$med" \
        "$(median "$2" 4)" "$(median "$2" 5)" "$(mib "$(median "$2" 6)")" "($(each "$2" 6))" "$(load_range "$2")"
}

CPU=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
MHZ=$(awk -F': ' '/cpu MHz/ { printf "%.0f", $2; exit }' /proc/cpuinfo)
MEM=$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
BUILD_TYPE=$(awk -F= '/^CMAKE_BUILD_TYPE:/ { print $2 }' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null || true)
CXX=$(awk -F= '/^CMAKE_CXX_COMPILER:/ { print $2 }' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null || true)
CXX_VERSION=$("${CXX:-c++}" -dumpfullversion 2>/dev/null || echo "?")
SQLITE_VERSION=$(sqlite3 --version | cut -d' ' -f1)
TOTAL_MIN=$(awk -v s=$(($(date +%s) - STARTED)) 'BEGIN { printf "%.1f", s / 60 }')
LOADS=$(awk -F'\t' '$2 > 0 { if (n++ == 0 || $7 < lo) lo = $7; if ($7 > hi) hi = $7 } END { printf "%s–%s", lo, hi }' "$MEAS")
ARGS="--customers $CUSTOMERS"
[[ $OPC == 13 ]] || ARGS+=" --orders-per-customer $OPC"
[[ $SEED == 20261123 ]] || ARGS+=" --seed $SEED"
[[ $REPS == 3 ]] || ARGS+=" --reps $REPS"
[[ $CONTEXT_REPS == 1 ]] || ARGS+=" --context-reps $CONTEXT_REPS"
[[ $DRY_REPS == 1 ]] || ARGS+=" --dry-run-reps $DRY_REPS"
((!DIAGNOSTICS)) || ARGS+=" --diagnostics"
((!SQLITE_ONLY)) || ARGS+=" --sqlite-only"
na() { [[ -n $1 ]] && echo "$1" || echo "—"; }

SECTION=$RUN/results.md
{
    echo "$MARK_BEGIN"
    echo "## P1, P1b, P2, P5: full runs on SQLite, PostgreSQL and MariaDB"
    echo
    echo "Measured by \`bench/run_benchmarks.sh $ARGS\` on $DATE_UTC: $(fmt "$CUSTOMERS") customers,"
    echo "$(fmt "$ORDERS") orders, seed $SEED; load average $LOADS (1-minute, before each command)."
    echo "Each figure is the median wall time of $REPS runs (dry runs: $DRY_REPS; the MariaDB, half-orders and diagnostic"
    echo "rows: $CONTEXT_REPS), warm cache, baseline and plugin interleaved. The machine is shared: the CPU-time ratio (user + system"
    echo "seconds of the measured process, which moves less with the load) is given beside each wall ratio."
    echo
    echo "| # | plugin | baseline (same run) | ratio | CPU-time ratio | target | |"
    echo "|---|---|---|---|---|---|---|"
    echo "| P1 | \`custclass run\`, SQLite, results written: $(na "$R") s | \`sqlite3\` GROUP BY: $(na "$G") s | **$(na "$P1")** | $(na "$C1") | ≤ 0.5 | $(met "$P1" 0.5) |"
    echo "| P1b | the same run: $(na "$R") s | \`sqlite3\` scan: $(na "$S") s | **$(na "$P1B")** | $(na "$C1B") | ≤ 2.0 | $(met "$P1B" 2.0) |"
    if [[ -n $PGR ]]; then
        echo "| P2 | \`custclass run\`, PostgreSQL, results written: $PGR s | \`psql\` GROUP BY: $PGG s | **$P2** | — | ≤ 1.3 | $(met "$P2" 1.3) |"
    else
        echo "| P2 | not measured (--sqlite-only) | | | | ≤ 1.3 | not measured |"
    fi
    echo "| P5 | peak RSS of the P1 run: $(mib "$RSS_KB") MiB | 600 B × customers + 64 MiB = $(mib $((LIMIT_BYTES / 1024))) MiB | **$RSS_RATIO** | | ≤ 1.0 | $P5_MET |"
    echo "| P5 | the same with half the orders per customer: $(mib "$RSS_HALF_KB") MiB ($(fmt "$HALF_ORDERS") orders) | $ORDERS_GROWTH% more orders → $GROWTH% more memory ($PER_ORDER bytes per extra order) | | | < 10% | $P5_FLAT |"
    echo
    echo "Without writing results (\`--dry-run\`): SQLite $(na "$D") s (P1 ratio $(na "$P1D"), P1b ratio"
    echo "$(na "$P1BD"))$([[ -n $PGD ]] && echo ", PostgreSQL $PGD s (P2 ratio $P2D)"); peak RSS $(mib "$RSS_DRY_KB") MiB."
    if [[ -n $MYR ]]; then
        echo "MariaDB, for context: \`custclass run\` $MYR s, \`mariadb\` GROUP BY $MYG s (ratio $MYRATIO)."
    fi
    echo
    echo "### Every figure"
    echo
    echo "Wall seconds of each repetition, their median, the median user and system CPU seconds, the"
    echo "median and each peak RSS (\`/usr/bin/time -v\`, \"Maximum resident set size\") and the load average."
    echo
    echo "| row | command | wall s, each run | median wall s | user s | sys s | max RSS MiB: median (each) | load |"
    echo "|---|---|---|---|---|---|---|---|"
    cmdrow P1 sqlite.group_by "\`sqlite3 FILE \"$SQL_GROUP_BY\"\`"
    cmdrow P1b sqlite.scan "\`sqlite3 FILE \"$SQL_SCAN\"\`"
    cmdrow "P1, P1b, P5" sqlite.run "\`custclass run -c sqlite.yaml --as-of $AS_OF --json\`"
    cmdrow "dry run" sqlite.dry_run "the same with \`--dry-run\`"
    cmdrow P5 half.run "the same run on the database with $HALF_OPC orders per buying customer"
    cmdrow context scrambled.run "the same on a copy of that database whose customer codes begin with a scrambled prefix of 8 hexadecimal digits (ids in no byte order)"
    cmdrow diagnostic sqlite.queries "\`sqlite3 FILE \"<customers query>\" \"<orders query>\"\`: the mapping's two big queries alone"
    cmdrow diagnostic sqlite.dry_run_nojoin "\`custclass run -c sqlite-nojoin.yaml --as-of $AS_OF --dry-run\`: keyed by integer ids, no join"
    cmdrow P2 pg.group_by "\`psql -X -A -t -h 127.0.0.1 -d bench -c \"$SQL_GROUP_BY\"\`"
    cmdrow P2 pg.run "\`custclass run -c postgresql.yaml --as-of $AS_OF --json\`"
    cmdrow "dry run" pg.dry_run "the same with \`--dry-run\`"
    cmdrow diagnostic pg.dry_run_scan "\`custclass run -c postgresql-scan.yaml --as-of $AS_OF --dry-run\`: \`read: scan\` (orders streamed, not aggregated by PostgreSQL)"
    cmdrow diagnostic pg.queries "\`psql -v FETCH_COUNT=4096 -c \"<customers query>\" -c \"<orders query>\"\`: the two queries alone, fetched as the engine does"
    cmdrow context mariadb.group_by "\`mariadb -S SOCKET bench -e \"$SQL_GROUP_BY\"\`"
    cmdrow context mariadb.run "\`custclass run -c mariadb.yaml --as-of $AS_OF --json\`"
    echo
    echo "### How it was measured"
    echo
    echo "- Machine: \`nproc\` = $(nproc), $CPU, $MHZ MHz, $MEM GiB RAM, Linux $(uname -r); shared with other"
    echo "  engineers' builds (the load column above)."
    echo "- Build: \`${BUILD_DIR#"$ROOT"/}\` (${BUILD_TYPE:-?}; the plugin built $BUILT, copied to \`$TAG/bin/\` for the run), g++ $CXX_VERSION. SQLite $SQLITE_VERSION (the CLI and the library)$([[ -n $PG_VERSION ]] && echo ", PostgreSQL $PG_VERSION, MariaDB $MY_VERSION")."
    echo "- Data: \`custclass_generate --sqlite FILE --customers $CUSTOMERS --orders-per-customer $OPC --seed $SEED\`"
    echo "  (host/demo_data): $(fmt "$CUSTOMERS") customers ($(fmt "$(count_of "$DB" buyers)") with orders), $(fmt "$ORDERS") orders"
    echo "  ($(fmt "$(count_of "$DB" returns)") of them returns), $(fmt "$(count_of "$DB" order_lines)") order lines, $(fmt "$(count_of "$DB" referrals)") referrals, $(fmt "$(count_of "$DB" opt_outs)") opt-outs;"
    echo "  orders from 2024-12-01 to $AS_OF; the SQLite file is $(du -h "$DB" | cut -f1). P5's second database: the"
    echo "  same with \`--orders-per-customer $HALF_OPC\`, $(fmt "$HALF_ORDERS") orders. The context row's database: a copy of that"
    echo "  one after \`UPDATE customer SET code = printf('%08x', (id * 2654435761) % 4294967296) || '-' || code\`."
    echo "- Engine configs (in \`build/bench-data/$TAG/\`): the generic preset with the generator's mapping"
    echo "  (\`custclass_generate --queries\`: customers joined to district, with their code as \`customer_id\`"
    echo "  and their integer id as \`customer_key\`; orders by \`customer_key\`, without a join; order lines,"
    echo "  referrals, opt-outs), the shipped \`config/rulesets/hk-retail.yaml\`"
    echo "  (3 classifications, 1 score), \`--as-of $AS_OF\`.$( ((!DIAGNOSTICS)) || echo " The diagnostic \`sqlite-nojoin.yaml\` maps the same")"
    ((!DIAGNOSTICS)) || echo "  tables by their integer ids, without joins (the same segments)."
    echo "  Results are written to a store of their own,"
    echo "  emptied before every run: a separate SQLite file (after one run: $STORE_SIZE), a separate"
    echo "  PostgreSQL database \`bench_store\`, a separate MariaDB database \`bench_store\`."
    echo "- Baselines: the queries of PERFORMANCE.md on the demo schema: the orders table is \`sales_order\`,"
    echo "  its amount column \`total\`. sqlite3 writes the rows to /dev/null; its plan: \`$SQLITE_PLAN\`."
    if [[ -n $PG_PLAN ]]; then
        echo "  psql (over TCP to 127.0.0.1, as the plugin) and mariadb (unix socket, as the plugin) write"
        echo "  unaligned rows to /dev/null. PostgreSQL's plan (default settings: work_mem 4MB, 2 parallel"
        echo "  workers at most): \`$PG_PLAN\`. MariaDB's: \`$MY_PLAN\`."
        echo "- Servers: \`scripts/test-servers.sh\` (fsync off), PostgreSQL otherwise default; MariaDB with its"
        echo "  InnoDB buffer pool raised from the script's 64 MiB to 2 GiB (\`SET GLOBAL\`) before loading."
        echo "  Loaded from CSV exports of the SQLite tables (\`sqlite3 -csv\`, NULL as \\N): PostgreSQL with"
        echo "  \`COPY … FROM STDIN\` through psql, then the generator's keys and indexes, \`VACUUM (FREEZE,"
        echo "  ANALYZE)\` (${PG_LOAD_S} s in all; the two loads ran at the same time); MariaDB with \`LOAD DATA LOCAL INFILE\`, then the indexes and"
        echo "  \`ANALYZE TABLE\` (${MY_LOAD_S} s). Native types: \`timestamp\`/\`DATETIME\`, \`numeric(12,2)\`/"
        echo "  \`DECIMAL(12,2)\`, \`boolean\`; no foreign keys (SQLite does not enforce them either)."
    fi
    echo "- Every command was run under \`/usr/bin/time -v\`. Warm cache: the SQLite files are read once"
    echo "  (\`cat\`) before their figures, the psql baseline runs once unmeasured (MariaDB's buffer pool is warm from the load). The raw figures: \`build/bench-data/$TAG/measurements.tsv\`. The whole script took"
    echo "  $TOTAL_MIN minutes (generation included when the data was not there yet)."
    echo "$MARK_END"
} >"$SECTION"
say "results: $SECTION"

if [[ $RESULTS != none ]]; then
    [[ -f $RESULTS ]] || touch "$RESULTS"
    tmp=$RESULTS.tmp.$$
    if grep -qF "$MARK_BEGIN" "$RESULTS"; then
        # Replace the old block, keep everything around it (P3 and any analysis written by hand).
        awk -v b="$MARK_BEGIN" -v e="$MARK_END" -v f="$SECTION" '
            $0 == b { while ((getline line < f) > 0) print line; skip = 1; next }
            skip && $0 == e { skip = 0; next }
            !skip { print }' "$RESULTS" >"$tmp"
    else
        { cat "$RESULTS"; echo; cat "$SECTION"; } >"$tmp"
    fi
    mv "$tmp" "$RESULTS"
    say "updated $RESULTS"
fi
cat "$SECTION"
