#!/usr/bin/env bash
# Installs every Debian 12 package that building, running and testing custclass needs.
# Run as root on a fresh machine; it is safe to run again.
set -euo pipefail
packages=(
  build-essential cmake pkg-config git
  libsoci-dev libsqlite3-dev libpq-dev libmariadb-dev   # SOCI and its database clients
  libyaml-cpp-dev                                       # YAML configuration
  libhowardhinnant-date-dev tzdata                      # time zones (IANA database)
  libboost-dev libboost-filesystem-dev                  # Boost.DLL in the reference host
  nlohmann-json3-dev libcli11-dev libssl-dev            # JSON documents, command line, SHA-256
  libcsv-dev                                            # CSV files (enrichment tables, feed)
  libnlopt-cxx-dev                                      # maximum-likelihood fits of the lifetime-value models
  googletest libgtest-dev libgmock-dev libbenchmark-dev # tests and micro-benchmarks
  clang libclang-rt-14-dev                              # libFuzzer targets
  sqlite3 abigail-tools python3 php-cli                 # test tools and the example hosts
  php-sqlite3                                           # PDO SQLite: the PHP host writes its order
  python3-jsonschema python3-yaml                       # checking the YAML files against their JSON Schemas
  postgresql mariadb-server                             # the database servers the tests start
  tryton-server tryton-modules-sale tryton-proteus      # a real Tryton for the tryton preset's test
  tryton-modules-sale-opportunity tryton-modules-marketing-email
  tryton-modules-party-relationship python3-psycopg2
  python3-phonenumbers                                  # Tryton checks phones with it, as most sites do
  chromium                                              # renders the HTML report in its test
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
