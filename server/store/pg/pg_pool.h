// A bounded pool of PostgreSQL connections. A caller leases one connection
// for one operation; at most `size` are open at once, and a caller waits
// (up to a bound) for one to come back. A connection that was lost is
// closed when it comes back and a new one is opened on the next lease, so
// the store works again once the server does, without a restart.
//
// Thread-safe.
#ifndef RAPPORT_SERVER_STORE_PG_PG_POOL_H_
#define RAPPORT_SERVER_STORE_PG_PG_POOL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/store/pg/pg_connection.h"

namespace rapport::store::pg {

class PgPool {
 public:
  // `size` >= 1 connections to `uri`; none is opened before it is needed.
  PgPool(std::string uri, int size, absl::Duration wait);

  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // Runs `work` on a leased connection. UNAVAILABLE kStorageBusy when none
  // is free within the wait; UNAVAILABLE kStorageIoError when a new one
  // cannot be opened.
  absl::Status WithConnection(
      absl::FunctionRef<absl::Status(Connection&)> work);

  // Runs `work` in one transaction on a leased connection. A transaction
  // that fails with a serialization failure or a deadlock (SQLSTATE 40001,
  // 40P01) is run again, up to a few times, so callers see those only under
  // sustained contention.
  absl::Status Transaction(absl::FunctionRef<absl::Status(Connection&)> work);

  const std::string& uri() const { return uri_; }

 private:
  absl::StatusOr<std::unique_ptr<Connection>> Lease();
  void Return(std::unique_ptr<Connection> conn);

  const std::string uri_;
  const int size_;
  const absl::Duration wait_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;  // Leased or idle.
};

}  // namespace rapport::store::pg

#endif  // RAPPORT_SERVER_STORE_PG_PG_POOL_H_
