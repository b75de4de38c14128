// The audit of reads (`rapportd --audit_reads`): who read which member's
// score. Reads are far more frequent than changes, so their entries are
// queued and written in batches off the request path, at most `flush_every`
// after the read; an entry still queued when the server stops is written
// as it stops.
#ifndef RAPPORT_SERVER_API_READ_AUDIT_H_
#define RAPPORT_SERVER_API_READ_AUDIT_H_

#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/auth/principal.h"
#include "server/common/clock.h"
#include "server/store/store.h"

namespace rapport::api {

class ReadAuditLog {
 public:
  // `store` and `clock` must outlive the log.
  ReadAuditLog(store::Store* store, const Clock* clock,
               absl::Duration flush_every = absl::Seconds(1));
  // Writes what is queued.
  ~ReadAuditLog();
  ReadAuditLog(const ReadAuditLog&) = delete;
  ReadAuditLog& operator=(const ReadAuditLog&) = delete;

  // Queues "`principal` read `member_id` through `method`, now".
  void Record(const auth::Principal& principal, absl::string_view method,
              absl::string_view member_id);

  // Writes what is queued now (tests; the writer thread does it on its own).
  void Flush();

 private:
  void Run();

  store::Store* const store_;
  const Clock* const clock_;
  const absl::Duration flush_every_;
  absl::Mutex mu_;
  std::vector<store::AuditEntry> pending_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Mutex flush_mu_;  // One writer of a batch at a time.
  std::thread writer_;
};

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_READ_AUDIT_H_
