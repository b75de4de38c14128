#include "server/api/read_audit.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace rapport::api {
namespace {

// A batch this large is written without waiting for the period to end.
constexpr size_t kBatch = 1000;

}  // namespace

ReadAuditLog::ReadAuditLog(store::Store* store, const Clock* clock,
                           absl::Duration flush_every)
    : store_(store), clock_(clock), flush_every_(flush_every) {
  writer_ = std::thread([this] { Run(); });
}

ReadAuditLog::~ReadAuditLog() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  writer_.join();
  Flush();
}

void ReadAuditLog::Record(const auth::Principal& principal,
                          absl::string_view method,
                          absl::string_view member_id) {
  store::AuditEntry entry;
  entry.tenant = principal.tenant;
  entry.time = clock_->Now();
  entry.principal = principal.id;
  entry.role = std::string(auth::RoleName(principal.role));
  entry.method = std::string(method);
  entry.target = absl::StrCat("member:", member_id);
  entry.detail = "read";
  absl::MutexLock lock(&mu_);
  pending_.push_back(std::move(entry));
}

void ReadAuditLog::Flush() {
  absl::MutexLock flush_lock(&flush_mu_);
  std::vector<store::AuditEntry> batch;
  {
    absl::MutexLock lock(&mu_);
    batch.swap(pending_);
  }
  if (batch.empty()) return;
  // A failed write (storage down) loses these entries rather than stalling
  // reads behind an ever-growing queue; changes are audited in their own
  // transaction and never lost this way.
  store_->AppendAudit(batch).IgnoreError();
}

void ReadAuditLog::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || pending_.size() >= kBatch;
      };
      mu_.AwaitWithTimeout(absl::Condition(&ready), flush_every_);
      if (stopping_) return;
    }
    Flush();
  }
}

}  // namespace rapport::api
