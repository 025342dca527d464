#!/usr/bin/env bash
# The `tryton_database` fixture of the tryton preset's tests: a Tryton 6.0 database created by
# Tryton's own trytond-admin on the test PostgreSQL (scripts/test-servers.sh), filled through
# Tryton's API by fill.py, which writes down what it created. A copy of the database made before
# filling is filled by fill.py with Tryton's phone validation off (--without-phonenumbers), so
# that the tests read phones both as Tryton stores them with python3-phonenumbers (`+852 …`) and
# as it stores them without (as typed), whichever this machine has.
#
#   tryton_database.sh create WORK_DIR PYTHON   WORK_DIR gets trytond.conf, the records and logs
#   tryton_database.sh drop WORK_DIR
#
# The server comes from CUSTCLASS_TEST_PG_HOST, CUSTCLASS_TEST_PG_PORT (user postgres, trust) and
# CUSTCLASS_TEST_PSQL; the databases are named by CUSTCLASS_TRYTON_DB and
# CUSTCLASS_TRYTON_AS_TYPED_DB, their records by CUSTCLASS_TRYTON_RECORD and
# CUSTCLASS_TRYTON_AS_TYPED_RECORD.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mode=${1:?create or drop}
work=${2:?work directory}
db=${CUSTCLASS_TRYTON_DB:?}
typed_db=${CUSTCLASS_TRYTON_AS_TYPED_DB:?}
psql=("${CUSTCLASS_TEST_PSQL:?}" -X -q -v ON_ERROR_STOP=1 -h "${CUSTCLASS_TEST_PG_HOST:?}"
      -p "${CUSTCLASS_TEST_PG_PORT:?}" -U postgres -d postgres)
mkdir -p "$work"

drop() {
    "${psql[@]}" -c "SET client_min_messages TO warning" \
        -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
        -c "DROP DATABASE IF EXISTS $typed_db WITH (FORCE)"
}

if [[ $mode == drop ]]; then
    drop
    exit 0
fi

python=${3:?the Python that has Tryton, Debian python3}
if ! command -v trytond-admin >/dev/null; then
    echo "trytond-admin is missing: install tryton-server and its modules (scripts/install-deps.sh)" >&2
    exit 1
fi
drop
"${psql[@]}" -c "CREATE DATABASE $db ENCODING 'UTF8' TEMPLATE template0"
uri="postgresql://postgres@$CUSTCLASS_TEST_PG_HOST:$CUSTCLASS_TEST_PG_PORT/"
printf '[database]\nuri = %s\n' "$uri" >"$work/trytond.conf"
# fill.py runs with a queue worker declared (none runs): a confirmed sale stays confirmed instead
# of being processed at once, so every state can be made.
printf '[database]\nuri = %s\n[queue]\nworker = True\n' "$uri" >"$work/trytond-fill.conf"
printf 'admin\n' >"$work/admin-password"
chmod 600 "$work/admin-password"
start=$SECONDS
if ! TRYTONPASSFILE="$work/admin-password" trytond-admin -c "$work/trytond.conf" -d "$db" --all \
        --email admin@example.com -u sale sale_opportunity marketing_email party_relationship \
        --activate-dependencies >"$work/trytond-admin.log" 2>&1; then
    tail -30 "$work/trytond-admin.log" >&2
    exit 1
fi
echo "trytond-admin: $((SECONDS - start)) s"
# A copy costs seconds where trytond-admin costs minutes; nothing is connected to $db now.
"${psql[@]}" -c "CREATE DATABASE $typed_db TEMPLATE $db"
fill() {  # DATABASE RECORD LOG [--without-phonenumbers]
    local start=$SECONDS
    if ! "$python" -W ignore "$here/fill.py" "$work/trytond-fill.conf" "$1" "$2" "${@:4}" \
            >"$3" 2>&1; then
        tail -30 "$3" >&2
        exit 1
    fi
    echo "fill.py $1: $((SECONDS - start)) s"
}
fill "$db" "${CUSTCLASS_TRYTON_RECORD:?}" "$work/fill.log"
fill "$typed_db" "${CUSTCLASS_TRYTON_AS_TYPED_RECORD:?}" "$work/fill-as-typed.log" \
    --without-phonenumbers
