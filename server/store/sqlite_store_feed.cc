// SqliteStore: the score changes feed. A tracker pass's changes are one
// transaction (one disk sync), however many members changed.
#include <cmath>
#include <vector>

#include "server/common/status_macros.h"
#include "server/store/score_change_table.h"
#include "server/store/sqlite_connection.h"
#include "server/store/sqlite_store.h"

namespace rapport::store {

using internal::Connection;
using internal::InTransaction;
using internal::TransactionKind;

absl::StatusOr<std::vector<ScoreFeedEntry>> SqliteStore::ReadScoreFeed(
    const TenantId& tenant) {
  std::vector<ScoreFeedEntry> entries;
  RAPPORT_RETURN_IF_ERROR(Read([&](Connection& conn) -> absl::Status {
    RAPPORT_ASSIGN_OR_RETURN(entries, internal::SelectScoreFeed(conn, tenant));
    return absl::OkStatus();
  }));
  return entries;
}

absl::StatusOr<int64_t> SqliteStore::WriteScoreFeed(
    const TenantId& tenant, absl::Span<const ScoreFeedRow> changes,
    absl::Time now) {
  for (const ScoreFeedRow& change : changes) {
    bool finite = std::isfinite(change.ssi);
    for (double pillar : change.pillars)
      finite = finite && std::isfinite(pillar);
    if (!finite) {
      return absl::InvalidArgumentError("a score figure is not finite");
    }
  }
  int64_t written = 0;
  if (changes.empty()) return written;
  RAPPORT_RETURN_IF_ERROR(Write([&](Connection& conn) {
    return InTransaction(conn, TransactionKind::kWrite, [&]() -> absl::Status {
      RAPPORT_ASSIGN_OR_RETURN(
          written, internal::PutScoreFeedRows(conn, tenant, changes, now));
      return absl::OkStatus();
    });
  }));
  return written;
}

absl::StatusOr<int64_t> SqliteStore::ScoreFeedSeq(const TenantId& tenant) {
  int64_t seq = 0;
  RAPPORT_RETURN_IF_ERROR(Read([&](Connection& conn) -> absl::Status {
    RAPPORT_ASSIGN_OR_RETURN(seq, internal::SelectScoreFeedSeq(conn, tenant));
    return absl::OkStatus();
  }));
  return seq;
}

absl::StatusOr<ScoreFeedPage> SqliteStore::ListScoreFeed(
    const TenantId& tenant, const ScoreFeedQuery& query) {
  if (query.page_size < 1) {
    return absl::InvalidArgumentError("page_size must be >= 1");
  }
  ScoreFeedPage page;
  RAPPORT_RETURN_IF_ERROR(Read([&](Connection& conn) -> absl::Status {
    RAPPORT_ASSIGN_OR_RETURN(
        page, internal::SelectScoreFeedPage(conn, tenant, query));
    return absl::OkStatus();
  }));
  return page;
}

}  // namespace rapport::store
