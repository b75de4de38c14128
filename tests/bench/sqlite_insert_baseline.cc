// What SQLite alone costs for the rows rapportd stores: inserts the events of
// a JSON-lines file (rapport.v1.Event, as `rapport demo --write_jsonl`
// writes them) into a flat table with the columns and primary key of
// rapportd's events table, with one prepared INSERT, 500 rows per
// transaction, WAL and synchronous=FULL as rapportd's store opens it.
//
//   sqlite_insert_baseline EVENTS_JSONL DB_PATH
//
// DB_PATH must not exist. Parsing is not timed: only binding, stepping and
// committing. Prints `rows N`, `seconds S` and `rows_per_second R`, one per
// line; exits 1 with a message on stderr on any failure.

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "rapport/v1/activity.pb.h"

namespace {

constexpr size_t kRowsPerTransaction = 500;
constexpr char kTenant[] = "default";

// rapportd's writer pragmas (server/store/sqlite_store.cc).
constexpr char kSchema[] =
    "PRAGMA journal_mode = WAL;"
    "PRAGMA secure_delete = ON;"
    "PRAGMA synchronous = FULL;"
    "PRAGMA wal_autocheckpoint = 10000;"
    "PRAGMA journal_size_limit = 67108864;"
    "PRAGMA cache_size = -32768;"
    "CREATE TABLE events (tenant TEXT NOT NULL, event_id TEXT NOT NULL,"
    " member_id TEXT NOT NULL, occur_time INTEGER NOT NULL,"
    " type INTEGER NOT NULL, channel INTEGER NOT NULL,"
    " contact_id TEXT NOT NULL, seniority INTEGER NOT NULL,"
    " contact_industry TEXT NOT NULL, contact_region TEXT NOT NULL,"
    " contact_category INTEGER NOT NULL, thread_id TEXT NOT NULL,"
    " content_id TEXT NOT NULL, quantity INTEGER NOT NULL,"
    " PRIMARY KEY (tenant, event_id))";

constexpr char kInsert[] =
    "INSERT INTO events VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
    " ?12, ?13, ?14)";

absl::Status SqliteError(sqlite3* db, const char* what) {
  return absl::InternalError(absl::StrCat(what, ": ", sqlite3_errmsg(db)));
}

// An open database with the table and the prepared INSERT.
class Table {
 public:
  ~Table() {
    sqlite3_finalize(insert_);
    sqlite3_close_v2(db_);
  }

  absl::Status Open(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        nullptr) != SQLITE_OK) {
      return SqliteError(db_, "open");
    }
    if (sqlite3_exec(db_, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return SqliteError(db_, "schema");
    }
    if (sqlite3_prepare_v3(db_, kInsert, -1, SQLITE_PREPARE_PERSISTENT,
                           &insert_, nullptr) != SQLITE_OK) {
      return SqliteError(db_, "prepare");
    }
    return absl::OkStatus();
  }

  // Inserts `events` in one transaction.
  absl::Status InsertBatch(const std::vector<rapport::v1::Event>& events) {
    if (sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
      return SqliteError(db_, "begin");
    }
    for (const rapport::v1::Event& e : events) {
      Bind(e);
      if (sqlite3_step(insert_) != SQLITE_DONE) {
        return SqliteError(db_, "insert");
      }
      sqlite3_reset(insert_);
    }
    if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      return SqliteError(db_, "commit");
    }
    return absl::OkStatus();
  }

 private:
  void Text(int i, const std::string& s) {
    sqlite3_bind_text(insert_, i, s.data(), static_cast<int>(s.size()),
                      SQLITE_STATIC);
  }
  void Int(int i, int64_t v) { sqlite3_bind_int64(insert_, i, v); }

  void Bind(const rapport::v1::Event& e) {
    sqlite3_bind_text(insert_, 1, kTenant, -1, SQLITE_STATIC);
    Text(2, e.event_id());
    Text(3, e.member_id());
    Int(4, google::protobuf::util::TimeUtil::TimestampToMicroseconds(
               e.occur_time()));
    Int(5, e.type());
    Int(6, e.channel());
    Text(7, e.contact().contact_id());
    Int(8, e.contact().seniority());
    Text(9, e.contact().industry());
    Text(10, e.contact().region());
    Int(11, e.contact().category());
    Text(12, e.thread_id());
    Text(13, e.content_id());
    Int(14, e.quantity() == 0 ? 1 : e.quantity());
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
};

// Reads the file in batches, timing only the inserts.
absl::Status Run(const char* events_path, const char* db_path) {
  std::ifstream in(events_path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read ", events_path));
  }
  Table table;
  if (absl::Status s = table.Open(db_path); !s.ok()) return s;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  std::vector<rapport::v1::Event> batch;
  int64_t rows = 0;
  std::chrono::steady_clock::duration inserting{};
  std::string line;
  bool more = true;
  while (more) {
    batch.clear();
    while (batch.size() < kRowsPerTransaction &&
           (more = static_cast<bool>(std::getline(in, line)))) {
      if (line.empty()) continue;
      if (!google::protobuf::util::JsonStringToMessage(
               line, &batch.emplace_back(), options)
               .ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("line ", rows + batch.size(), " is not an Event"));
      }
    }
    if (batch.empty()) break;
    const auto start = std::chrono::steady_clock::now();
    if (absl::Status s = table.InsertBatch(batch); !s.ok()) return s;
    inserting += std::chrono::steady_clock::now() - start;
    rows += static_cast<int64_t>(batch.size());
  }
  const double seconds = std::chrono::duration<double>(inserting).count();
  std::printf("rows %lld\nseconds %.6f\nrows_per_second %.0f\n",
              static_cast<long long>(rows), seconds,
              seconds > 0 ? static_cast<double>(rows) / seconds : 0.0);
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s EVENTS_JSONL DB_PATH\n", argv[0]);
    return 2;
  }
  if (absl::Status s = Run(argv[1], argv[2]); !s.ok()) {
    std::fprintf(stderr, "sqlite_insert_baseline: %s\n",
                 std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}
