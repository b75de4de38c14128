// `rapport admin copy` (store::pg::CopyDatabase): generated databases copied
// SQLite -> PostgreSQL -> SQLite keep every table's rows; a destination that
// holds data, a database in use and broken sources are refused with nothing
// written.
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/store/pg/pg_connection.h"
#include "server/store/pg/pg_copy.h"
#include "server/store/sqlite_store.h"
#include "tests/common/pg_test_server.h"
#include "tests/common/temp_dir.h"
#include "tests/unit/store/goal_test_data.h"
#include "tests/unit/store/store_test_data.h"

namespace rapport::store::pg {
namespace {

using ::rapport::testing::NewTestPgDatabase;
using ::rapport::testing::TempDir;
using store::testing::At;
using store::testing::MakeContact;
using store::testing::MakeEvent;
using store::testing::MakeMember;
using store::testing::MakeMessage;
using store::testing::MemberGoal;
using store::testing::TeamGoal;

std::unique_ptr<SqliteStore> OpenSqlite(const std::string& path) {
  SqliteStoreOptions options;
  options.path = path;
  options.reader_connections = 1;
  absl::StatusOr<std::unique_ptr<SqliteStore>> store =
      SqliteStore::Open(options);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

// Random members, events, history, feed, goals, keys, audit entries and
// erasures in two tenants, through the SQLite store's own methods.
void Generate(Store& store, uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&rng](int n) {
    return std::uniform_int_distribution<int>(0, n - 1)(rng);
  };
  auto real = [&rng] {
    return std::uniform_real_distribution<double>(0, 25)(rng);
  };
  for (const char* tenant : {"acme", "globex"}) {
    TenantRecord record;
    record.tenant_id = tenant;
    record.display_name = absl::StrCat("Tenant ", tenant, " \xc3\xa9\"'\\");
    record.rep_leaderboard = pick(4);
    record.create_time = At(pick(100));
    ApiKeyRecord key;
    key.key_id = absl::StrCat("k-", tenant, "-", seed);
    key.tenant = tenant;
    key.name = "first";
    key.role = "admin";
    key.secret_sha256_hex = std::string(64, 'a' + pick(6));
    key.create_time = record.create_time;
    ASSERT_TRUE(store.CreateTenant(record, &key).ok());
    AuditContext audit{"key:boss", "admin", "/rapport.v1.Test/Generate",
                       At(10)};
    const int members = 3 + pick(6);
    for (int m = 0; m < members; ++m) {
      model::Member member =
          MakeMember(absl::StrCat("m-", m), pick(2) ? "emea" : "amer");
      member.profile.connections_count = pick(900);
      ASSERT_TRUE(
          store.UpsertMember(tenant, member, At(pick(50)), &audit).ok());
      std::vector<model::Event> events;
      const int n = pick(40);
      for (int e = 0; e < n; ++e) {
        const std::string id = absl::StrCat("e-", m, "-", e);
        const absl::Time t = At(60 * 24 * pick(20) + pick(1000));
        if (pick(2) == 0) {
          events.push_back(MakeEvent(id, member.member_id,
                                     model::EventType::kPostPublished, t,
                                     1 + pick(3)));
        } else {
          events.push_back(
              MakeMessage(id, member.member_id, absl::StrCat("t-", pick(4)),
                          MakeContact(absl::StrCat("c-", pick(5))),
                          pick(2) ? model::EventType::kMessageSent
                                  : model::EventType::kMessageReceived,
                          t));
        }
      }
      ASSERT_TRUE(store.AppendEvents(tenant, events, &audit).ok());
      std::vector<model::ScoreSnapshot> history;
      for (int d = 0; d < pick(5); ++d) {
        model::ScoreSnapshot s;
        s.member_id = member.member_id;
        s.day = absl::CivilDay(2024, 3, 1 + d);
        s.pillars = {real(), real(), real(), real()};
        s.total = s.pillars[0] + s.pillars[1] + s.pillars[2] + s.pillars[3];
        s.model_version = "v1";
        history.push_back(s);
      }
      ASSERT_TRUE(store.WriteScoreSnapshots(tenant, history).ok());
      if (pick(2) == 0) {
        ASSERT_TRUE(
            store
                .CreateGoal(tenant,
                            MemberGoal(absl::StrCat("g-", m), member.member_id,
                                       At(9000), real() * 4),
                            &audit)
                .ok());
      }
    }
    ASSERT_TRUE(
        store.CreateGoal(tenant, TeamGoal("g-team", "emea", At(8000)), &audit)
            .ok());
    std::vector<ScoreFeedRow> feed;
    for (int m = 0; m < members; ++m) {
      ScoreFeedRow row;
      row.member_id = absl::StrCat("m-", m);
      row.team = "emea";
      row.ssi = real() * 4;
      row.pillars = {real(), real(), real(), real()};
      feed.push_back(row);
    }
    ASSERT_TRUE(store.WriteScoreFeed(tenant, feed, At(500)).ok());
    ASSERT_TRUE(store
                    .EraseContact(tenant, absl::StrCat("c-", pick(5)),
                                  At(40000), &audit)
                    .ok());
    if (pick(2) == 0) {
      ASSERT_TRUE(store.DeleteMember(tenant, "m-0", &audit).ok());
    }
    ASSERT_TRUE(
        store.SetRecordedThrough(tenant, absl::CivilDay(2024, 3, 4)).ok());
    ApiKeyRecord second = key;
    second.key_id = absl::StrCat(key.key_id, "-2");
    second.role = "manager";
    second.teams = {"emea", "amer"};
    second.expire_time = At(99999);
    ASSERT_TRUE(store.InsertApiKey(second, &audit).ok());
    ASSERT_TRUE(
        store.RevokeApiKey(tenant, second.key_id, At(700), &audit).ok());
  }
}

void ExpectSameTables(const std::vector<TableCopy>& want,
                      const std::vector<TableCopy>& got) {
  ASSERT_EQ(want.size(), got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(want[i].table, got[i].table);
    EXPECT_EQ(want[i].source_rows, got[i].source_rows) << want[i].table;
    EXPECT_EQ(want[i].source_checksum, got[i].source_checksum) << want[i].table;
  }
}

int64_t Rows(const std::vector<TableCopy>& tables, const std::string& name) {
  for (const TableCopy& t : tables) {
    if (t.table == name) return t.source_rows;
  }
  return -1;
}

CopyReport MustCopy(const std::string& from, const std::string& to) {
  CopyOptions options;
  options.from = from;
  options.to = to;
  options.batch_rows = 7;  // Many batches even for small tables.
  absl::StatusOr<CopyReport> report = CopyDatabase(options);
  EXPECT_TRUE(report.ok()) << report.status();
  if (!report.ok()) return CopyReport();
  EXPECT_TRUE(report->committed);
  for (const TableCopy& t : report->tables) EXPECT_TRUE(t.ok()) << t.table;
  return *std::move(report);
}

absl::StatusOr<CopyReport> Copy(const std::string& from,
                                const std::string& to) {
  CopyOptions options;
  options.from = from;
  options.to = to;
  return CopyDatabase(options);
}

class DbCopyTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(DbCopyTest, SqliteToPostgresToSqliteKeepsEveryTable) {
  TempDir dir;
  const std::string source = dir.File("source.db");
  {
    std::unique_ptr<SqliteStore> store = OpenSqlite(source);
    ASSERT_NE(store, nullptr);
    Generate(*store, GetParam());
    if (HasFatalFailure()) return;
  }
  absl::StatusOr<std::vector<TableCopy>> original = ChecksumDatabase(source);
  ASSERT_TRUE(original.ok()) << original.status();
  for (const char* table : {"members", "events", "threads", "contacts",
                            "daily_counts", "score_history", "audit_log",
                            "erasures", "goals", "score_changes", "api_keys"}) {
    EXPECT_GT(Rows(*original, table), 0) << table;
  }
  absl::StatusOr<std::string> pg = NewTestPgDatabase("copy_round_trip");
  ASSERT_TRUE(pg.ok()) << pg.status();

  MustCopy(source, *pg);
  absl::StatusOr<std::vector<TableCopy>> in_pg = ChecksumDatabase(*pg);
  ASSERT_TRUE(in_pg.ok()) << in_pg.status();
  ExpectSameTables(*original, *in_pg);

  const std::string back = dir.File("back.db");
  MustCopy(*pg, back);
  absl::StatusOr<std::vector<TableCopy>> in_back = ChecksumDatabase(back);
  ASSERT_TRUE(in_back.ok()) << in_back.status();
  ExpectSameTables(*original, *in_back);

  // New audit entries are numbered after the copied ones on both sides.
  absl::StatusOr<std::unique_ptr<Connection>> conn = Connection::Open(*pg);
  ASSERT_TRUE(conn.ok());
  absl::StatusOr<Result> max = (*conn)->Exec("SELECT max(id) FROM audit_log");
  ASSERT_TRUE(max.ok());
  absl::StatusOr<Result> next = (*conn)->Exec(
      "INSERT INTO audit_log (tenant, time, principal, role, method, target, "
      "detail) VALUES ('acme', 0, '', '', '', '', '') RETURNING id");
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_GT(next->Int(0, 0), max->Int(0, 0));
  std::unique_ptr<SqliteStore> reopened = OpenSqlite(back);
  ASSERT_NE(reopened, nullptr);
  AuditEntry entry;
  entry.tenant = "acme";
  entry.time = At(1);
  ASSERT_TRUE(reopened->AppendAudit({entry}).ok());
  AuditQuery query;
  query.page_size = 1;
  absl::StatusOr<AuditPage> page = reopened->ListAudit("acme", query);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_GT(page->entries[0].id, max->Int(0, 0));
}

INSTANTIATE_TEST_SUITE_P(Seeds, DbCopyTest, ::testing::Values(1u, 2u, 3u));

TEST(DbCopyRefusalTest, NonEmptyDestinationIsRefusedAndKept) {
  TempDir dir;
  const std::string source = dir.File("source.db");
  const std::string other = dir.File("other.db");
  for (const std::string& path : {source, other}) {
    std::unique_ptr<SqliteStore> store = OpenSqlite(path);
    ASSERT_NE(store, nullptr);
    Generate(*store, path == source ? 7 : 8);
    if (HasFatalFailure()) return;
  }
  absl::StatusOr<std::string> pg = NewTestPgDatabase("copy_non_empty");
  ASSERT_TRUE(pg.ok()) << pg.status();
  MustCopy(other, *pg);
  absl::StatusOr<std::vector<TableCopy>> before_pg = ChecksumDatabase(*pg);
  absl::StatusOr<std::vector<TableCopy>> before_file = ChecksumDatabase(other);
  ASSERT_TRUE(before_pg.ok() && before_file.ok());

  absl::StatusOr<CopyReport> into_pg = Copy(source, *pg);
  EXPECT_EQ(into_pg.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(into_pg.status().message().find("--to"), std::string::npos);
  EXPECT_NE(into_pg.status().message().find("members"), std::string::npos);
  absl::StatusOr<CopyReport> into_file = Copy(source, other);
  EXPECT_EQ(into_file.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(into_file.status().message().find("events"), std::string::npos);

  absl::StatusOr<std::vector<TableCopy>> after_pg = ChecksumDatabase(*pg);
  absl::StatusOr<std::vector<TableCopy>> after_file = ChecksumDatabase(other);
  ASSERT_TRUE(after_pg.ok() && after_file.ok());
  ExpectSameTables(*before_pg, *after_pg);
  ExpectSameTables(*before_file, *after_file);
}

TEST(DbCopyRefusalTest, BrokenSourcesAreNamedAndLeaveNoDestination) {
  TempDir dir;
  const std::string to = dir.File("to.db");
  absl::StatusOr<CopyReport> missing = Copy(dir.File("missing.db"), to);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.status().message().rfind("--from", 0), 0u)
      << missing.status();

  const std::string junk = dir.File("junk.db");
  std::ofstream(junk) << std::string(8192, 'x');
  absl::StatusOr<CopyReport> not_db = Copy(junk, to);
  EXPECT_EQ(not_db.status().code(), absl::StatusCode::kInvalidArgument)
      << not_db.status();
  EXPECT_EQ(not_db.status().message().rfind("--from", 0), 0u);

  absl::StatusOr<CopyReport> no_server =
      Copy("postgresql://rapport@127.0.0.1:1/none?connect_timeout=2", to);
  EXPECT_EQ(no_server.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(no_server.status().message().rfind("--from", 0), 0u)
      << no_server.status();

  // Not a Rapport database: a PostgreSQL database without the schema.
  absl::StatusOr<std::string> bare = NewTestPgDatabase("copy_bare");
  ASSERT_TRUE(bare.ok());
  absl::StatusOr<CopyReport> no_schema = Copy(*bare, to);
  EXPECT_EQ(no_schema.status().code(), absl::StatusCode::kFailedPrecondition);

  EXPECT_FALSE(std::ifstream(to).good()) << "the destination was left behind";

  absl::StatusOr<CopyReport> same = Copy(to, to);
  EXPECT_EQ(same.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(DbCopyRefusalTest, SqliteDatabaseInUseIsRefused) {
  TempDir dir;
  const std::string source = dir.File("source.db");
  std::unique_ptr<SqliteStore> serving = OpenSqlite(source);
  ASSERT_NE(serving, nullptr);
  ASSERT_TRUE(serving->UpsertMember("acme", MakeMember("m-1"), At(1)).ok());
  absl::StatusOr<std::string> pg = NewTestPgDatabase("copy_in_use");
  ASSERT_TRUE(pg.ok());
  absl::StatusOr<CopyReport> report = Copy(source, *pg);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kAborted)
      << report.status();
  serving.reset();
  absl::StatusOr<std::vector<TableCopy>> in_pg = ChecksumDatabase(*pg);
  ASSERT_TRUE(in_pg.ok());
  EXPECT_EQ(Rows(*in_pg, "members"), 0);
  MustCopy(source, *pg);
}

}  // namespace
}  // namespace rapport::store::pg
