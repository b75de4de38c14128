// SqliteStore: erasing a contact and applying retention. Both remove events
// through event_removal.h, so that the aggregates are those of a store that
// never had the removed events.
//
// EraseContact counts in ContactErasure::threads every thread the contact's
// events belonged to: each was deleted, or re-derived from the other
// contact's events when it had some (a thread's contact is the one of its
// first message), so no thread row names the contact afterwards.
//
// Retention and scores. Retention drops the past without marking the score
// history stale. The daily counts of the scoring window are untouched when
// the cut-off is at least the model's window_days before now; but a thread
// or contact with events on both sides of the cut-off is re-derived from
// its remaining events (a conversation the member started before the cut-off
// then reads as started by its first remaining message), so a score of today
// can change for such members. Snapshots recorded before the step keep the
// values they had.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/store/audit_table.h"
#include "server/store/daily_count_table.h"
#include "server/store/event_removal.h"
#include "server/store/history_state_table.h"
#include "server/store/history_work_table.h"
#include "server/store/sqlite_connection.h"
#include "server/store/sqlite_store.h"

namespace rapport::store {

using internal::Connection;
using internal::InTransaction;
using internal::TransactionKind;

namespace {

// How retention signs its audit entries.
constexpr char kRetentionPrincipal[] = "rapportd";
constexpr char kRetentionRole[] = "system";
constexpr char kRetentionMethod[] = "retention";

// The history of each member concerned is stale from the day of the
// earliest event removed; one version for the whole erasure.
absl::Status MarkRemovedHistoryStale(Connection& conn, const TenantId& tenant,
                                     const internal::EventRemoval& removal) {
  if (removal.members.empty()) return absl::OkStatus();
  RAPPORT_ASSIGN_OR_RETURN(int64_t version,
                           internal::NextHistoryWorkVersion(conn, tenant));
  for (const auto& [member_id, earliest] : removal.members) {
    RAPPORT_RETURN_IF_ERROR(internal::MarkHistoryStale(
        conn, tenant, member_id, internal::DayNumber(earliest), version));
  }
  return absl::OkStatus();
}

// Deletes up to `limit` snapshots of days before `before_day` (DayNumber),
// oldest first, through score_history_by_day; returns how many.
absl::StatusOr<int64_t> DeleteSnapshotsBefore(Connection& conn,
                                              const TenantId& tenant,
                                              int64_t before_day, int limit) {
  RAPPORT_ASSIGN_OR_RETURN(
      internal::Statement del,
      conn.Prepare("DELETE FROM score_history WHERE (tenant, member_id, day) "
                   "IN (SELECT tenant, member_id, day FROM score_history "
                   "WHERE tenant = ?1 AND day < ?2 ORDER BY day LIMIT ?3)"));
  del.BindText(1, tenant);
  del.BindInt64(2, before_day);
  del.BindInt64(3, limit);
  RAPPORT_RETURN_IF_ERROR(del.Run());
  return conn.Changes();
}

absl::StatusOr<bool> AnySnapshotBefore(Connection& conn, const TenantId& tenant,
                                       int64_t before_day) {
  RAPPORT_ASSIGN_OR_RETURN(
      internal::Statement select,
      conn.Prepare("SELECT 1 FROM score_history WHERE tenant = ?1 AND "
                   "day < ?2 LIMIT 1"));
  select.BindText(1, tenant);
  select.BindInt64(2, before_day);
  return select.Step();
}

// A bucket of day D counts events of day D alone, so once no event before
// the cut-off remains, the buckets of days before the cut-off's day count
// nothing: removing each event took its quantity off them already, and this
// deletes whatever is left (nothing, in a consistent store). One probe of the
// primary key per member.
absl::StatusOr<int64_t> DeleteDailyCountsBefore(Connection& conn,
                                                const TenantId& tenant,
                                                int64_t before_day) {
  RAPPORT_ASSIGN_OR_RETURN(
      internal::Statement del,
      conn.Prepare("DELETE FROM daily_counts WHERE tenant = ?1 AND member_id "
                   "IN (SELECT member_id FROM members WHERE tenant = ?1) "
                   "AND day < ?2"));
  del.BindText(1, tenant);
  del.BindInt64(2, before_day);
  RAPPORT_RETURN_IF_ERROR(del.Run());
  return conn.Changes();
}

std::string RetentionDetail(const RetentionStep& step,
                            const internal::EventRemoval& removal,
                            absl::Time cutoff, absl::CivilDay snapshot_cutoff) {
  return absl::StrCat(
      "events=", step.events, " daily_counts=", step.daily_counts,
      " snapshots=", step.snapshots,
      " threads_deleted=", removal.threads_deleted,
      " contacts_deleted=", removal.contacts_deleted,
      " members=", removal.members.size(), " cutoff=",
      absl::FormatTime(absl::RFC3339_full, cutoff, absl::UTCTimeZone()),
      " snapshot_cutoff=", absl::FormatCivilTime(snapshot_cutoff));
}

}  // namespace

absl::StatusOr<ContactErasure> SqliteStore::EraseContact(
    const TenantId& tenant, const std::string& contact_id, absl::Time now,
    const AuditContext* audit) {
  if (contact_id.empty()) {
    return absl::InvalidArgumentError("contact_id must not be empty");
  }
  ContactErasure erasure;
  RAPPORT_RETURN_IF_ERROR(Write([&](Connection& conn) {
    return InTransaction(conn, TransactionKind::kWrite, [&]() -> absl::Status {
      RAPPORT_ASSIGN_OR_RETURN(
          std::vector<internal::StoredEventKey> events,
          internal::SelectContactEventKeys(conn, tenant, contact_id));
      RAPPORT_ASSIGN_OR_RETURN(internal::EventRemoval removal,
                               internal::RemoveEvents(conn, tenant, events));
      RAPPORT_RETURN_IF_ERROR(MarkRemovedHistoryStale(conn, tenant, removal));
      erasure.events = removal.events;
      erasure.threads = removal.threads_deleted + removal.threads_rederived;
      erasure.contact_states = removal.contacts_deleted;
      erasure.members.clear();
      for (const auto& [member_id, earliest] : removal.members) {
        erasure.members.push_back(member_id);  // std::map: sorted.
      }
      const std::string erased_target = internal::ErasedPersonTarget(
          tenant, ErasureKind::kContact, contact_id);
      RAPPORT_RETURN_IF_ERROR(internal::ReplaceAuditTarget(
          conn, tenant,
          internal::PersonTarget(ErasureKind::kContact, contact_id),
          erased_target));
      RAPPORT_RETURN_IF_ERROR(internal::RecordErasure(
          conn, tenant, ErasureKind::kContact, contact_id, now));
      return internal::AuditChange(
          conn, tenant, audit, erased_target,
          absl::StrCat("erased events=", erasure.events,
                       " threads=", erasure.threads,
                       " contact_states=", erasure.contact_states,
                       " members=", erasure.members.size()));
    });
  }));
  ScrubLog();
  return erasure;
}

absl::StatusOr<RetentionStep> SqliteStore::ApplyRetention(
    const TenantId& tenant, absl::Time cutoff, absl::CivilDay snapshot_cutoff,
    int max_events, absl::Time now) {
  if (max_events < 1) {
    return absl::InvalidArgumentError("max_events must be at least 1");
  }
  const int64_t cutoff_day = internal::DayNumber(cutoff);
  const int64_t snapshot_day = internal::DayNumber(snapshot_cutoff);
  RetentionStep step;
  RAPPORT_RETURN_IF_ERROR(Write([&](Connection& conn) {
    return InTransaction(conn, TransactionKind::kWrite, [&]() -> absl::Status {
      step = RetentionStep();
      RAPPORT_ASSIGN_OR_RETURN(
          std::vector<internal::StoredEventKey> events,
          internal::SelectEventKeysBefore(conn, tenant, cutoff, max_events));
      RAPPORT_ASSIGN_OR_RETURN(internal::EventRemoval removal,
                               internal::RemoveEvents(conn, tenant, events));
      step.events = removal.events;
      step.daily_counts = removal.daily_counts;
      for (const auto& [member_id, earliest] : removal.members) {
        step.members.push_back(member_id);  // std::map: sorted.
      }
      RAPPORT_ASSIGN_OR_RETURN(bool events_left,
                               internal::AnyEventBefore(conn, tenant, cutoff));
      if (!events_left) {
        RAPPORT_ASSIGN_OR_RETURN(
            int64_t swept, DeleteDailyCountsBefore(conn, tenant, cutoff_day));
        step.daily_counts += swept;
      }
      RAPPORT_ASSIGN_OR_RETURN(
          step.snapshots,
          DeleteSnapshotsBefore(conn, tenant, snapshot_day, max_events));
      RAPPORT_ASSIGN_OR_RETURN(bool snapshots_left,
                               AnySnapshotBefore(conn, tenant, snapshot_day));
      step.more = events_left || snapshots_left;
      if (step.events == 0 && step.daily_counts == 0 && step.snapshots == 0) {
        return absl::OkStatus();
      }
      const AuditContext audit{kRetentionPrincipal, kRetentionRole,
                               kRetentionMethod, now};
      return internal::AuditChange(
          conn, tenant, &audit, "",
          RetentionDetail(step, removal, cutoff, snapshot_cutoff));
    });
  }));
  return step;
}

}  // namespace rapport::store
