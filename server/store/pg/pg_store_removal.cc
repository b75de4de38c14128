// PgStore: deleting a member, erasing a contact and applying retention.
// Erasure and retention remove events through pg_removal.h, so that the
// aggregates are those of a store that never had the removed events (see
// sqlite_store_removal.cc for what retention means for scores).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/store/audit_table.h"
#include "server/store/daily_count_table.h"
#include "server/store/pg/pg_removal.h"
#include "server/store/pg/pg_shared.h"
#include "server/store/pg/pg_store.h"

namespace rapport::store::pg {
namespace {

// How retention signs its audit entries.
constexpr char kRetentionPrincipal[] = "rapportd";
constexpr char kRetentionRole[] = "system";
constexpr char kRetentionMethod[] = "retention";

constexpr char kDeleteMemberRow[] =
    "DELETE FROM members WHERE tenant = $1 AND member_id = $2 RETURNING 1";

// $1 tenant, $2 member_id. Everything of the member but its row, in one
// statement: each data-modifying part runs to completion. Returns the
// events, keys, manager references and goals removed.
constexpr char kDeleteMemberData[] =
    "WITH e AS (DELETE FROM events WHERE tenant = $1 AND member_id = $2"
    " RETURNING 1),"
    " d AS (DELETE FROM daily_counts WHERE tenant = $1 AND member_id = $2),"
    " t AS (DELETE FROM threads WHERE tenant = $1 AND member_id = $2),"
    " c AS (DELETE FROM contacts WHERE tenant = $1 AND member_id = $2),"
    " h AS (DELETE FROM score_history WHERE tenant = $1 AND member_id = $2),"
    " f AS (DELETE FROM score_changes WHERE tenant = $1 AND member_id = $2),"
    " w AS (DELETE FROM history_work WHERE tenant = $1 AND member_id = $2),"
    " g AS (DELETE FROM goals WHERE tenant = $1 AND member_id = $2"
    " AND member_id <> '' RETURNING 1),"
    " k AS (DELETE FROM api_keys WHERE tenant = $1 AND member_id = $2"
    " RETURNING 1),"
    " r AS (UPDATE members SET manager = '' WHERE tenant = $1"
    " AND manager = $2 RETURNING 1)"
    " SELECT (SELECT count(*) FROM e), (SELECT count(*) FROM k),"
    " (SELECT count(*) FROM r), (SELECT count(*) FROM g)";

// $1 tenant, $2 before_day, $3 limit: the oldest days first.
constexpr char kDeleteSnapshotsBefore[] =
    "DELETE FROM score_history WHERE (tenant, member_id, day) IN"
    " (SELECT tenant, member_id, day FROM score_history"
    " WHERE tenant = $1 AND day < $2 ORDER BY day LIMIT $3)";
constexpr char kAnySnapshotBefore[] =
    "SELECT 1 FROM score_history WHERE tenant = $1 AND day < $2 LIMIT 1";

// A bucket of day D counts events of day D alone, so once no event before
// the cut-off remains, the buckets of days before the cut-off's day count
// nothing: this deletes whatever is left (nothing, in a consistent store),
// member by member.
constexpr char kDeleteDailyCountsBefore[] =
    "DELETE FROM daily_counts AS d USING members AS m WHERE m.tenant = $1"
    " AND d.tenant = $1 AND d.member_id = m.member_id AND d.day < $2";

std::string RetentionDetail(const RetentionStep& step,
                            const EventRemoval& removal, absl::Time cutoff,
                            absl::CivilDay snapshot_cutoff) {
  return absl::StrCat(
      "events=", step.events, " daily_counts=", step.daily_counts,
      " snapshots=", step.snapshots,
      " threads_deleted=", removal.threads_deleted,
      " contacts_deleted=", removal.contacts_deleted,
      " members=", removal.members.size(), " cutoff=",
      absl::FormatTime(absl::RFC3339_full, cutoff, absl::UTCTimeZone()),
      " snapshot_cutoff=", absl::FormatCivilTime(snapshot_cutoff));
}

std::vector<std::string> MemberIds(const EventRemoval& removal) {
  std::vector<std::string> members;
  for (const auto& [member_id, earliest] : removal.members) {
    members.push_back(member_id);  // std::map: sorted bytewise.
  }
  return members;
}

}  // namespace

absl::StatusOr<int64_t> PgStore::DeleteMember(const TenantId& tenant,
                                              const std::string& member_id,
                                              const AuditContext* audit) {
  int64_t deleted = 0;
  const absl::Time now = audit != nullptr ? audit->time : absl::Now();
  RAPPORT_RETURN_IF_ERROR(
      pool_.Transaction([&](Connection& conn) -> absl::Status {
        RAPPORT_ASSIGN_OR_RETURN(
            Result row,
            conn.Exec(kDeleteMemberRow, Params().Add(tenant).Add(member_id)));
        if (row.rows() == 0) return absl::NotFoundError("member not found");
        RAPPORT_ASSIGN_OR_RETURN(
            Result removed,
            conn.Exec(kDeleteMemberData, Params().Add(tenant).Add(member_id)));
        deleted = removed.Int(0, 0);
        const std::string erased_target = internal::ErasedPersonTarget(
            tenant, ErasureKind::kMember, member_id);
        RAPPORT_RETURN_IF_ERROR(ReplaceAuditTarget(
            conn, tenant,
            internal::PersonTarget(ErasureKind::kMember, member_id),
            erased_target));
        RAPPORT_RETURN_IF_ERROR(
            RecordErasure(conn, tenant, ErasureKind::kMember, member_id, now));
        RAPPORT_RETURN_IF_ERROR(AuditChange(
            conn, tenant, audit, erased_target,
            absl::StrCat("erased events=", deleted, " keys=", removed.Int(0, 1),
                         " manager_references=", removed.Int(0, 2),
                         " goals=", removed.Int(0, 3))));
        const std::string changed[] = {member_id};
        return RecordMemberChanges(conn, tenant, changed, now);
      }));
  return deleted;
}

absl::StatusOr<std::optional<absl::Time>> PgStore::FindErasure(
    const TenantId& tenant, ErasureKind kind, const std::string& id) {
  std::optional<absl::Time> found;
  RAPPORT_RETURN_IF_ERROR(
      pool_.WithConnection([&](Connection& conn) -> absl::Status {
        RAPPORT_ASSIGN_OR_RETURN(
            Result rows,
            conn.Exec("SELECT erase_time FROM erasures WHERE tenant = $1"
                      " AND kind = $2 AND digest = $3",
                      Params()
                          .Add(tenant)
                          .Add(static_cast<int64_t>(kind))
                          .Add(ErasureDigest(tenant, kind, id))));
        if (rows.rows() > 0) found = rows.Time(0, 0);
        return absl::OkStatus();
      }));
  return found;
}

absl::StatusOr<ContactErasure> PgStore::EraseContact(
    const TenantId& tenant, const std::string& contact_id, absl::Time now,
    const AuditContext* audit) {
  if (contact_id.empty()) {
    return absl::InvalidArgumentError("contact_id must not be empty");
  }
  ContactErasure erasure;
  RAPPORT_RETURN_IF_ERROR(
      pool_.Transaction([&](Connection& conn) -> absl::Status {
        RAPPORT_ASSIGN_OR_RETURN(EventRemoval removal,
                                 RemoveContactEvents(conn, tenant, contact_id));
        RAPPORT_RETURN_IF_ERROR(MarkRemovedHistoryStale(conn, tenant, removal));
        erasure = ContactErasure();
        erasure.events = removal.events;
        erasure.threads = removal.threads_deleted + removal.threads_rederived;
        erasure.contact_states = removal.contacts_deleted;
        erasure.members = MemberIds(removal);
        const std::string erased_target = internal::ErasedPersonTarget(
            tenant, ErasureKind::kContact, contact_id);
        RAPPORT_RETURN_IF_ERROR(ReplaceAuditTarget(
            conn, tenant,
            internal::PersonTarget(ErasureKind::kContact, contact_id),
            erased_target));
        RAPPORT_RETURN_IF_ERROR(RecordErasure(
            conn, tenant, ErasureKind::kContact, contact_id, now));
        RAPPORT_RETURN_IF_ERROR(
            AuditChange(conn, tenant, audit, erased_target,
                        absl::StrCat("erased events=", erasure.events,
                                     " threads=", erasure.threads,
                                     " contact_states=", erasure.contact_states,
                                     " members=", erasure.members.size())));
        return RecordMemberChanges(conn, tenant, erasure.members, now);
      }));
  return erasure;
}

absl::StatusOr<RetentionStep> PgStore::ApplyRetention(
    const TenantId& tenant, absl::Time cutoff, absl::CivilDay snapshot_cutoff,
    int max_events, absl::Time now) {
  if (max_events < 1) {
    return absl::InvalidArgumentError("max_events must be at least 1");
  }
  const int64_t cutoff_day = internal::DayNumber(cutoff);
  const int64_t snapshot_day = internal::DayNumber(snapshot_cutoff);
  RetentionStep step;
  RAPPORT_RETURN_IF_ERROR(
      pool_.Transaction([&](Connection& conn) -> absl::Status {
        step = RetentionStep();
        RAPPORT_ASSIGN_OR_RETURN(
            EventRemoval removal,
            RemoveEventsBefore(conn, tenant, cutoff, max_events));
        step.events = removal.events;
        step.daily_counts = removal.daily_counts;
        step.members = MemberIds(removal);
        RAPPORT_ASSIGN_OR_RETURN(bool events_left,
                                 AnyEventBefore(conn, tenant, cutoff));
        if (!events_left) {
          RAPPORT_ASSIGN_OR_RETURN(
              Result swept, conn.Exec(kDeleteDailyCountsBefore,
                                      Params().Add(tenant).Add(cutoff_day)));
          step.daily_counts += swept.affected();
        }
        RAPPORT_ASSIGN_OR_RETURN(
            Result snapshots,
            conn.Exec(kDeleteSnapshotsBefore,
                      Params().Add(tenant).Add(snapshot_day).Add(max_events)));
        step.snapshots = snapshots.affected();
        RAPPORT_ASSIGN_OR_RETURN(
            Result snapshots_left,
            conn.Exec(kAnySnapshotBefore,
                      Params().Add(tenant).Add(snapshot_day)));
        step.more = events_left || snapshots_left.rows() > 0;
        if (step.events == 0 && step.daily_counts == 0 && step.snapshots == 0) {
          return absl::OkStatus();
        }
        const AuditContext audit{kRetentionPrincipal, kRetentionRole,
                                 kRetentionMethod, now};
        RAPPORT_RETURN_IF_ERROR(AuditChange(
            conn, tenant, &audit, "",
            RetentionDetail(step, removal, cutoff, snapshot_cutoff)));
        return RecordMemberChanges(conn, tenant, step.members, now);
      }));
  return step;
}

}  // namespace rapport::store::pg
