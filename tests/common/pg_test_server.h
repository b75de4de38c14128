// The PostgreSQL server tests run against, and a fresh database on it per
// test.
//
// Under ctest, one server serves the whole run: the pg_server fixture
// (tests/CMakeLists.txt) starts it with tests/pg/pg_server.sh into the
// directory RAPPORT_TEST_PG_DIR names and stops it after. A test binary run
// on its own, without that variable, starts a server of its own on first
// use and stops it when it exits.
#ifndef RAPPORT_TESTS_COMMON_PG_TEST_SERVER_H_
#define RAPPORT_TESTS_COMMON_PG_TEST_SERVER_H_

#include <string>

#include "absl/status/statusor.h"

namespace rapport::testing {

// The URI of the server's "postgres" database, as superuser "rapport".
absl::StatusOr<std::string> TestPgServerUri();

// Creates a new, empty database on the test server, named after `label`
// (letters, digits and '_') and a counter unique in this run, and returns
// its URI. Databases are dropped with the server.
absl::StatusOr<std::string> NewTestPgDatabase(const std::string& label);

}  // namespace rapport::testing

#endif  // RAPPORT_TESTS_COMMON_PG_TEST_SERVER_H_
