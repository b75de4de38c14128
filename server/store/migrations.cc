#include "server/store/migrations.h"

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"

namespace rapport::store::internal {
namespace {

// Version 1: members, events and the aggregates maintained at ingest. Every
// table leads with tenant; times are Unix microseconds; enums are their
// numeric values (server/model/enums.h). NULL times mean "never".
constexpr char kSchemaV1[] = R"sql(
CREATE TABLE members (
  tenant TEXT NOT NULL,
  member_id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  team TEXT NOT NULL,
  industry TEXT NOT NULL,
  manager TEXT NOT NULL,
  has_photo INTEGER NOT NULL,
  has_headline INTEGER NOT NULL,
  has_summary INTEGER NOT NULL,
  positions_count INTEGER NOT NULL,
  positions_with_description_count INTEGER NOT NULL,
  education_count INTEGER NOT NULL,
  skills_count INTEGER NOT NULL,
  certifications_count INTEGER NOT NULL,
  volunteer_roles_count INTEGER NOT NULL,
  board_roles_count INTEGER NOT NULL,
  recommendations_given_count INTEGER NOT NULL,
  recommendations_received_count INTEGER NOT NULL,
  connections_count INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  event_count INTEGER NOT NULL,
  last_event_time INTEGER,
  PRIMARY KEY (tenant, member_id)
) WITHOUT ROWID;
CREATE INDEX members_by_team ON members (tenant, team, member_id);
CREATE INDEX members_by_industry ON members (tenant, industry, member_id);

-- (tenant, event_id) is the idempotency key.
CREATE TABLE events (
  tenant TEXT NOT NULL,
  event_id TEXT NOT NULL,
  member_id TEXT NOT NULL,
  occur_time INTEGER NOT NULL,
  type INTEGER NOT NULL,
  channel INTEGER NOT NULL,
  contact_id TEXT NOT NULL,
  seniority INTEGER NOT NULL,
  contact_industry TEXT NOT NULL,
  contact_region TEXT NOT NULL,
  contact_category INTEGER NOT NULL,
  thread_id TEXT NOT NULL,
  content_id TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  PRIMARY KEY (tenant, event_id)
);
-- Recomputing one thread / one contact reads only its own events.
CREATE INDEX events_by_thread
  ON events (tenant, member_id, thread_id, occur_time);
CREATE INDEX events_by_contact
  ON events (tenant, member_id, contact_id, occur_time);
-- Finding the threads and contacts active in a window reads only the window
-- (covering: no table lookups).
CREATE INDEX events_by_time
  ON events (tenant, member_id, occur_time, type, thread_id, contact_id);

-- day: days since 1970-01-01 UTC.
CREATE TABLE daily_counts (
  tenant TEXT NOT NULL,
  member_id TEXT NOT NULL,
  day INTEGER NOT NULL,
  type INTEGER NOT NULL,
  channel INTEGER NOT NULL,
  seniority INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (tenant, member_id, day, type, channel, seniority)
) WITHOUT ROWID;

CREATE TABLE threads (
  tenant TEXT NOT NULL,
  member_id TEXT NOT NULL,
  thread_id TEXT NOT NULL,
  contact_id TEXT NOT NULL,
  channel INTEGER NOT NULL,
  seniority INTEGER NOT NULL,
  category INTEGER NOT NULL,
  first_outbound_time INTEGER,
  last_outbound_time INTEGER,
  first_inbound_time INTEGER,
  last_inbound_time INTEGER,
  first_reply_time INTEGER,
  first_answer_time INTEGER,
  outbound_count INTEGER NOT NULL,
  inbound_count INTEGER NOT NULL,
  follow_up_count INTEGER NOT NULL,
  follow_ups_before_reply INTEGER NOT NULL,
  last_activity_time INTEGER NOT NULL,
  PRIMARY KEY (tenant, member_id, thread_id)
) WITHOUT ROWID;

CREATE TABLE contacts (
  tenant TEXT NOT NULL,
  member_id TEXT NOT NULL,
  contact_id TEXT NOT NULL,
  seniority INTEGER NOT NULL,
  category INTEGER NOT NULL,
  industry TEXT NOT NULL,
  region TEXT NOT NULL,
  first_time INTEGER NOT NULL,
  last_outbound_time INTEGER,
  last_inbound_time INTEGER,
  connection_requested_time INTEGER,
  connection_accepted_time INTEGER,
  met_at_event_time INTEGER,
  followed_up_after_event_time INTEGER,
  outbound_count INTEGER NOT NULL,
  inbound_count INTEGER NOT NULL,
  meetings_booked INTEGER NOT NULL,
  last_activity_time INTEGER NOT NULL,
  PRIMARY KEY (tenant, member_id, contact_id)
) WITHOUT ROWID;
)sql";

// Version 2: the daily score history. day and from_day are days since
// 1970-01-01 UTC, as in daily_counts.
constexpr char kSchemaV2[] = R"sql(
-- One snapshot per member and day; pillars in the order of model::Pillar.
CREATE TABLE score_history (
  tenant TEXT NOT NULL,
  member_id TEXT NOT NULL,
  day INTEGER NOT NULL,
  total REAL NOT NULL,
  brand REAL NOT NULL,
  find REAL NOT NULL,
  engage REAL NOT NULL,
  relationships REAL NOT NULL,
  model_version TEXT NOT NULL,
  PRIMARY KEY (tenant, member_id, day)
) WITHOUT ROWID;
-- Every member's score of one day (leaderboards, decliners).
CREATE INDEX score_history_by_day ON score_history (tenant, day, member_id);

-- Members whose history is stale from from_day on; written by ingest.
CREATE TABLE history_work (
  tenant TEXT NOT NULL,
  member_id TEXT NOT NULL,
  from_day INTEGER NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (tenant, member_id)
) WITHOUT ROWID;

-- recorded_through_day: NULL until the first recording. work_version: the
-- last version handed to a history_work entry; it only grows.
CREATE TABLE history_state (
  tenant TEXT NOT NULL PRIMARY KEY,
  recorded_through_day INTEGER,
  work_version INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
)sql";

// Version 3: tenants and their API keys. A key's secret is never stored,
// only its SHA-256; teams are joined with newlines.
constexpr char kSchemaV3[] = R"sql(
CREATE TABLE tenants (
  tenant TEXT NOT NULL PRIMARY KEY,
  display_name TEXT NOT NULL,
  rep_leaderboard INTEGER NOT NULL,
  operator INTEGER NOT NULL,
  create_time INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE api_keys (
  key_id TEXT NOT NULL PRIMARY KEY,
  tenant TEXT NOT NULL REFERENCES tenants (tenant),
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  teams TEXT NOT NULL,
  member_id TEXT NOT NULL,
  secret_sha256 TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  expire_time INTEGER,
  last_use_time INTEGER,
  revoke_time INTEGER,
  created_by TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX api_keys_by_tenant ON api_keys (tenant, create_time, key_id);
)sql";

// Version 4: the audit trail, and what erasure keeps: the digest of who was
// erased (ErasureDigest), never their id. Audit entries are never updated
// except to replace an erased person's id by that digest.
constexpr char kSchemaV4[] = R"sql(
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  time INTEGER NOT NULL,
  principal TEXT NOT NULL,
  role TEXT NOT NULL,
  method TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX audit_by_tenant ON audit_log (tenant, id);
CREATE INDEX audit_by_target ON audit_log (tenant, target, id);
CREATE INDEX audit_by_principal ON audit_log (tenant, principal, id);

-- kind: store::ErasureKind.
CREATE TABLE erasures (
  tenant TEXT NOT NULL,
  kind INTEGER NOT NULL,
  digest TEXT NOT NULL,
  erase_time INTEGER NOT NULL,
  PRIMARY KEY (tenant, kind, digest)
) WITHOUT ROWID;

-- Retention reads the oldest events of a tenant first.
CREATE INDEX events_by_tenant_time ON events (tenant, occur_time);
-- Erasing a contact finds its events in every member.
CREATE INDEX events_by_contact_id ON events (tenant, contact_id);
)sql";

// Version 5: the events table rebuilt with fewer, narrower indexes (each
// index entry costs write time and bytes). Rows are appended in ingest order
// under an integer key, id, which each index entry carries to find its row.
// The primary key and five indexes become four indexes:
//   events_by_id       the idempotency key (what the v1 primary key was);
//   events_by_member   a member's events by time: the windows of reads, a
//                      day's counts, the member's latest event, erasure of
//                      a member (it replaces the covering events_by_time);
//   events_by_thread   one thread's events (only events with a thread);
//   events_by_contact  one contact's events in one member (only events with
//                      a contact); erasing a contact reads it once per
//                      member, which replaces v4's events_by_contact_id.
// Every index leads with the member, so a batch writes the index pages of
// the members it holds. v4's events_by_tenant_time and events_by_contact_id
// are gone for that reason: retention reads events_by_member one member at a
// time instead. Ordered by time (or contact) alone, they took a write to a
// page anywhere in the index for every event of a batch. The partial indexes
// are used by queries that repeat their condition (thread_id <> '' / contact_id
// <> '').
constexpr char kSchemaV5[] = R"sql(
CREATE TABLE events_v5 (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  event_id TEXT NOT NULL,
  member_id TEXT NOT NULL,
  occur_time INTEGER NOT NULL,
  type INTEGER NOT NULL,
  channel INTEGER NOT NULL,
  contact_id TEXT NOT NULL,
  seniority INTEGER NOT NULL,
  contact_industry TEXT NOT NULL,
  contact_region TEXT NOT NULL,
  contact_category INTEGER NOT NULL,
  thread_id TEXT NOT NULL,
  content_id TEXT NOT NULL,
  quantity INTEGER NOT NULL
);
INSERT INTO events_v5 (tenant, event_id, member_id, occur_time, type, channel,
  contact_id, seniority, contact_industry, contact_region, contact_category,
  thread_id, content_id, quantity)
  SELECT tenant, event_id, member_id, occur_time, type, channel, contact_id,
    seniority, contact_industry, contact_region, contact_category, thread_id,
    content_id, quantity
  FROM events ORDER BY occur_time, event_id;
DROP TABLE events;
ALTER TABLE events_v5 RENAME TO events;
CREATE UNIQUE INDEX events_by_id ON events (tenant, event_id);
CREATE INDEX events_by_member ON events (tenant, member_id, occur_time);
CREATE INDEX events_by_thread ON events (tenant, member_id, thread_id)
  WHERE thread_id <> '';
CREATE INDEX events_by_contact ON events (tenant, member_id, contact_id)
  WHERE contact_id <> '';
)sql";

// Version 6: goals, targets a manager sets for a member's or a team's score.
// Exactly one of member_id and team is non-empty; pillar is model::Pillar
// (0: the total); due_time and create_time are Unix microseconds.
constexpr char kSchemaV6[] = R"sql(
CREATE TABLE goals (
  tenant TEXT NOT NULL,
  goal_id TEXT NOT NULL,
  member_id TEXT NOT NULL,
  team TEXT NOT NULL,
  pillar INTEGER NOT NULL,
  target REAL NOT NULL,
  due_time INTEGER NOT NULL,
  note TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (tenant, goal_id),
  CHECK ((member_id = '') <> (team = ''))
) WITHOUT ROWID;
-- Listing in due order; deleting a member's goals.
CREATE INDEX goals_by_due ON goals (tenant, due_time, goal_id);
CREATE INDEX goals_by_member ON goals (tenant, member_id) WHERE member_id <> '';
)sql";

// Version 7: the score changes feed (ScoringService.ListScoreChanges). One
// row per member: the SSI and pillars the feed last reported, the SSI it
// reported before that (NULL the first time), the tenant's sequence number
// of the change and when it was seen (Unix microseconds). The tenant's
// counter lives apart from the rows, so that a number is never issued twice
// even when the member holding the highest one is erased.
constexpr char kSchemaV7[] = R"sql(
CREATE TABLE score_changes (
  tenant TEXT NOT NULL,
  member_id TEXT NOT NULL,
  team TEXT NOT NULL,
  ssi REAL NOT NULL,
  brand REAL NOT NULL,
  find REAL NOT NULL,
  engage REAL NOT NULL,
  relationships REAL NOT NULL,
  previous_ssi REAL,
  seq INTEGER NOT NULL,
  change_time INTEGER NOT NULL,
  PRIMARY KEY (tenant, member_id)
) WITHOUT ROWID;
-- A team's feed in member_id order.
CREATE INDEX score_changes_by_team ON score_changes (tenant, team, member_id);
CREATE TABLE score_change_seq (
  tenant TEXT NOT NULL PRIMARY KEY,
  seq INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Version 8: one index per event beside the idempotency key. The partial
// indexes events_by_thread and events_by_contact are gone: together they cost
// ingest more than the rest of an event's row and index writes (a plain
// insert with them ran at 0.6x its rate without them) for reads that are rare
// (a thread or contact derived again after an event out of order, a removal,
// a read about the past, a contact's erasure). events_by_member now carries
// type, thread_id and contact_id: those reads walk a member's entries once
// and read the rows of the matching events only, and the reads of a window's
// active threads and contacts need no row at all.
constexpr char kSchemaV8[] = R"sql(
DROP INDEX events_by_thread;
DROP INDEX events_by_contact;
DROP INDEX events_by_member;
CREATE INDEX events_by_member
  ON events (tenant, member_id, occur_time, type, thread_id, contact_id);
)sql";

constexpr Migration kStoreMigrations[] = {
    {1, kSchemaV1}, {2, kSchemaV2}, {3, kSchemaV3}, {4, kSchemaV4},
    {5, kSchemaV5}, {6, kSchemaV6}, {7, kSchemaV7}, {8, kSchemaV8},
};

constexpr char kCreateMigrationsTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " applied_at INTEGER NOT NULL)";

absl::Status ApplyOne(Connection& conn, const Migration& migration) {
  return InTransaction(conn, TransactionKind::kWrite, [&]() -> absl::Status {
    // Another process may have applied it since we looked.
    RAPPORT_ASSIGN_OR_RETURN(int current, SchemaVersion(conn));
    if (current >= migration.version) return absl::OkStatus();
    RAPPORT_RETURN_IF_ERROR(conn.Exec(migration.sql));
    RAPPORT_ASSIGN_OR_RETURN(
        Statement record,
        conn.Prepare("INSERT INTO schema_migrations (version, applied_at) "
                     "VALUES (?1, unixepoch('now') * 1000000)"));
    record.BindInt64(1, migration.version);
    return record.Run();
  });
}

}  // namespace

absl::Span<const Migration> StoreMigrations() { return kStoreMigrations; }

absl::StatusOr<int> SchemaVersion(Connection& conn) {
  RAPPORT_ASSIGN_OR_RETURN(
      Statement query,
      conn.Prepare("SELECT coalesce(max(version), 0) FROM schema_migrations"));
  RAPPORT_ASSIGN_OR_RETURN(bool row, query.Step());
  if (!row) return 0;
  return static_cast<int>(query.ColumnInt64(0));
}

absl::Status ApplyMigrations(Connection& conn,
                             absl::Span<const Migration> migrations) {
  for (size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      return absl::InvalidArgumentError(
          "schema migrations must be numbered 1, 2, 3, ...");
    }
  }
  RAPPORT_RETURN_IF_ERROR(conn.Exec(kCreateMigrationsTable));
  RAPPORT_ASSIGN_OR_RETURN(int current, SchemaVersion(conn));
  const int latest = static_cast<int>(migrations.size());
  if (current > latest) {
    return absl::FailedPreconditionError(absl::StrCat(
        "database schema version ", current,
        " is newer than this build supports (", latest,
        "); run a newer rapport server or restore a compatible database"));
  }
  for (const Migration& migration : migrations.subspan(current)) {
    RAPPORT_RETURN_IF_ERROR(ApplyOne(conn, migration));
  }
  return absl::OkStatus();
}

}  // namespace rapport::store::internal
