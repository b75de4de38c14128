// Helpers of the storage fault tests: the health a client sees, a lock held
// by another process, and what the database file holds (read on a
// connection of its own, outside the server).
#ifndef RAPPORT_TESTS_INTEGRATION_STORAGE_CHECKS_H_
#define RAPPORT_TESTS_INTEGRATION_STORAGE_CHECKS_H_

#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/generic/generic_stub.h"
#include "tests/integration/raw_call.h"

namespace rapport::testing {

// grpc.health.v1 Check of `service` ("" for the whole server): "SERVING",
// "NOT_SERVING", or what else came back.
inline std::string HealthOf(grpc::GenericStub& stub,
                            const std::string& service = "") {
  RawCall call(stub, "/grpc.health.v1.Health/Check");
  std::string request;
  if (!service.empty()) {
    request = absl::StrCat(
        "\x0a", std::string(1, static_cast<char>(service.size())), service);
  }
  if (!call.Write(request) || !call.WritesDone()) return "CALL FAILED";
  std::optional<std::string> response = call.Read();
  const grpc::Status status = call.Finish();
  if (!status.ok()) return absl::StrCat("ERROR ", status.error_code());
  if (!response.has_value()) return "NO RESPONSE";
  if (*response == std::string("\x08\x01", 2)) return "SERVING";
  if (*response == std::string("\x08\x02", 2)) return "NOT_SERVING";
  return "OTHER";
}

// Polls HealthOf(stub, service) until it says `want` or `patience` passes;
// returns the last answer.
inline std::string AwaitHealth(grpc::GenericStub& stub,
                               const std::string& service,
                               const std::string& want,
                               absl::Duration patience) {
  const absl::Time give_up = absl::Now() + patience;
  std::string seen = HealthOf(stub, service);
  while (seen != want && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(20));
    seen = HealthOf(stub, service);
  }
  return seen;
}

// The sqlite3 command-line shell, in a process of its own, holding the
// write lock of a database (BEGIN IMMEDIATE) until Release().
class LockHolder {
 public:
  // False (with `why`) when the shell cannot be run or takes no lock.
  bool Start(const std::string& db, const std::string& dir, std::string* why) {
    held_ = absl::StrCat(dir, "/lock_held");
    release_ = absl::StrCat(dir, "/lock_release");
    std::filesystem::remove(held_);
    std::filesystem::remove(release_);
    pipe_ =
        popen(absl::StrCat("sqlite3 '", db, "' >/dev/null 2>&1").c_str(), "w");
    if (pipe_ == nullptr) {
      *why = "cannot run sqlite3";
      return false;
    }
    // The marker is made only once BEGIN IMMEDIATE succeeded (.bail).
    std::fprintf(pipe_,
                 ".bail on\n.timeout 10000\nBEGIN IMMEDIATE;\n"
                 ".shell touch '%s'; while [ ! -e '%s' ]; do sleep 0.02; "
                 "done\nROLLBACK;\n",
                 held_.c_str(), release_.c_str());
    std::fflush(pipe_);
    const absl::Time give_up = absl::Now() + absl::Seconds(20);
    while (!std::filesystem::exists(held_) && absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    if (!std::filesystem::exists(held_)) {
      *why = "sqlite3 did not take the write lock";
      Release();
      return false;
    }
    return true;
  }
  void Release() {
    if (pipe_ == nullptr) return;
    std::ofstream(release_).put('\n');
    pclose(pipe_);
    pipe_ = nullptr;
  }
  ~LockHolder() { Release(); }

 private:
  FILE* pipe_ = nullptr;
  std::string held_;
  std::string release_;
};

// What the database file holds, read on a fresh read-only connection of
// SQLite's default VFS.
class DbInspector {
 public:
  explicit DbInspector(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) !=
        SQLITE_OK) {
      error_ = sqlite3_errmsg(db_);
    }
  }
  ~DbInspector() { sqlite3_close_v2(db_); }

  const std::string& error() const { return error_; }

  // The event ids of `tenant`.
  std::set<std::string> EventIds(const std::string& tenant) {
    std::set<std::string> ids;
    Each(absl::StrCat("SELECT event_id FROM events WHERE tenant = '", tenant,
                      "'"),
         [&](sqlite3_stmt* s) { ids.insert(Text(s, 0)); });
    return ids;
  }

  // Members whose daily counts do not add up to their events' quantities
  // (a half-applied batch), as "member: counts=X events=Y".
  std::set<std::string> MiscountedMembers(const std::string& tenant) {
    std::map<std::string, int64_t> counts, events;
    Each(absl::StrCat("SELECT member_id, SUM(count) FROM daily_counts "
                      "WHERE tenant = '",
                      tenant, "' GROUP BY member_id"),
         [&](sqlite3_stmt* s) {
           counts[Text(s, 0)] = sqlite3_column_int64(s, 1);
         });
    Each(absl::StrCat("SELECT member_id, SUM(quantity) FROM events "
                      "WHERE tenant = '",
                      tenant, "' GROUP BY member_id"),
         [&](sqlite3_stmt* s) {
           events[Text(s, 0)] = sqlite3_column_int64(s, 1);
         });
    std::set<std::string> wrong;
    for (const auto* side : {&counts, &events}) {
      for (const auto& [member, unused] : *side) {
        if (counts[member] != events[member]) {
          wrong.insert(absl::StrCat(member, ": counts=", counts[member],
                                    " events=", events[member]));
        }
      }
    }
    return wrong;
  }

  // The member's display name, or nullopt when there is no such member.
  std::optional<std::string> DisplayName(const std::string& tenant,
                                         const std::string& member) {
    std::optional<std::string> name;
    Each(absl::StrCat("SELECT display_name FROM members WHERE tenant = '",
                      tenant, "' AND member_id = '", member, "'"),
         [&](sqlite3_stmt* s) { name = Text(s, 0); });
    return name;
  }

 private:
  template <typename F>
  void Each(const std::string& sql, F row) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      error_ = absl::StrCat(sqlite3_errmsg(db_), " in ", sql);
      return;
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) row(stmt);
    if (rc != SQLITE_DONE)
      error_ = absl::StrCat(sqlite3_errmsg(db_), " in ", sql);
    sqlite3_finalize(stmt);
  }
  static std::string Text(sqlite3_stmt* s, int col) {
    const unsigned char* t = sqlite3_column_text(s, col);
    return t != nullptr ? reinterpret_cast<const char*>(t) : "";
  }

  sqlite3* db_ = nullptr;
  std::string error_;
};

}  // namespace rapport::testing

#endif  // RAPPORT_TESTS_INTEGRATION_STORAGE_CHECKS_H_
