#!/usr/bin/env bash
# Throwaway database servers for the integration tests (tests/integration/), as root, no systemd.
#
#   scripts/test-servers.sh start DIR   start PostgreSQL and MariaDB with their data in DIR
#   scripts/test-servers.sh stop DIR    stop both and remove DIR
#   scripts/test-servers.sh status DIR  say whether each answers
#
# PostgreSQL: data in DIR/pg (owned by the postgres user), socket in DIR/pg, TCP on
# 127.0.0.1:$CUSTCLASS_PG_PORT (default 55432), user postgres, trust authentication.
# MariaDB: data in DIR/mariadb, socket DIR/mariadb.sock, TCP on 127.0.0.1:$CUSTCLASS_MARIADB_PORT
# (default 53306), user root without a password.
#
# `start` is idempotent: servers left over from a killed run in DIR are stopped and DIR is made
# afresh. It fails loudly, printing the server's log, when a server does not answer within
# $CUSTCLASS_SERVER_TIMEOUT seconds (default 60). If the postgres user cannot reach DIR (a home
# or build directory without o+x), the PostgreSQL data directory goes to a directory under /tmp,
# linked from DIR/pg, and is removed by `stop`.
set -euo pipefail

PG_PORT=${CUSTCLASS_PG_PORT:-55432}
MARIADB_PORT=${CUSTCLASS_MARIADB_PORT:-53306}
TIMEOUT=${CUSTCLASS_SERVER_TIMEOUT:-60}
PG_USER=postgres

ON_DIE=""  # a command run once before `die` exits (stops a server already started)
die() {
    echo "test-servers: $*" >&2
    if [[ -n "$ON_DIE" ]]; then
        local hook=$ON_DIE
        ON_DIE=""
        $hook || true
    fi
    exit 1
}
say() { echo "test-servers: $*"; }

usage() {
    echo "usage: $0 start|stop|status DIR" >&2
    exit 2
}

[[ $# -eq 2 ]] || usage
ACTION=$1
DIR=$2
[[ -n "$DIR" && "$DIR" != "/" ]] || die "refusing to use directory '$DIR'"
case "$DIR" in /*) ;; *) DIR="$PWD/$DIR" ;; esac
DIR=${DIR%/}

[[ $(id -u) -eq 0 ]] || die "must run as root (it starts PostgreSQL as the $PG_USER user)"

find_pg_bin() {
    if [[ -n "${CUSTCLASS_PG_BIN:-}" ]]; then
        echo "$CUSTCLASS_PG_BIN"
        return
    fi
    local d best
    # The highest major version (a glob would sort 9.6 after 15).
    best=$(for d in /usr/lib/postgresql/*/bin; do [[ -x "$d/pg_ctl" ]] && echo "$d"; done |
        sort -t/ -k5,5V | tail -n1)
    [[ -n "$best" ]] || die "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (set CUSTCLASS_PG_BIN)"
    echo "$best"
}

as_postgres() {
    runuser -u "$PG_USER" -- "$@"
}

PGDATA="$DIR/pg"
MDATA="$DIR/mariadb"
MSOCK="$DIR/mariadb.sock"
MPID="$DIR/mariadb.pid"
MLOG="$DIR/mariadb.log"
PGLOG="$DIR/pg.log"

port_busy() {
    # True when something listens on 127.0.0.1:$1.
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pid_alive() {
    [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null
}

# --- PostgreSQL --------------------------------------------------------------------------------

# The cluster's real directory: DIR/pg, or the /tmp directory DIR/pg links to.
pg_data() {
    if [[ -L "$PGDATA" ]]; then readlink "$PGDATA"; else echo "$PGDATA"; fi
}

pg_stop() {
    local pgbin data
    pgbin=$(find_pg_bin)
    data=$(pg_data)
    if [[ -f "$data/postmaster.pid" ]]; then
        local pid
        pid=$(head -n1 "$data/postmaster.pid" 2>/dev/null || true)
        if pid_alive "$pid"; then
            say "stopping PostgreSQL (pid $pid)"
            as_postgres "$pgbin/pg_ctl" -D "$data" -m fast -w -t "$TIMEOUT" stop >/dev/null ||
                as_postgres "$pgbin/pg_ctl" -D "$data" -m immediate -w -t 10 stop >/dev/null ||
                true
            local i
            for ((i = 0; i < 20; i++)); do pid_alive "$pid" || break; sleep 0.5; done
            if pid_alive "$pid"; then die "PostgreSQL (pid $pid, data $data) does not stop"; fi
        fi
    fi
}

pg_start() {
    local pgbin
    pgbin=$(find_pg_bin)
    if port_busy "$PG_PORT"; then
        die "port $PG_PORT is already in use by another server; set CUSTCLASS_PG_PORT"
    fi
    local data="$PGDATA" log="$PGLOG"
    mkdir -p "$DIR"
    if ! as_postgres test -x "$DIR"; then
        # The postgres user cannot reach DIR: keep the cluster under /tmp, linked from DIR/pg.
        data=$(mktemp -d /tmp/custclass-test-pg.XXXXXX)
        ln -sfn "$data" "$PGDATA"
        log="$data.log"
        ln -sfn "$log" "$PGLOG"
        say "PostgreSQL data in $data (the $PG_USER user cannot reach $DIR)"
    else
        mkdir -p "$PGDATA"
    fi
    chown "$PG_USER": "$data"
    chmod 700 "$data"
    touch "$log"
    chown "$PG_USER": "$log"
    local sockdir="$data"
    (( ${#sockdir} + 20 <= 107 )) || die "the socket path $sockdir/.s.PGSQL.$PG_PORT is too long for a unix socket; use a shorter DIR"
    as_postgres "$pgbin/initdb" -D "$data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
        --no-sync >"$DIR/pg-initdb.log" 2>&1 || {
        cat "$DIR/pg-initdb.log" >&2
        die "initdb failed"
    }
    if ! as_postgres "$pgbin/pg_ctl" -D "$data" -l "$log" -w -t "$TIMEOUT" \
        -o "-k $sockdir -p $PG_PORT -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50" \
        start >/dev/null; then
        echo "---- $log" >&2
        cat "$log" >&2 || true
        die "PostgreSQL did not start within ${TIMEOUT}s on port $PG_PORT"
    fi
    as_postgres "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 10 || {
        cat "$log" >&2
        die "PostgreSQL started but does not answer on 127.0.0.1:$PG_PORT"
    }
    say "PostgreSQL ready: host=127.0.0.1 port=$PG_PORT user=postgres (socket dir $sockdir)"
}

# --- MariaDB -----------------------------------------------------------------------------------

mariadb_answers() {
    mariadb-admin --no-defaults -S "$MSOCK" -u root --connect-timeout=2 ping >/dev/null 2>&1
}

mariadb_stop() {
    local pid=""
    [[ -f "$MPID" ]] && pid=$(cat "$MPID" 2>/dev/null || true)
    if [[ -S "$MSOCK" ]] && mariadb_answers; then
        say "stopping MariaDB${pid:+ (pid $pid)}"
        mariadb-admin --no-defaults -S "$MSOCK" -u root shutdown >/dev/null 2>&1 || true
    fi
    if pid_alive "$pid"; then
        local i
        for ((i = 0; i < 2 * TIMEOUT; i++)); do pid_alive "$pid" || break; sleep 0.5; done
        if pid_alive "$pid"; then
            # Ours: the pid file in DIR was written by the mariadbd this script started.
            say "MariaDB (pid $pid) does not shut down; killing it"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.5
        fi
    fi
}

mariadb_start() {
    if port_busy "$MARIADB_PORT"; then
        die "port $MARIADB_PORT is already in use by another server; set CUSTCLASS_MARIADB_PORT"
    fi
    (( ${#MSOCK} <= 107 )) || die "the socket path $MSOCK is too long for a unix socket; use a shorter DIR"
    mkdir -p "$MDATA"
    mariadb-install-db --no-defaults --datadir="$MDATA" --user=root \
        --auth-root-authentication-method=normal --skip-test-db >"$DIR/mariadb-install.log" 2>&1 || {
        cat "$DIR/mariadb-install.log" >&2
        die "mariadb-install-db failed"
    }
    # setsid and redirected streams: the server must not hold the pipes of whoever started us
    # (ctest waits for them to close).
    setsid mariadbd --no-defaults --datadir="$MDATA" --socket="$MSOCK" --port="$MARIADB_PORT" \
        --bind-address=127.0.0.1 --user=root --pid-file="$MPID" --log-error="$MLOG" \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
        --innodb-flush-log-at-trx-commit=0 --innodb-buffer-pool-size=64M \
        --innodb-log-file-size=16M --skip-log-bin --skip-name-resolve \
        </dev/null >>"$MLOG" 2>&1 &
    local pid=$!
    local i
    for ((i = 0; i < 2 * TIMEOUT; i++)); do
        if mariadb_answers; then
            say "MariaDB ready: socket $MSOCK, 127.0.0.1:$MARIADB_PORT, user root (pid $pid)"
            return 0
        fi
        if ! pid_alive "$pid"; then
            echo "---- $MLOG" >&2
            cat "$MLOG" >&2 || true
            die "mariadbd exited during start"
        fi
        sleep 0.5
    done
    echo "---- $MLOG" >&2
    cat "$MLOG" >&2 || true
    kill -TERM "$pid" 2>/dev/null || true
    die "MariaDB did not answer within ${TIMEOUT}s on $MSOCK"
}

remove_dir() {
    # A PostgreSQL data directory moved to /tmp is linked from DIR/pg.
    if [[ -L "$PGDATA" ]]; then
        local target
        target=$(readlink "$PGDATA")
        case "$target" in /tmp/custclass-test-pg.*) rm -rf -- "$target" "$target.log" ;; esac
    fi
    rm -rf -- "$DIR"
}

case "$ACTION" in
start)
    # Leftovers of an earlier (perhaps killed) run in DIR.
    pg_stop
    mariadb_stop
    remove_dir
    mkdir -p "$DIR"
    chmod 755 "$DIR"
    pg_start
    ON_DIE=pg_stop
    mariadb_start
    ON_DIE=""
    say "servers in $DIR"
    ;;
stop)
    status=0
    pg_stop || status=1
    mariadb_stop || status=1
    remove_dir
    say "servers stopped, $DIR removed"
    exit $status
    ;;
status)
    pgbin=$(find_pg_bin)
    if "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2; then say "PostgreSQL answers on port $PG_PORT"; else say "PostgreSQL does not answer on port $PG_PORT"; fi
    if mariadb_answers; then say "MariaDB answers on $MSOCK"; else say "MariaDB does not answer on $MSOCK"; fi
    ;;
*)
    usage
    ;;
esac
