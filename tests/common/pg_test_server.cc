#include "tests/common/pg_test_server.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"

#ifndef RAPPORT_SOURCE_DIR
#error "RAPPORT_SOURCE_DIR must name the source tree"
#endif

namespace rapport::testing {
namespace {

std::string Script() {
  return absl::StrCat(RAPPORT_SOURCE_DIR, "/tests/pg/pg_server.sh");
}

// The directory of a server this process started itself; stopped at exit.
std::string* own_server_dir = nullptr;

void StopOwnServer() {
  if (own_server_dir == nullptr) return;
  std::string command =
      absl::StrCat(Script(), " stop '", *own_server_dir, "' >/dev/null 2>&1");
  (void)std::system(command.c_str());
  std::error_code ignored;
  std::filesystem::remove_all(
      std::filesystem::path(*own_server_dir).parent_path(), ignored);
}

absl::StatusOr<std::string> ReadPort(const std::string& dir) {
  std::ifstream in(std::filesystem::path(dir) / "port");
  std::string port;
  if (!(in >> port)) {
    return absl::FailedPreconditionError(
        absl::StrCat("no PostgreSQL test server in ", dir,
                     " (start one with tests/pg/pg_server.sh start DIR)"));
  }
  return port;
}

absl::StatusOr<std::string> StartOwnServer() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "rapport_pg_XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError("cannot make a directory for PostgreSQL");
  }
  // pg_server.sh makes the cluster in a subdirectory it owns; under root
  // the server's user must be able to reach it.
  chmod(pattern.c_str(), 0711);
  std::string dir = pattern + "/server";
  std::string command = absl::StrCat(Script(), " start '", dir, "' >/dev/null");
  if (std::system(command.c_str()) != 0) {
    return absl::UnavailableError(
        absl::StrCat("could not start PostgreSQL with ", Script()));
  }
  own_server_dir = new std::string(dir);
  std::atexit(StopOwnServer);
  return dir;
}

absl::StatusOr<std::string> ServerDir() {
  static absl::Mutex mu(absl::kConstInit);
  static std::string* dir = nullptr;
  absl::MutexLock lock(&mu);
  if (dir != nullptr) return *dir;
  const char* shared = std::getenv("RAPPORT_TEST_PG_DIR");
  if (shared != nullptr && *shared != '\0') {
    dir = new std::string(shared);
    return *dir;
  }
  absl::StatusOr<std::string> own = StartOwnServer();
  if (!own.ok()) return own.status();
  dir = new std::string(*own);
  return *dir;
}

}  // namespace

absl::StatusOr<std::string> TestPgServerUri() {
  absl::StatusOr<std::string> dir = ServerDir();
  if (!dir.ok()) return dir.status();
  absl::StatusOr<std::string> port = ReadPort(*dir);
  if (!port.ok()) return port.status();
  return absl::StrCat("postgresql://rapport@127.0.0.1:", *port, "/postgres");
}

absl::StatusOr<std::string> NewTestPgDatabase(const std::string& label) {
  absl::StatusOr<std::string> server = TestPgServerUri();
  if (!server.ok()) return server.status();
  static std::atomic<int> counter{0};
  const std::string name =
      absl::StrCat("t_", label, "_", getpid(), "_", counter.fetch_add(1));
  PGconn* conn = PQconnectdb(server->c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string error = PQerrorMessage(conn);
    PQfinish(conn);
    return absl::UnavailableError(
        absl::StrCat("cannot reach the PostgreSQL test server: ", error));
  }
  PGresult* result =
      PQexec(conn, absl::StrCat("CREATE DATABASE ", name).c_str());
  const bool created = PQresultStatus(result) == PGRES_COMMAND_OK;
  std::string error = created ? "" : PQresultErrorMessage(result);
  PQclear(result);
  PQfinish(conn);
  if (!created) {
    return absl::InternalError(
        absl::StrCat("CREATE DATABASE ", name, ": ", error));
  }
  return std::string(absl::StripSuffix(*server, "postgres")) + name;
}

}  // namespace rapport::testing
