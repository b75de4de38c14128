#include "server/store/pg/pg_pool.h"

#include <utility>

#include "server/store/errors.h"

namespace rapport::store::pg {
namespace {

constexpr int kTransactionAttempts = 5;

bool IsRetryable(const absl::Status& status) {
  const std::string state = SqlStateOf(status);
  return state == "40001" || state == "40P01";
}

}  // namespace

PgPool::PgPool(std::string uri, int size, absl::Duration wait)
    : uri_(std::move(uri)), size_(size < 1 ? 1 : size), wait_(wait) {}

absl::StatusOr<std::unique_ptr<Connection>> PgPool::Lease() {
  {
    absl::MutexLock lock(&mu_);
    auto available = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < size_;
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&available), wait_)) {
      return absl::UnavailableError(kStorageBusy);
    }
    if (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++open_;  // Reserved while it opens, outside the lock.
  }
  absl::StatusOr<std::unique_ptr<Connection>> conn = Connection::Open(uri_);
  if (!conn.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
  }
  return conn;
}

void PgPool::Return(std::unique_ptr<Connection> conn) {
  absl::MutexLock lock(&mu_);
  if (conn->healthy()) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;  // Closed as it goes out of scope; replaced on demand.
  }
}

absl::Status PgPool::WithConnection(
    absl::FunctionRef<absl::Status(Connection&)> work) {
  absl::StatusOr<std::unique_ptr<Connection>> conn = Lease();
  if (!conn.ok()) return conn.status();
  absl::Status status = work(**conn);
  Return(*std::move(conn));
  return status;
}

absl::Status PgPool::Transaction(
    absl::FunctionRef<absl::Status(Connection&)> work) {
  absl::Status status;
  for (int attempt = 0; attempt < kTransactionAttempts; ++attempt) {
    status = WithConnection(
        [&](Connection& conn) { return conn.Transaction(work); });
    if (!IsRetryable(status)) return status;
  }
  return status;
}

}  // namespace rapport::store::pg
