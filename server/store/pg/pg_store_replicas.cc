// The member change log's reads and pruning, and the deployment's lease.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/common/status_macros.h"
#include "server/store/pg/pg_store.h"

namespace rapport::store::pg {
namespace {

// The advisory lock of the deployment's lease: apart from the migrations'
// (pg_migrations.h), "Rapport" 2.
constexpr int64_t kLeaseLockKey = 0x52617070'6f727402;

}  // namespace

struct PgStore::ReplicaLease {
  std::unique_ptr<Connection> conn;
  bool held = false;
};

absl::StatusOr<int64_t> PgStore::MemberChangeSeq(const TenantId& tenant) {
  int64_t seq = 0;
  RAPPORT_RETURN_IF_ERROR(pool_.WithConnection([&](Connection& conn) {
    RAPPORT_ASSIGN_OR_RETURN(
        Result result,
        conn.Exec("SELECT seq FROM member_change_seq WHERE tenant = $1",
                  Params().Add(tenant)));
    if (result.rows() > 0) seq = result.Int(0, 0);
    return absl::OkStatus();
  }));
  return seq;
}

absl::StatusOr<std::vector<std::pair<TenantId, int64_t>>>
PgStore::MemberChangeSeqs() {
  std::vector<std::pair<TenantId, int64_t>> seqs;
  RAPPORT_RETURN_IF_ERROR(pool_.WithConnection([&](Connection& conn) {
    RAPPORT_ASSIGN_OR_RETURN(
        Result result,
        conn.Exec("SELECT tenant, seq FROM member_change_seq ORDER BY tenant"));
    for (int row = 0; row < result.rows(); ++row) {
      seqs.emplace_back(result.String(row, 0), result.Int(row, 1));
    }
    return absl::OkStatus();
  }));
  return seqs;
}

absl::StatusOr<MemberChanges> PgStore::ReadMemberChanges(const TenantId& tenant,
                                                         int64_t after_seq,
                                                         int limit) {
  if (limit < 1) return absl::InvalidArgumentError("limit must be >= 1");
  if (after_seq < 0) {
    return absl::InvalidArgumentError("after_seq must be >= 0");
  }
  // Numbers have no gaps (a write that rolls back gives its number back),
  // so a window of numbers is a range. One statement, one snapshot: the
  // counter, the oldest number kept and the window's rows agree.
  const int64_t upto = after_seq + limit;
  MemberChanges changes;
  RAPPORT_RETURN_IF_ERROR(pool_.WithConnection([&](Connection& conn) {
    RAPPORT_ASSIGN_OR_RETURN(
        Result result,
        conn.Exec(
            "SELECT s.seq, "
            " (SELECT min(o.seq) FROM member_changes o WHERE o.tenant = $1), "
            " c.seq, c.member_id "
            "FROM member_change_seq s "
            "LEFT JOIN member_changes c ON c.tenant = s.tenant "
            " AND c.seq > $2 AND c.seq <= $3 "
            "WHERE s.tenant = $1 ORDER BY c.seq",
            Params().Add(tenant).Add(after_seq).Add(upto)));
    if (result.rows() == 0) {  // No change ever.
      changes.pruned = after_seq > 0;
      return absl::OkStatus();
    }
    const int64_t newest = result.Int(0, 0);
    const std::optional<int64_t> oldest = result.OptionalInt(0, 1);
    if (after_seq > newest ||
        (newest > after_seq &&
         (!oldest.has_value() || *oldest > after_seq + 1))) {
      changes.pruned = after_seq != newest;
      changes.seq = newest;
      return absl::OkStatus();
    }
    for (int row = 0; row < result.rows(); ++row) {
      if (result.IsNull(row, 2)) continue;
      changes.member_ids.push_back(result.String(row, 3));
    }
    changes.seq = std::min(newest, upto);
    changes.more = newest > upto;
    return absl::OkStatus();
  }));
  std::sort(changes.member_ids.begin(), changes.member_ids.end());
  changes.member_ids.erase(
      std::unique(changes.member_ids.begin(), changes.member_ids.end()),
      changes.member_ids.end());
  return changes;
}

absl::StatusOr<int64_t> PgStore::PruneMemberChanges(const TenantId& tenant,
                                                    absl::Time before) {
  int64_t removed = 0;
  RAPPORT_RETURN_IF_ERROR(pool_.WithConnection([&](Connection& conn) {
    RAPPORT_ASSIGN_OR_RETURN(
        Result result, conn.Exec("DELETE FROM member_changes WHERE tenant = $1 "
                                 "AND change_time < $2",
                                 Params().Add(tenant).AddTime(before)));
    removed = result.affected();
    return absl::OkStatus();
  }));
  return removed;
}

absl::StatusOr<bool> PgStore::HoldLease() {
  absl::MutexLock lock(&lease_mu_);
  if (lease_ == nullptr) lease_ = std::make_shared<ReplicaLease>();
  ReplicaLease& lease = *lease_;
  if (lease.conn != nullptr && !lease.conn->healthy()) {
    lease.conn.reset();  // Lost: so is the lock, server side.
    lease.held = false;
  }
  if (lease.conn == nullptr) {
    absl::StatusOr<std::unique_ptr<Connection>> opened =
        Connection::Open(pool_.uri());
    if (!opened.ok()) return opened.status();
    lease.conn = *std::move(opened);
  }
  // Held: a round trip proves the session (and so the lock) is still
  // there. Not held: try to take it; a lock taken twice by one session
  // would stack, so it is asked for only while not held.
  absl::StatusOr<Result> result =
      lease.held ? lease.conn->Exec("SELECT 1")
                 : lease.conn->Exec("SELECT pg_try_advisory_lock($1)::int",
                                    Params().Add(kLeaseLockKey));
  if (!result.ok()) {
    lease.conn.reset();
    lease.held = false;
    return result.status();
  }
  if (!lease.held) lease.held = result->Bool(0, 0);
  return lease.held;
}

}  // namespace rapport::store::pg
