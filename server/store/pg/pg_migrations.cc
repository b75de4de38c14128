#include "server/store/pg/pg_migrations.h"

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/store/errors.h"

namespace rapport::store::pg {
namespace {

// Version 1: the schema of the SQLite store's version 7, written for
// PostgreSQL, and the member change log replicas follow. Text compares as
// bytes (COLLATE "C"), as in SQLite, whatever the database's locale: ids
// are ordered as byte strings (store.h), and the keys' indexes serve those
// orders.
constexpr char kSchemaV1[] = R"sql(
CREATE TABLE members (
  tenant TEXT COLLATE "C" NOT NULL,
  member_id TEXT COLLATE "C" NOT NULL,
  display_name TEXT COLLATE "C" NOT NULL,
  team TEXT COLLATE "C" NOT NULL,
  industry TEXT COLLATE "C" NOT NULL,
  manager TEXT COLLATE "C" NOT NULL,
  has_photo BIGINT NOT NULL,
  has_headline BIGINT NOT NULL,
  has_summary BIGINT NOT NULL,
  positions_count BIGINT NOT NULL,
  positions_with_description_count BIGINT NOT NULL,
  education_count BIGINT NOT NULL,
  skills_count BIGINT NOT NULL,
  certifications_count BIGINT NOT NULL,
  volunteer_roles_count BIGINT NOT NULL,
  board_roles_count BIGINT NOT NULL,
  recommendations_given_count BIGINT NOT NULL,
  recommendations_received_count BIGINT NOT NULL,
  connections_count BIGINT NOT NULL,
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  event_count BIGINT NOT NULL,
  last_event_time BIGINT,
  PRIMARY KEY (tenant, member_id)
);
CREATE INDEX members_by_team ON members (tenant, team, member_id);
CREATE INDEX members_by_industry ON members (tenant, industry, member_id);

-- (tenant, event_id) is the idempotency key.
CREATE TABLE events (
  tenant TEXT COLLATE "C" NOT NULL,
  event_id TEXT COLLATE "C" NOT NULL,
  member_id TEXT COLLATE "C" NOT NULL,
  occur_time BIGINT NOT NULL,
  type BIGINT NOT NULL,
  channel BIGINT NOT NULL,
  contact_id TEXT COLLATE "C" NOT NULL,
  seniority BIGINT NOT NULL,
  contact_industry TEXT COLLATE "C" NOT NULL,
  contact_region TEXT COLLATE "C" NOT NULL,
  contact_category BIGINT NOT NULL,
  thread_id TEXT COLLATE "C" NOT NULL,
  content_id TEXT COLLATE "C" NOT NULL,
  quantity BIGINT NOT NULL,
  PRIMARY KEY (tenant, event_id)
);
CREATE INDEX events_by_member ON events (tenant, member_id, occur_time);
CREATE INDEX events_by_thread ON events (tenant, member_id, thread_id)
  WHERE thread_id <> '';
CREATE INDEX events_by_contact ON events (tenant, member_id, contact_id)
  WHERE contact_id <> '';

-- day: days since 1970-01-01 UTC.
CREATE TABLE daily_counts (
  tenant TEXT COLLATE "C" NOT NULL,
  member_id TEXT COLLATE "C" NOT NULL,
  day BIGINT NOT NULL,
  type BIGINT NOT NULL,
  channel BIGINT NOT NULL,
  seniority BIGINT NOT NULL,
  count BIGINT NOT NULL,
  PRIMARY KEY (tenant, member_id, day, type, channel, seniority)
);

CREATE TABLE threads (
  tenant TEXT COLLATE "C" NOT NULL,
  member_id TEXT COLLATE "C" NOT NULL,
  thread_id TEXT COLLATE "C" NOT NULL,
  contact_id TEXT COLLATE "C" NOT NULL,
  channel BIGINT NOT NULL,
  seniority BIGINT NOT NULL,
  category BIGINT NOT NULL,
  first_outbound_time BIGINT,
  last_outbound_time BIGINT,
  first_inbound_time BIGINT,
  last_inbound_time BIGINT,
  first_reply_time BIGINT,
  first_answer_time BIGINT,
  outbound_count BIGINT NOT NULL,
  inbound_count BIGINT NOT NULL,
  follow_up_count BIGINT NOT NULL,
  follow_ups_before_reply BIGINT NOT NULL,
  last_activity_time BIGINT NOT NULL,
  PRIMARY KEY (tenant, member_id, thread_id)
);

CREATE TABLE contacts (
  tenant TEXT COLLATE "C" NOT NULL,
  member_id TEXT COLLATE "C" NOT NULL,
  contact_id TEXT COLLATE "C" NOT NULL,
  seniority BIGINT NOT NULL,
  category BIGINT NOT NULL,
  industry TEXT COLLATE "C" NOT NULL,
  region TEXT COLLATE "C" NOT NULL,
  first_time BIGINT NOT NULL,
  last_outbound_time BIGINT,
  last_inbound_time BIGINT,
  connection_requested_time BIGINT,
  connection_accepted_time BIGINT,
  met_at_event_time BIGINT,
  followed_up_after_event_time BIGINT,
  outbound_count BIGINT NOT NULL,
  inbound_count BIGINT NOT NULL,
  meetings_booked BIGINT NOT NULL,
  last_activity_time BIGINT NOT NULL,
  PRIMARY KEY (tenant, member_id, contact_id)
);

-- One snapshot per member and day; pillars in the order of model::Pillar.
CREATE TABLE score_history (
  tenant TEXT COLLATE "C" NOT NULL,
  member_id TEXT COLLATE "C" NOT NULL,
  day BIGINT NOT NULL,
  total DOUBLE PRECISION NOT NULL,
  brand DOUBLE PRECISION NOT NULL,
  find DOUBLE PRECISION NOT NULL,
  engage DOUBLE PRECISION NOT NULL,
  relationships DOUBLE PRECISION NOT NULL,
  model_version TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant, member_id, day)
);
CREATE INDEX score_history_by_day ON score_history (tenant, day, member_id);

-- Members whose history is stale from from_day on; written by ingest.
CREATE TABLE history_work (
  tenant TEXT COLLATE "C" NOT NULL,
  member_id TEXT COLLATE "C" NOT NULL,
  from_day BIGINT NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (tenant, member_id)
);

-- recorded_through_day: NULL until the first recording. work_version: the
-- last version handed to a history_work entry; it only grows.
CREATE TABLE history_state (
  tenant TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  recorded_through_day BIGINT,
  work_version BIGINT NOT NULL DEFAULT 0
);

-- Reference tables: read by key without a tenant.
CREATE TABLE tenants (
  tenant TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  display_name TEXT COLLATE "C" NOT NULL,
  rep_leaderboard BIGINT NOT NULL,
  operator BIGINT NOT NULL,
  create_time BIGINT NOT NULL
);

CREATE TABLE api_keys (
  key_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  tenant TEXT COLLATE "C" NOT NULL REFERENCES tenants (tenant),
  name TEXT COLLATE "C" NOT NULL,
  role TEXT COLLATE "C" NOT NULL,
  teams TEXT COLLATE "C" NOT NULL,
  member_id TEXT COLLATE "C" NOT NULL,
  secret_sha256 TEXT COLLATE "C" NOT NULL,
  create_time BIGINT NOT NULL,
  expire_time BIGINT,
  last_use_time BIGINT,
  revoke_time BIGINT,
  created_by TEXT COLLATE "C" NOT NULL
);
CREATE INDEX api_keys_by_tenant ON api_keys (tenant, create_time, key_id);

-- id: the order entries were written in, over all tenants.
CREATE TABLE audit_log (
  tenant TEXT COLLATE "C" NOT NULL,
  id BIGINT GENERATED ALWAYS AS IDENTITY,
  time BIGINT NOT NULL,
  principal TEXT COLLATE "C" NOT NULL,
  role TEXT COLLATE "C" NOT NULL,
  method TEXT COLLATE "C" NOT NULL,
  target TEXT COLLATE "C" NOT NULL,
  detail TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant, id)
);
CREATE INDEX audit_by_target ON audit_log (tenant, target, id);
CREATE INDEX audit_by_principal ON audit_log (tenant, principal, id);

-- kind: store::ErasureKind.
CREATE TABLE erasures (
  tenant TEXT COLLATE "C" NOT NULL,
  kind BIGINT NOT NULL,
  digest TEXT COLLATE "C" NOT NULL,
  erase_time BIGINT NOT NULL,
  PRIMARY KEY (tenant, kind, digest)
);

-- Exactly one of member_id and team is non-empty.
CREATE TABLE goals (
  tenant TEXT COLLATE "C" NOT NULL,
  goal_id TEXT COLLATE "C" NOT NULL,
  member_id TEXT COLLATE "C" NOT NULL,
  team TEXT COLLATE "C" NOT NULL,
  pillar BIGINT NOT NULL,
  target DOUBLE PRECISION NOT NULL,
  due_time BIGINT NOT NULL,
  note TEXT COLLATE "C" NOT NULL,
  create_time BIGINT NOT NULL,
  created_by TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant, goal_id),
  CHECK ((member_id = '') <> (team = ''))
);
CREATE INDEX goals_by_due ON goals (tenant, due_time, goal_id);
CREATE INDEX goals_by_member ON goals (tenant, member_id) WHERE member_id <> '';

-- The score changes feed, as in the SQLite store's version 7.
CREATE TABLE score_changes (
  tenant TEXT COLLATE "C" NOT NULL,
  member_id TEXT COLLATE "C" NOT NULL,
  team TEXT COLLATE "C" NOT NULL,
  ssi DOUBLE PRECISION NOT NULL,
  brand DOUBLE PRECISION NOT NULL,
  find DOUBLE PRECISION NOT NULL,
  engage DOUBLE PRECISION NOT NULL,
  relationships DOUBLE PRECISION NOT NULL,
  previous_ssi DOUBLE PRECISION,
  seq BIGINT NOT NULL,
  change_time BIGINT NOT NULL,
  PRIMARY KEY (tenant, member_id)
);
CREATE INDEX score_changes_by_team ON score_changes (tenant, team, member_id);
CREATE TABLE score_change_seq (
  tenant TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  seq BIGINT NOT NULL
);

-- The member change log: which members a committed write touched, so that
-- every replica's caches learn of writes made through the others. A write
-- takes the next number of its tenant's counter (member_change_seq) under
-- the counter row's lock, held until it commits: within a tenant, numbers
-- become visible in order, so a reader that has seen number n has seen
-- every change before it. Old rows are pruned.
CREATE TABLE member_changes (
  tenant TEXT COLLATE "C" NOT NULL,
  seq BIGINT NOT NULL,
  member_id TEXT COLLATE "C" NOT NULL,
  change_time BIGINT NOT NULL,
  PRIMARY KEY (tenant, seq, member_id)
);
CREATE TABLE member_change_seq (
  tenant TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  seq BIGINT NOT NULL
);
)sql";

constexpr char kCreateMigrationsTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version BIGINT PRIMARY KEY,"
    " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())";

absl::Status MigrateLocked(Connection& conn) {
  RAPPORT_RETURN_IF_ERROR(conn.ExecScript(kCreateMigrationsTable));
  RAPPORT_ASSIGN_OR_RETURN(
      Result current,
      conn.Exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  const int64_t version = current.Int(0, 0);
  if (version > LatestPgSchemaVersion()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the database has schema version ", version,
                     ", newer than this build's ", LatestPgSchemaVersion(),
                     "; run a newer rapportd"));
  }
  for (const PgMigration& migration : PgMigrations()) {
    if (migration.version <= version) continue;
    RAPPORT_RETURN_IF_ERROR(
        conn.Transaction([&](Connection& tx) -> absl::Status {
          RAPPORT_RETURN_IF_ERROR(tx.ExecScript(migration.sql));
          return tx
              .Exec("INSERT INTO schema_migrations (version) VALUES ($1)",
                    Params().Add(migration.version))
              .status();
        }));
  }
  return absl::OkStatus();
}

}  // namespace

const std::vector<PgMigration>& PgMigrations() {
  static const std::vector<PgMigration>* const migrations =
      new std::vector<PgMigration>{{1, kSchemaV1}};
  return *migrations;
}

int LatestPgSchemaVersion() { return PgMigrations().back().version; }

const std::vector<const char*>& PgReferenceTables() {
  static const std::vector<const char*>* const tables =
      new std::vector<const char*>{"tenants", "api_keys"};
  return *tables;
}

absl::Status MigratePg(Connection& conn) {
  RAPPORT_RETURN_IF_ERROR(
      conn.Exec("SELECT pg_advisory_lock($1)", Params().Add(kMigrationLockKey))
          .status());
  absl::Status status = MigrateLocked(conn);
  absl::Status unlocked = conn.Exec("SELECT pg_advisory_unlock($1)",
                                    Params().Add(kMigrationLockKey))
                              .status();
  return status.ok() ? unlocked : status;
}

}  // namespace rapport::store::pg
