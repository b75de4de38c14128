// SqliteStore: the daily score history part of the Store.
#include <cmath>
#include <optional>
#include <utility>

#include "server/common/status_macros.h"
#include "server/store/daily_count_table.h"
#include "server/store/history_state_table.h"
#include "server/store/history_work_table.h"
#include "server/store/member_table.h"
#include "server/store/score_history_table.h"
#include "server/store/sqlite_connection.h"
#include "server/store/sqlite_store.h"

namespace rapport::store {

using internal::Connection;
using internal::InTransaction;
using internal::TransactionKind;

namespace {

bool IsFinite(const model::ScoreSnapshot& snapshot) {
  if (!std::isfinite(snapshot.total)) return false;
  for (double pillar : snapshot.pillars) {
    if (!std::isfinite(pillar)) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::vector<TenantId>> SqliteStore::ListTenants() {
  std::vector<TenantId> tenants;
  RAPPORT_RETURN_IF_ERROR(Read([&](Connection& conn) -> absl::Status {
    RAPPORT_ASSIGN_OR_RETURN(tenants, internal::ListMemberTenants(conn));
    return absl::OkStatus();
  }));
  return tenants;
}

absl::Status SqliteStore::WriteScoreSnapshots(
    const TenantId& tenant, absl::Span<const model::ScoreSnapshot> snapshots) {
  for (const model::ScoreSnapshot& snapshot : snapshots) {
    if (!IsFinite(snapshot)) {
      return absl::InvalidArgumentError("snapshot scores must be finite");
    }
  }
  if (snapshots.empty()) return absl::OkStatus();
  return Write([&](Connection& conn) {
    return InTransaction(conn, TransactionKind::kWrite, [&]() -> absl::Status {
      for (const model::ScoreSnapshot& snapshot : snapshots) {
        RAPPORT_RETURN_IF_ERROR(
            internal::PutScoreSnapshot(conn, tenant, snapshot));
      }
      return absl::OkStatus();
    });
  });
}

absl::StatusOr<std::vector<model::ScoreSnapshot>> SqliteStore::ReadScoreHistory(
    const TenantId& tenant, const std::string& member_id, absl::CivilDay first,
    absl::CivilDay last) {
  if (first > last) {
    return absl::InvalidArgumentError("the range starts after it ends");
  }
  std::vector<model::ScoreSnapshot> snapshots;
  RAPPORT_RETURN_IF_ERROR(Read([&](Connection& conn) {
    return InTransaction(conn, TransactionKind::kRead, [&]() -> absl::Status {
      RAPPORT_ASSIGN_OR_RETURN(bool exists,
                               internal::MemberExists(conn, tenant, member_id));
      if (!exists) return absl::NotFoundError("member not found");
      RAPPORT_ASSIGN_OR_RETURN(
          snapshots, internal::ReadMemberScores(conn, tenant, member_id,
                                                internal::DayNumber(first),
                                                internal::DayNumber(last)));
      return absl::OkStatus();
    });
  }));
  return snapshots;
}

absl::StatusOr<std::vector<model::ScoreSnapshot>> SqliteStore::ReadScoresOfDay(
    const TenantId& tenant, absl::CivilDay day) {
  std::vector<model::ScoreSnapshot> snapshots;
  RAPPORT_RETURN_IF_ERROR(Read([&](Connection& conn) -> absl::Status {
    RAPPORT_ASSIGN_OR_RETURN(
        snapshots,
        internal::ReadDayScores(conn, tenant, internal::DayNumber(day)));
    return absl::OkStatus();
  }));
  return snapshots;
}

absl::StatusOr<std::vector<HistoryWork>> SqliteStore::ListHistoryWork(
    const TenantId& tenant, int limit) {
  std::vector<HistoryWork> work;
  RAPPORT_RETURN_IF_ERROR(Read([&](Connection& conn) -> absl::Status {
    RAPPORT_ASSIGN_OR_RETURN(
        work, internal::ListHistoryWorkRows(conn, tenant, limit));
    return absl::OkStatus();
  }));
  return work;
}

absl::Status SqliteStore::CompleteHistoryWork(const TenantId& tenant,
                                              const HistoryWork& work) {
  return Write([&](Connection& conn) {
    return InTransaction(conn, TransactionKind::kWrite, [&]() {
      return internal::DeleteHistoryWorkIfVersion(conn, tenant, work);
    });
  });
}

absl::Status SqliteStore::CompleteHistoryWorkBatch(
    const TenantId& tenant, absl::Span<const HistoryWork> work) {
  if (work.empty()) return absl::OkStatus();
  return Write([&](Connection& conn) {
    return InTransaction(conn, TransactionKind::kWrite, [&]() -> absl::Status {
      for (const HistoryWork& entry : work) {
        RAPPORT_RETURN_IF_ERROR(
            internal::DeleteHistoryWorkIfVersion(conn, tenant, entry));
      }
      return absl::OkStatus();
    });
  });
}

absl::StatusOr<std::optional<absl::CivilDay>> SqliteStore::RecordedThrough(
    const TenantId& tenant) {
  std::optional<int64_t> day;
  RAPPORT_RETURN_IF_ERROR(Read([&](Connection& conn) -> absl::Status {
    RAPPORT_ASSIGN_OR_RETURN(day, internal::ReadRecordedThrough(conn, tenant));
    return absl::OkStatus();
  }));
  if (!day.has_value()) return std::nullopt;
  return internal::CivilDayOf(*day);
}

absl::Status SqliteStore::SetRecordedThrough(const TenantId& tenant,
                                             absl::CivilDay day) {
  return Write([&](Connection& conn) {
    return InTransaction(conn, TransactionKind::kWrite, [&]() {
      return internal::WriteRecordedThrough(conn, tenant,
                                            internal::DayNumber(day));
    });
  });
}

}  // namespace rapport::store
