// PgStore's events: AppendEvents, AppendEventBatches, ReadActivity.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/store/batch_effects.h"
#include "server/store/pg/pg_activity.h"
#include "server/store/pg/pg_ingest.h"
#include "server/store/pg/pg_shared.h"
#include "server/store/pg/pg_store.h"

namespace rapport::store::pg {
namespace {

// One batch inside the caller's transaction: ingest, its audit entry and
// the change log of the members it changed.
absl::StatusOr<std::vector<AppendOutcome>> AppendInTransaction(
    Connection& conn, const TenantId& tenant,
    absl::Span<const model::Event> events, const AuditContext* audit) {
  RAPPORT_ASSIGN_OR_RETURN(IngestResult ingested,
                           IngestEvents(conn, tenant, events));
  RAPPORT_RETURN_IF_ERROR(
      AuditChange(conn, tenant, audit, "events",
                  internal::IngestAuditDetail(ingested.outcomes)));
  // The change is stamped with the audit context's time; ingest without
  // one (tools, tests) reads the clock, as DeleteMember does.
  const absl::Time now = audit != nullptr ? audit->time : absl::Now();
  RAPPORT_RETURN_IF_ERROR(
      RecordMemberChanges(conn, tenant, ingested.members, now));
  return std::move(ingested.outcomes);
}

}  // namespace

absl::StatusOr<std::vector<AppendOutcome>> PgStore::AppendEvents(
    const TenantId& tenant, absl::Span<const model::Event> events,
    const AuditContext* audit) {
  std::vector<AppendOutcome> outcomes;
  if (events.empty()) return outcomes;
  RAPPORT_RETURN_IF_ERROR(
      pool_.Transaction([&](Connection& conn) -> absl::Status {
        RAPPORT_ASSIGN_OR_RETURN(
            outcomes, AppendInTransaction(conn, tenant, events, audit));
        return absl::OkStatus();
      }));
  return outcomes;
}

std::vector<absl::StatusOr<std::vector<AppendOutcome>>>
PgStore::AppendEventBatches(absl::Span<const EventBatch> batches) {
  if (batches.size() <= 1) return Store::AppendEventBatches(batches);
  // One transaction, so one commit, for the whole group.
  std::vector<std::vector<AppendOutcome>> outcomes(batches.size());
  const absl::Status merged =
      pool_.Transaction([&](Connection& conn) -> absl::Status {
        for (size_t i = 0; i < batches.size(); ++i) {
          const EventBatch& batch = batches[i];
          outcomes[i].clear();
          if (batch.events.empty()) continue;
          RAPPORT_ASSIGN_OR_RETURN(
              outcomes[i], AppendInTransaction(conn, batch.tenant, batch.events,
                                               batch.audit));
        }
        return absl::OkStatus();
      });
  if (!merged.ok()) {
    // Nothing of the group is stored: each batch alone, so that one
    // batch's failure is its own.
    return Store::AppendEventBatches(batches);
  }
  std::vector<absl::StatusOr<std::vector<AppendOutcome>>> results;
  results.reserve(batches.size());
  for (std::vector<AppendOutcome>& batch_outcomes : outcomes) {
    results.emplace_back(std::move(batch_outcomes));
  }
  return results;
}

absl::StatusOr<model::MemberActivity> PgStore::ReadActivity(
    const TenantId& tenant, const std::string& member_id, absl::Time from,
    absl::Time to) {
  if (from > to) {
    return absl::InvalidArgumentError("the range starts after it ends");
  }
  model::MemberActivity activity;
  RAPPORT_RETURN_IF_ERROR(
      pool_.WithConnection([&](Connection& conn) -> absl::Status {
        // One snapshot: the buckets and states agree with each other.
        return conn.Transaction([&](Connection& tx) -> absl::Status {
          RAPPORT_RETURN_IF_ERROR(tx.ExecScript(
              "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
          RAPPORT_ASSIGN_OR_RETURN(
              activity, ReadMemberActivity(tx, tenant, member_id, from, to));
          return absl::OkStatus();
        });
      }));
  return activity;
}

}  // namespace rapport::store::pg
