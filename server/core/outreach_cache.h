// OutreachCache: every member's outreach report over the default window
// (the kDays UTC days ending now, and the window before it), per tenant and
// team, with each team's pooled report, kept current incrementally so that
// a team report at the default window costs what it shows rather than a
// read of every member.
//
// A background thread keeps the reports of every tenant it has been told
// of, by a change (OnMembersChanged) or a call (Get, Sync), from then on:
// a tenant's first snapshot reads every member; after that only the members
// reported changed (OnMembersChanged) are read again and only their teams
// re-pooled; every member is read again when the UTC day changes and every
// full_refresh_interval. Each refresh publishes a new immutable snapshot.
//
// Thread-safe. Readers never wait for a build: Get() returns the newest
// published snapshot of today, or none while there is none (the tenant's
// first build, or the first of a new day, is under way), and the caller
// then reads the store itself. A report in a snapshot was computed at its
// member's latest refresh of the day: figures that move with time alone (a
// thread becoming unanswered, a contact going quiet) lag by up to
// full_refresh_interval; changes lag by up to refresh_interval plus the
// refresh under way (one thread serves every tenant: a full read of a
// large tenant takes seconds) and their own.
#ifndef RAPPORT_SERVER_CORE_OUTREACH_CACHE_H_
#define RAPPORT_SERVER_CORE_OUTREACH_CACHE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/common/clock.h"
#include "server/common/thread_priority.h"
#include "server/outreach/options.h"
#include "server/outreach/report.h"
#include "server/outreach/team.h"
#include "server/store/member_change_listener.h"
#include "server/store/store.h"

namespace rapport::core {

struct OutreachCacheOptions {
  // The analysis of the cached reports; reports asked for with other
  // options are not served from the cache.
  outreach::OutreachOptions analysis;
  // After refreshing a tenant, the thread waits this long before its next
  // refresh, so that changes arriving meanwhile are read in one pass.
  // Zero: every change is seen at once, Get() waiting for the refresh of
  // the members changed since the last one (never for a whole build).
  absl::Duration refresh_interval = absl::Seconds(1);
  // Every member is read again at least this often; zero reads everyone
  // again only when the UTC day changes.
  absl::Duration full_refresh_interval = absl::Hours(1);
  // How often the thread looks at the clock for a new UTC day when no
  // change wakes it.
  absl::Duration poll_interval = absl::Seconds(1);
  // The nice value of the thread (thread_priority.h): refreshes yield the
  // CPU to the threads that answer calls. 0 keeps the process's priority.
  int background_nice = kBackgroundNice;
};

// One team's cached reports. Immutable once published.
struct CachedTeam {
  // Each member's report, by member_id (unanswered threads' member_id set).
  std::map<std::string, std::shared_ptr<const outreach::OutreachReport>>
      members;
  // outreach::PoolTeam() of `members`, with the cache's analysis.
  std::shared_ptr<const outreach::TeamReport> pooled;
  // The members' present reply rates (the analysis' min_rate_sample),
  // sorted: with `pooled`'s summed counts, a member's comparison with the
  // team is read off them (outreach::CompareSorted), not summed from every
  // teammate per call.
  std::vector<double> sorted_rates;

  // The members' current reply counts, summed (from `pooled`).
  outreach::ReplyCounts Counts() const {
    return {.threads_started = pooled->current.threads_started,
            .threads_answered = pooled->current.threads_answered};
  }
};

// One tenant's cached reports. Immutable once published.
struct OutreachSnapshot {
  // The UTC day every report in it ends on.
  absl::CivilDay day;
  // Teams with at least one member, by name.
  std::map<std::string, std::shared_ptr<const CachedTeam>> teams;

  // The team, or null when it has no member.
  const CachedTeam* Team(const std::string& name) const;
};

class OutreachCache final : public store::MemberChangeListener {
 public:
  // The window of the cached reports, in UTC days ending now.
  static constexpr int kDays = 30;

  // Starts the background thread. Neither pointer is owned; both must
  // outlive the cache.
  OutreachCache(store::Store* store, const Clock* clock,
                OutreachCacheOptions options);
  // Stops the background thread, after the refresh under way.
  ~OutreachCache() override;

  OutreachCache(const OutreachCache&) = delete;
  OutreachCache& operator=(const OutreachCache&) = delete;

  const outreach::OutreachOptions& analysis() const {
    return options_.analysis;
  }

  // The tenant's newest snapshot when it is of the clock's current UTC day;
  // null otherwise. Never waits for a build (but see refresh_interval): a
  // call for a tenant not yet cached, or whose snapshot is of an earlier
  // day, asks the thread to build it and returns null.
  std::shared_ptr<const OutreachSnapshot> Get(const store::TenantId& tenant);

  // The tenant's newest snapshot, of whatever day; null when none is
  // published yet. Asks for nothing (for tests and status).
  std::shared_ptr<const OutreachSnapshot> Newest(
      const store::TenantId& tenant) const;

  // Waits until the tenant's snapshot is of the clock's current UTC day and
  // holds every change reported before the call, and returns OK; or
  // returns the store's error when a refresh started after the call fails.
  // For start-up warming, tests and benchmarks: requests use Get().
  absl::Status Sync(const store::TenantId& tenant);

  void OnMembersChanged(const store::TenantId& tenant,
                        const std::vector<std::string>& member_ids) override;

 private:
  struct Tenant {
    std::shared_ptr<const OutreachSnapshot> snapshot;
    std::set<std::string> dirty;  // Members to read again.
    bool full = true;             // Everyone to read again.
    absl::Time last_full = absl::InfinitePast();
    uint64_t reported = 0;    // Changes reported so far.
    uint64_t applied = 0;     // Of those, the ones the snapshot holds.
    uint64_t jobs = 0;        // Refreshes started, numbered from 1.
    uint64_t failed_job = 0;  // The number of the last one that failed.
    absl::Status last_error;  // Its error; OK after a success.
  };
  // What one refresh of a tenant works from.
  struct Job {
    store::TenantId tenant;
    std::shared_ptr<const OutreachSnapshot> previous;  // Null: full build.
    std::set<std::string> dirty;
    uint64_t reported = 0;
    absl::Time now;
    uint64_t number = 0;
  };

  void Run();
  bool Woken() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return wake_ || stop_;
  }
  bool HasWork(const Tenant& t, absl::Time now) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Takes the work of a tenant that has some; false when none has.
  bool TakeJob(Job& job) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The snapshot after `job`, from the store. Touches team_of_ only when it
  // succeeds. Runs on the thread, without mu_.
  absl::StatusOr<std::shared_ptr<const OutreachSnapshot>> Refresh(
      const Job& job);
  absl::StatusOr<std::shared_ptr<const OutreachSnapshot>> BuildAll(
      const Job& job);
  absl::StatusOr<std::shared_ptr<const OutreachSnapshot>> Update(
      const Job& job);
  std::shared_ptr<const CachedTeam> Pool(
      std::map<std::string, std::shared_ptr<const outreach::OutreachReport>>
          members) const;

  store::Store* const store_;
  const Clock* const clock_;
  const OutreachCacheOptions options_;

  mutable absl::Mutex mu_;
  absl::CondVar changed_;  // Signalled when a refresh finishes.
  std::map<store::TenantId, Tenant> tenants_ ABSL_GUARDED_BY(mu_);
  // The tenant refreshed last: the next refresh looks after it first, so
  // that a busy tenant does not starve the others.
  store::TenantId last_refreshed_ ABSL_GUARDED_BY(mu_);
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  // The team of each cached member, per tenant. Only the thread touches it.
  std::map<store::TenantId, std::map<std::string, std::string>> team_of_;
  std::thread thread_;  // Last: starts once the rest is ready.
};

}  // namespace rapport::core

#endif  // RAPPORT_SERVER_CORE_OUTREACH_CACHE_H_
