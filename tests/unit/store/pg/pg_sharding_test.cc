// The sharding rules of the PostgreSQL schema and of the statements the
// PgStore runs (docs/scale-out.md), against a live server: what lets every
// table but the reference tables be distributed by tenant (Citus) with each
// statement running on the one shard of its tenant.
//
// The catalog: every distributed table has a `tenant` column that leads its
// primary key and every one of its indexes; foreign keys between
// distributed tables include tenant; no reference table points at a
// distributed one. The statements: every statement the store ran over a
// workload that calls each Store method (captured by pg_stat_statements)
// binds each distributed table it touches to one tenant parameter
// (sql_tenant_rules.h).
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/common/clock.h"
#include "server/store/pg/pg_connection.h"
#include "server/store/pg/pg_migrations.h"
#include "server/store/pg/pg_store.h"
#include "server/store/store.h"
#include "tests/common/pg_test_server.h"
#include "tests/unit/store/goal_test_data.h"
#include "tests/unit/store/pg/sql_tenant_rules.h"
#include "tests/unit/store/store_test_data.h"

namespace rapport::store::testing {
namespace {

using pg::Connection;
using pg::Params;
using pg::Result;

std::unique_ptr<Connection> Connect(const std::string& uri) {
  absl::StatusOr<std::unique_ptr<Connection>> conn = Connection::Open(uri);
  EXPECT_TRUE(conn.ok()) << conn.status();
  return conn.ok() ? *std::move(conn) : nullptr;
}

Result Query(Connection& conn, const std::string& sql) {
  absl::StatusOr<Result> result = conn.Exec(sql);
  EXPECT_TRUE(result.ok()) << result.status() << " for " << sql;
  return result.ok() ? *std::move(result) : Result();
}

std::set<std::string> ReferenceTables() {
  std::set<std::string> tables(pg::PgReferenceTables().begin(),
                               pg::PgReferenceTables().end());
  tables.insert("schema_migrations");
  return tables;
}

// The tables of the public schema that are not reference tables.
std::set<std::string> DistributedTables(Connection& conn) {
  const std::set<std::string> reference = ReferenceTables();
  Result tables = Query(conn,
                        "SELECT table_name FROM information_schema.tables "
                        "WHERE table_schema = 'public' "
                        "AND table_type = 'BASE TABLE'");
  std::set<std::string> out;
  for (int i = 0; i < tables.rows(); ++i) {
    if (!reference.count(tables.String(i, 0))) out.insert(tables.String(i, 0));
  }
  return out;
}

// Every way the schema breaks the catalog rules, one line each.
std::vector<std::string> CatalogViolations(Connection& conn) {
  const std::set<std::string> distributed = DistributedTables(conn);
  std::vector<std::string> out;
  Result columns = Query(conn,
                         "SELECT table_name FROM information_schema.columns "
                         "WHERE table_schema = 'public' "
                         "AND column_name = 'tenant'");
  std::set<std::string> with_tenant;
  for (int i = 0; i < columns.rows(); ++i) {
    with_tenant.insert(columns.String(i, 0));
  }
  for (const std::string& table : distributed) {
    if (!with_tenant.count(table)) {
      out.push_back(absl::StrCat(table, ": no tenant column"));
    }
  }
  // Each index (the primary key's included) and its first column; NULL for
  // an expression.
  Result indexes =
      Query(conn,
            "SELECT t.relname, ix.relname, i.indisprimary::int, a.attname "
            "FROM pg_index i "
            "JOIN pg_class t ON t.oid = i.indrelid "
            "JOIN pg_class ix ON ix.oid = i.indexrelid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace "
            "LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "  AND a.attnum = i.indkey[0] "
            "WHERE n.nspname = 'public'");
  std::set<std::string> with_primary_key;
  for (int i = 0; i < indexes.rows(); ++i) {
    const std::string table = indexes.String(i, 0);
    if (!distributed.count(table)) continue;
    if (indexes.Bool(i, 2)) with_primary_key.insert(table);
    if (indexes.IsNull(i, 3) || indexes.String(i, 3) != "tenant") {
      out.push_back(absl::StrCat(table, ": index ", indexes.String(i, 1),
                                 " does not lead with tenant"));
    }
  }
  for (const std::string& table : distributed) {
    if (!with_primary_key.count(table)) {
      out.push_back(absl::StrCat(table, ": no primary key"));
    }
  }
  Result keys =
      Query(conn,
            "SELECT c.conname, src.relname, dst.relname, "
            "  EXISTS (SELECT 1 FROM unnest(c.conkey) k JOIN pg_attribute a "
            "    ON a.attrelid = c.conrelid AND a.attnum = k "
            "    WHERE a.attname = 'tenant')::int "
            "FROM pg_constraint c "
            "JOIN pg_class src ON src.oid = c.conrelid "
            "JOIN pg_class dst ON dst.oid = c.confrelid "
            "JOIN pg_namespace n ON n.oid = src.relnamespace "
            "WHERE c.contype = 'f' AND n.nspname = 'public'");
  for (int i = 0; i < keys.rows(); ++i) {
    const bool from_distributed = distributed.count(keys.String(i, 1)) > 0;
    const bool to_distributed = distributed.count(keys.String(i, 2)) > 0;
    if (from_distributed && to_distributed && !keys.Bool(i, 3)) {
      out.push_back(absl::StrCat(keys.String(i, 1), ": foreign key ",
                                 keys.String(i, 0), " to ", keys.String(i, 2),
                                 " without tenant"));
    }
    if (!from_distributed && to_distributed) {
      out.push_back(absl::StrCat(keys.String(i, 1), ": foreign key ",
                                 keys.String(i, 0), " from a reference table",
                                 " to ", keys.String(i, 2)));
    }
  }
  return out;
}

TEST(PgShardingTest, CatalogCheckCatchesEachBrokenRule) {
  absl::StatusOr<std::string> uri =
      ::rapport::testing::NewTestPgDatabase("sharding_broken");
  ASSERT_TRUE(uri.ok()) << uri.status();
  std::unique_ptr<Connection> conn = Connect(*uri);
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(conn->ExecScript(R"sql(
    CREATE TABLE tenants (tenant TEXT PRIMARY KEY);
    CREATE TABLE good (tenant TEXT, id TEXT, v TEXT, PRIMARY KEY (tenant, id));
    CREATE INDEX good_by_v ON good (tenant, v);
    CREATE TABLE no_tenant (id TEXT PRIMARY KEY);
    CREATE TABLE key_without_tenant (tenant TEXT, id TEXT PRIMARY KEY);
    CREATE TABLE no_key (tenant TEXT, id TEXT);
    CREATE TABLE bad_index (tenant TEXT, id TEXT, v TEXT,
                            PRIMARY KEY (tenant, id));
    CREATE INDEX bad_index_by_v ON bad_index (v, tenant);
    CREATE UNIQUE INDEX bad_index_by_lower ON bad_index (lower(v));
    CREATE TABLE bad_reference (tenant TEXT, id TEXT, good_id TEXT,
      PRIMARY KEY (tenant, id),
      CONSTRAINT bad_reference_good UNIQUE (tenant, good_id));
    CREATE TABLE points_without_tenant (tenant TEXT, id TEXT, rid TEXT,
      PRIMARY KEY (tenant, id));
    ALTER TABLE good ADD CONSTRAINT good_id UNIQUE (tenant, id, v);
    CREATE TABLE single (id TEXT PRIMARY KEY, tenant TEXT);
    ALTER TABLE points_without_tenant ADD CONSTRAINT points_fk
      FOREIGN KEY (rid) REFERENCES single (id);
    CREATE TABLE api_keys (key_id TEXT PRIMARY KEY, tenant TEXT,
      CONSTRAINT api_keys_to_good FOREIGN KEY (tenant, key_id)
        REFERENCES good (tenant, id));
  )sql")
                  .ok());
  const std::vector<std::string> violations = CatalogViolations(*conn);
  const std::string all = absl::StrJoin(violations, "\n");
  for (const char* expected : {
           "no_tenant: no tenant column",
           "key_without_tenant: index key_without_tenant_pkey does not lead",
           "no_key: no primary key",
           "bad_index: index bad_index_by_v does not lead",
           "bad_index: index bad_index_by_lower does not lead",
           "points_without_tenant: foreign key points_fk to single without",
           "api_keys: foreign key api_keys_to_good from a reference table",
       }) {
    EXPECT_NE(all.find(expected), std::string::npos)
        << "missing: " << expected << "\nfound:\n"
        << all;
  }
  for (const std::string& v : violations) {
    EXPECT_EQ(v.find("good:"), std::string::npos) << v;
    EXPECT_EQ(v.find("bad_reference"), std::string::npos) << v;
  }
}

TEST(PgShardingTest, SchemaKeepsTheShardingRules) {
  absl::StatusOr<std::string> uri =
      ::rapport::testing::NewTestPgDatabase("sharding_schema");
  ASSERT_TRUE(uri.ok()) << uri.status();
  pg::PgStoreOptions options;
  options.uri = *uri;
  options.connections = 2;
  absl::StatusOr<std::unique_ptr<pg::PgStore>> store =
      pg::PgStore::Open(options);
  ASSERT_TRUE(store.ok()) << store.status();
  std::unique_ptr<Connection> conn = Connect(*uri);
  ASSERT_NE(conn, nullptr);
  // The schema has distributed tables at all, and every reference table.
  const std::set<std::string> distributed = DistributedTables(*conn);
  EXPECT_TRUE(distributed.count("members")) << absl::StrJoin(distributed, ",");
  EXPECT_TRUE(distributed.count("events"));
  EXPECT_TRUE(distributed.count("member_changes"));
  Result reference = Query(*conn,
                           "SELECT count(*) FROM information_schema.tables "
                           "WHERE table_schema = 'public' AND table_name "
                           "IN ('tenants', 'api_keys', 'schema_migrations')");
  EXPECT_EQ(reference.Int(0, 0), 3);
  const std::vector<std::string> violations = CatalogViolations(*conn);
  EXPECT_TRUE(violations.empty()) << absl::StrJoin(violations, "\n");
}

// The statement checker on statements of known standing.
TEST(PgShardingTest, StatementCheckerTellsBoundFromUnbound) {
  const std::set<std::string> distributed = {"members", "events", "threads",
                                             "daily_counts"};
  for (const char* good : {
           "SELECT pg_advisory_lock($1)",
           "SELECT * FROM tenants WHERE tenant = $1",
           "SELECT * FROM members WHERE tenant = $1 AND member_id = $2",
           "SELECT * FROM members m WHERE m.tenant = $1 ORDER BY member_id",
           "SELECT * FROM members WHERE (tenant = $1 AND team = $2) LIMIT $3",
           "SELECT e.* FROM events e JOIN members m ON m.tenant = e.tenant "
           "AND m.member_id = e.member_id WHERE e.tenant = $1",
           "SELECT * FROM events e JOIN members m USING (tenant, member_id) "
           "WHERE e.tenant = $1",
           "SELECT * FROM events, members WHERE events.tenant = $1 AND "
           "members.tenant = events.tenant",
           "INSERT INTO members (tenant, member_id) VALUES ($1, $2) "
           "ON CONFLICT (tenant, member_id) DO UPDATE SET team = $3",
           "INSERT INTO events (member_id, tenant) SELECT m, $1::text FROM "
           "unnest($2::text[]) AS u(m)",
           "INSERT INTO daily_counts (tenant, member_id, n) SELECT tenant, "
           "member_id, count(*) FROM events WHERE tenant = $1 GROUP BY 1, 2",
           "INSERT INTO events (tenant, member_id) SELECT DISTINCT ON "
           "(u.m, u.d) $1, u.m FROM unnest($2::text[], $3::int[]) AS u(m, d)",
           "UPDATE members SET event_count = event_count + 1 WHERE tenant = $1 "
           "AND member_id = ANY($2)",
           "DELETE FROM threads t USING events e WHERE t.tenant = $1 AND "
           "e.tenant = t.tenant",
           "WITH gone AS (DELETE FROM events WHERE tenant = $1 RETURNING "
           "member_id) SELECT count(*) FROM gone",
           "SELECT 1 FROM members WHERE tenant = $1 AND EXISTS (SELECT 1 FROM "
           "events WHERE events.tenant = members.tenant)",
       }) {
    EXPECT_TRUE(TenantRuleViolations(good, distributed).empty())
        << good << "\n"
        << absl::StrJoin(TenantRuleViolations(good, distributed), "\n");
  }
  for (const char* bad : {
           "SELECT DISTINCT tenant FROM members ORDER BY tenant",
           "SELECT * FROM members WHERE member_id = $1",
           "SELECT * FROM members WHERE tenant = $1 OR team = $2",
           "SELECT * FROM members WHERE tenant = ANY($1)",
           "SELECT * FROM members m WHERE tenant IN (SELECT tenant FROM "
           "events)",
           "SELECT e.* FROM events e JOIN members m ON m.member_id = "
           "e.member_id WHERE e.tenant = $1",
           "SELECT * FROM events e, members m WHERE e.tenant = $1 AND "
           "m.tenant = $2",
           "INSERT INTO members (member_id) VALUES ($1)",
           "INSERT INTO members VALUES ($1, $2)",
           "INSERT INTO events (tenant, member_id) SELECT t, m FROM "
           "unnest($1::text[], $2::text[]) AS u(t, m)",
           "UPDATE members SET team = $2 WHERE member_id = $1",
           "DELETE FROM events WHERE occur_time < $1",
           "SELECT count(*) FROM members WHERE tenant = $1 AND member_id IN "
           "(SELECT member_id FROM events WHERE occur_time > $2)",
           "TRUNCATE members",
           "DELETE FROM events WHERE (tenant, event_id) IN (SELECT tenant, "
           "event_id FROM events WHERE tenant = $1 LIMIT $2)",
           "WITH RECURSIVE t (tenant) AS (SELECT min(tenant) FROM members "
           "UNION ALL SELECT (SELECT min(tenant) FROM members WHERE tenant > "
           "t.tenant) FROM t WHERE t.tenant IS NOT NULL) SELECT tenant FROM t",
       }) {
    EXPECT_FALSE(TenantRuleViolations(bad, distributed).empty()) << bad;
  }
}

// Checks `status` of one Store call of the workload.
void Ok(const absl::Status& status, const char* call) {
  EXPECT_TRUE(status.ok()) << call << ": " << status;
}
template <typename T>
void Ok(const absl::StatusOr<T>& result, const char* call) {
  Ok(result.status(), call);
}

// Calls every Store method with data that reaches its main paths (creates,
// updates, duplicates, erasures, retention, the change log), for two
// tenants.
void RunWorkload(Store& store, const std::string& backup_dir) {
  const AuditContext audit{"key:boss", "admin", "/rapport.v1.Test/Call",
                           OnDay(20)};
  const TenantId acme = "acme", globex = "globex";
  TenantRecord tenant;
  tenant.tenant_id = acme;
  tenant.display_name = "Acme";
  tenant.create_time = OnDay(1);
  ApiKeyRecord key;
  key.key_id = "k1";
  key.tenant = acme;
  key.name = "first";
  key.role = "admin";
  key.secret_sha256_hex = std::string(64, 'a');
  key.create_time = OnDay(1);
  key.created_by = "operator";
  Ok(store.CreateTenant(tenant, &key, &audit), "CreateTenant");
  tenant.tenant_id = globex;
  Ok(store.CreateTenant(tenant, nullptr, nullptr), "CreateTenant");
  Ok(store.FindTenant(acme), "FindTenant");
  ApiKeyRecord manager = key;
  manager.key_id = "k2";
  manager.role = "manager";
  manager.teams = {"emea", "apac"};
  manager.expire_time = OnDay(40);
  Ok(store.InsertApiKey(manager, &audit), "InsertApiKey");
  ApiKeyRecord rep = key;
  rep.key_id = "k3";
  rep.role = "rep";
  rep.member_id = "m2";
  Ok(store.InsertApiKey(rep, &audit), "InsertApiKey");
  Ok(store.FindApiKey("k2"), "FindApiKey");
  Ok(store.ListApiKeys(acme), "ListApiKeys");
  Ok(store.RecordApiKeyUse("k2", OnDay(3)), "RecordApiKeyUse");
  Ok(store.RevokeApiKey(acme, "k2", OnDay(4), &audit), "RevokeApiKey");

  for (const TenantId& t : {acme, globex}) {
    Ok(store.UpsertMember(t, MakeMember("m1"), OnDay(1), &audit),
       "UpsertMember");
    Ok(store.UpsertMembers(t,
                           {MakeMember("m2", "apac"), MakeMember("m3"),
                            MakeMember("m1", "emea", "finance")},
                           OnDay(2), &audit),
       "UpsertMembers");
  }
  Ok(store.GetMember(acme, "m1"), "GetMember");
  ListMembersQuery by_team;
  by_team.team = "emea";
  by_team.page_size = 1;
  Ok(store.ListMembers(acme, by_team), "ListMembers");
  ListMembersQuery by_industry;
  by_industry.industry = "software";
  by_industry.after_member_id = "m1";
  Ok(store.ListMembers(acme, by_industry), "ListMembers");

  const model::Contact ceo = MakeContact("c1");
  const model::Contact cto = MakeContact("c2", Seniority::kCSuite);
  std::vector<model::Event> events = {
      MakeEvent("e1", "m1", EventType::kPostPublished, OnDay(2, 9)),
      MakeMessage("e2", "m1", "t1", ceo, EventType::kMessageSent, OnDay(3, 9)),
      MakeMessage("e3", "m1", "t1", ceo, EventType::kMessageReceived,
                  OnDay(4, 9)),
      MakeMessage("e4", "m2", "t2", cto, EventType::kMessageSent, OnDay(5, 9)),
      MakeContactEvent("e5", "m2", cto, EventType::kConnectionRequestSent,
                       OnDay(6, 9)),
      MakeEvent("e6", "nobody", EventType::kPostPublished, OnDay(6, 9)),
      MakeEvent("e1", "m1", EventType::kPostPublished, OnDay(2, 9)),
  };
  Ok(store.AppendEvents(acme, events, &audit), "AppendEvents");
  std::vector<model::Event> more = {
      MakeEvent("e7", "m3", EventType::kCommentMade, OnDay(7, 9)),
      MakeMessage("e8", "m3", "t3", ceo, EventType::kFollowUpSent, OnDay(8, 9)),
  };
  std::vector<model::Event> theirs = {
      MakeEvent("e1", "m1", EventType::kPostPublished, OnDay(2, 9)),
      MakeEvent("e9", "m2", EventType::kCommentMade, OnDay(9, 9))};
  const EventBatch batches[] = {{acme, more, &audit},
                                {globex, theirs, nullptr}};
  for (const auto& result : store.AppendEventBatches(batches)) {
    Ok(result, "AppendEventBatches");
  }
  Ok(store.ReadActivity(acme, "m1", OnDay(1), OnDay(9, 12)), "ReadActivity");
  Ok(store.ReadActivity(acme, "m2", OnDay(1), OnDay(30)), "ReadActivity");

  Ok(store.ListTenants(), "ListTenants");
  std::vector<model::ScoreSnapshot> snapshots;
  for (int day = 1; day <= 3; ++day) {
    for (const char* member : {"m1", "m2", "gone"}) {
      model::ScoreSnapshot s;
      s.member_id = member;
      s.day = absl::CivilDay(2024, 3, day);
      s.total = 40 + day;
      s.pillars = {10, 10, 10, 10 + static_cast<double>(day)};
      s.model_version = "v1";
      snapshots.push_back(s);
    }
  }
  Ok(store.WriteScoreSnapshots(acme, snapshots), "WriteScoreSnapshots");
  Ok(store.ReadScoreHistory(acme, "m1", absl::CivilDay(2024, 3, 1),
                            absl::CivilDay(2024, 3, 31)),
     "ReadScoreHistory");
  Ok(store.ReadScoresOfDay(acme, absl::CivilDay(2024, 3, 2)),
     "ReadScoresOfDay");
  absl::StatusOr<std::vector<HistoryWork>> work =
      store.ListHistoryWork(acme, 10);
  Ok(work, "ListHistoryWork");
  if (work.ok() && !work->empty()) {
    Ok(store.CompleteHistoryWork(acme, work->front()), "CompleteHistoryWork");
    Ok(store.CompleteHistoryWorkBatch(acme, *work), "CompleteHistoryWorkBatch");
  }
  Ok(store.SetRecordedThrough(acme, absl::CivilDay(2024, 3, 3)),
     "SetRecordedThrough");
  Ok(store.RecordedThrough(acme), "RecordedThrough");

  std::vector<ScoreFeedRow> feed(2);
  feed[0].member_id = "m1";
  feed[0].team = "emea";
  feed[0].ssi = 50;
  feed[1].member_id = "m2";
  feed[1].team = "apac";
  feed[1].ssi = 45;
  Ok(store.WriteScoreFeed(acme, feed, OnDay(5)), "WriteScoreFeed");
  feed[0].ssi = 52;
  Ok(store.WriteScoreFeed(acme, feed, OnDay(6)), "WriteScoreFeed");
  Ok(store.ReadScoreFeed(acme), "ReadScoreFeed");
  Ok(store.ScoreFeedSeq(acme), "ScoreFeedSeq");
  ScoreFeedQuery feed_query;
  feed_query.team = "emea";
  feed_query.page_size = 1;
  Ok(store.ListScoreFeed(acme, feed_query), "ListScoreFeed");
  feed_query.team = "";
  feed_query.after_seq = 1;
  feed_query.upto_seq = 4;
  feed_query.after_member_id = "m1";
  Ok(store.ListScoreFeed(acme, feed_query), "ListScoreFeed");

  Ok(store.CreateGoal(acme, MemberGoal("g_0000000000000001", "m1", OnDay(30)),
                      &audit),
     "CreateGoal");
  Ok(store.CreateGoal(acme, TeamGoal("g_0000000000000002", "emea", OnDay(31)),
                      &audit),
     "CreateGoal");
  Ok(store.CreateGoal(acme, MemberGoal("g_0000000000000003", "m2", OnDay(32)),
                      &audit),
     "CreateGoal");
  Ok(store.ListGoals(acme, GoalFilter()), "ListGoals");
  Ok(store.ListGoals(acme, GoalFilter::ById("g_0000000000000001")),
     "ListGoals");
  GoalFilter of_member;
  of_member.member_id = "m1";
  Ok(store.ListGoals(acme, of_member), "ListGoals");
  GoalFilter of_team;
  of_team.team = "emea";
  Ok(store.ListGoals(acme, of_team), "ListGoals");
  Ok(store.DeleteGoal(acme, "g_0000000000000002", &audit), "DeleteGoal");

  AuditEntry entry;
  entry.tenant = acme;
  entry.time = OnDay(10);
  entry.principal = "key:k1";
  entry.role = "admin";
  entry.method = "/rapport.v1.Test/Read";
  entry.target = "member:m1";
  entry.detail = "read";
  AuditEntry other = entry;
  other.tenant = globex;
  Ok(store.AppendAudit({entry, other}), "AppendAudit");
  Ok(store.ListAudit(acme, AuditQuery()), "ListAudit");
  AuditQuery audit_query;
  audit_query.principal = "key:k1";
  audit_query.targets = {"member:m1", "key:k2"};
  audit_query.from = OnDay(1);
  audit_query.to = OnDay(30);
  audit_query.before_id = 1000;
  audit_query.page_size = 2;
  Ok(store.ListAudit(acme, audit_query), "ListAudit");

  Ok(store.EraseContact(acme, "c1", OnDay(12), &audit), "EraseContact");
  Ok(store.FindErasure(acme, ErasureKind::kContact, "c1"), "FindErasure");
  Ok(store.DeleteMember(acme, "m3", &audit), "DeleteMember");
  Ok(store.FindErasure(acme, ErasureKind::kMember, "m3"), "FindErasure");
  // Events of the erased member and contact are refused.
  std::vector<model::Event> refused = {
      MakeEvent("e10", "m3", EventType::kPostPublished, OnDay(13, 9)),
      MakeMessage("e11", "m1", "t4", ceo, EventType::kMessageSent,
                  OnDay(11, 9))};
  Ok(store.AppendEvents(acme, refused, &audit), "AppendEvents");
  for (int step = 0; step < 3; ++step) {
    absl::StatusOr<RetentionStep> retention = store.ApplyRetention(
        acme, OnDay(6), absl::CivilDay(2024, 3, 3), 2, OnDay(20));
    Ok(retention, "ApplyRetention");
    if (!retention.ok() || !retention->more) break;
  }
  // The member change log other replicas follow, and the lease.
  EXPECT_TRUE(store.Shared());
  Ok(store.MemberChangeSeq(acme), "MemberChangeSeq");
  Ok(store.ReadMemberChanges(acme, 0, 100), "ReadMemberChanges");
  Ok(store.ReadMemberChanges(acme, 2, 1), "ReadMemberChanges");
  Ok(store.PruneMemberChanges(acme, OnDay(30)), "PruneMemberChanges");
  Ok(store.ReadMemberChanges(acme, 1, 100), "ReadMemberChanges");
  Ok(store.MemberChangeSeqs(), "MemberChangeSeqs");
  Ok(store.HoldLease(), "HoldLease");
  FakeClock clock(OnDay(21));
  // The PgStore may leave copies to PostgreSQL's own tools; whatever it
  // answers, the statements it ran are checked.
  absl::StatusOr<BackupResult> copy =
      store.Backup(backup_dir, "sharding.db", clock);
  (void)copy;
}

// The store's deliberate reads over every tenant, plain multi-shard SELECTs
// that Citus runs on every shard (docs/scale-out.md): which tenants have
// members (ListTenants) and every tenant's newest change number (the change
// follower's poll). No other statement may leave its tenant.
const std::set<std::string>& CrossTenantReads() {
  static const std::set<std::string>* const reads = new std::set<std::string>{
      "SELECT DISTINCT tenant FROM members ORDER BY tenant",
      "SELECT tenant, seq FROM member_change_seq ORDER BY tenant",
  };
  return *reads;
}

TEST(PgShardingTest, StoreStatementsBindOneTenant) {
  absl::StatusOr<std::string> uri =
      ::rapport::testing::NewTestPgDatabase("sharding_statements");
  ASSERT_TRUE(uri.ok()) << uri.status();
  std::unique_ptr<Connection> conn = Connect(*uri);
  ASSERT_NE(conn, nullptr);
  absl::Status extension =
      conn->ExecScript("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  ASSERT_TRUE(extension.ok())
      << extension
      << " (the server needs shared_preload_libraries=pg_stat_statements, "
         "as tests/pg/pg_server.sh starts it)";
  pg::PgStoreOptions options;
  options.uri = *uri;
  options.connections = 3;
  absl::StatusOr<std::unique_ptr<pg::PgStore>> store =
      pg::PgStore::Open(options);
  ASSERT_TRUE(store.ok()) << store.status();
  const std::string database = Query(*conn,
                                     "SELECT oid FROM pg_database "
                                     "WHERE datname = current_database()")
                                   .String(0, 0);
  ASSERT_TRUE(conn->Exec("SELECT pg_stat_statements_reset(0, $1::oid, 0)",
                         Params().Add(database))
                  .ok());

  RunWorkload(**store, ::testing::TempDir());

  const std::set<std::string> distributed = DistributedTables(*conn);
  absl::StatusOr<Result> statements =
      conn->Exec("SELECT query FROM pg_stat_statements WHERE dbid = $1::oid",
                 Params().Add(database));
  ASSERT_TRUE(statements.ok()) << statements.status();
  int touching = 0;
  std::vector<std::string> findings;
  std::set<std::string> cross_tenant_seen;
  for (int i = 0; i < statements->rows(); ++i) {
    const std::string sql = statements->String(i, 0);
    if (CrossTenantReads().count(sql) > 0) {
      cross_tenant_seen.insert(sql);
      continue;
    }
    bool touches = false;
    for (const std::string& table : distributed) {
      touches |= sql.find(table) != std::string::npos;
    }
    touching += touches;
    for (const std::string& why : TenantRuleViolations(sql, distributed)) {
      findings.push_back(absl::StrCat(why, ":\n    ", sql));
    }
  }
  std::cout << statements->rows() << " statements captured, " << touching
            << " of them on distributed tables\n";
  // The workload reached the distributed tables at all.
  EXPECT_GE(touching, 10) << statements->rows() << " statements captured";
  EXPECT_TRUE(findings.empty())
      << findings.size() << " statements break the sharding rules:\n"
      << absl::StrJoin(findings, "\n");
  // Each read across tenants the rules let through is one the store runs
  // (and breaks the rules, or it would not need letting through).
  EXPECT_EQ(cross_tenant_seen, CrossTenantReads());
  for (const std::string& sql : CrossTenantReads()) {
    EXPECT_FALSE(TenantRuleViolations(sql, distributed).empty()) << sql;
  }
}

}  // namespace
}  // namespace rapport::store::testing
