# Every dependency comes from Debian 12 packages (see README.md); nothing is downloaded.
find_package(Threads REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(yaml-cpp 0.7 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(date REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS filesystem)

# libcsv (CSV files: enrichment tables, the host's feed command) has no CMake config either.
find_path(CSV_INCLUDE_DIR csv.h REQUIRED)
find_library(CSV_LIBRARY NAMES csv REQUIRED)

# NLopt (maximum-likelihood fits of the lifetime-value models; <nlopt.hpp> from libnlopt-cxx-dev).
# Debian ships two configs named NLopt, one per library: cmake/nlopt gives NLopt::nlopt, the C
# library the header-only C++ wrapper calls, cmake/nlopt_cxx gives NLopt::nlopt_cxx (the same API
# built with the C++ algorithms). Either serves.
find_package(NLopt CONFIG REQUIRED)
if(NOT TARGET NLopt::nlopt AND TARGET NLopt::nlopt_cxx)
  add_library(NLopt::nlopt ALIAS NLopt::nlopt_cxx)
endif()

# SOCI 4.0.3 ships neither a CMake config nor a pkg-config file. Its MySQL and PostgreSQL
# headers include the client libraries' headers, so those include directories come along.
find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
find_path(MARIADB_INCLUDE_DIR mysql.h PATH_SUFFIXES mariadb REQUIRED)
foreach(part core sqlite3 postgresql mysql)
  # The shared libraries: Debian's static SOCI archives are not position-independent.
  find_library(SOCI_${part}_LIBRARY NAMES libsoci_${part}.so soci_${part} REQUIRED)
endforeach()
# The MariaDB client library itself: the source streams large results with mysql_use_result.
find_library(MARIADB_LIBRARY NAMES mariadb REQUIRED)
add_library(soci INTERFACE)
target_include_directories(soci SYSTEM INTERFACE ${SOCI_INCLUDE_DIR} ${MARIADB_INCLUDE_DIR}
                           ${PostgreSQL_INCLUDE_DIRS})
target_link_libraries(soci INTERFACE ${SOCI_sqlite3_LIBRARY} ${SOCI_postgresql_LIBRARY}
                      ${SOCI_mysql_LIBRARY} ${SOCI_core_LIBRARY} ${MARIADB_LIBRARY} SQLite::SQLite3
                      PostgreSQL::PostgreSQL)

if(CUSTCLASS_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
