#include "server/core/outreach_cache.h"

#include <algorithm>
#include <utility>

#include "server/common/status_macros.h"
#include "server/core/outreach_read.h"
#include "server/outreach/compare.h"
#include "server/store/list_all_members.h"

namespace rapport::core {
namespace {

using MemberReports =
    std::map<std::string, std::shared_ptr<const outreach::OutreachReport>>;

absl::CivilDay DayOf(absl::Time t) {
  return absl::ToCivilDay(t, absl::UTCTimeZone());
}

}  // namespace

const CachedTeam* OutreachSnapshot::Team(const std::string& name) const {
  auto it = teams.find(name);
  return it == teams.end() ? nullptr : it->second.get();
}

OutreachCache::OutreachCache(store::Store* store, const Clock* clock,
                             OutreachCacheOptions options)
    : store_(store),
      clock_(clock),
      options_(std::move(options)),
      thread_([this] { Run(); }) {}

OutreachCache::~OutreachCache() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  thread_.join();
}

std::shared_ptr<const OutreachSnapshot> OutreachCache::Get(
    const store::TenantId& tenant) {
  const absl::CivilDay today = DayOf(clock_->Now());
  absl::MutexLock lock(&mu_);
  Tenant& t = tenants_[tenant];
  if (t.snapshot == nullptr || t.snapshot->day != today) {
    // Not cached yet, or of an earlier day: the thread builds it meanwhile.
    t.full = true;
    wake_ = true;
    return nullptr;
  }
  if (options_.refresh_interval == absl::ZeroDuration() &&
      t.applied < t.reported) {
    // Every change is to be seen at once: wait for the refresh of the
    // members changed (never for a build of the whole tenant).
    const uint64_t reported = t.reported;
    const uint64_t jobs = t.jobs;
    wake_ = true;
    while (t.applied < reported) {
      if (t.failed_job > jobs) return nullptr;
      if (t.snapshot->day != today) return nullptr;
      changed_.Wait(&mu_);
    }
  }
  return t.snapshot;
}

std::shared_ptr<const OutreachSnapshot> OutreachCache::Newest(
    const store::TenantId& tenant) const {
  absl::MutexLock lock(&mu_);
  auto it = tenants_.find(tenant);
  return it == tenants_.end() ? nullptr : it->second.snapshot;
}

absl::Status OutreachCache::Sync(const store::TenantId& tenant) {
  const absl::CivilDay today = DayOf(clock_->Now());
  absl::MutexLock lock(&mu_);
  Tenant& t = tenants_[tenant];
  const uint64_t reported = t.reported;
  const uint64_t jobs = t.jobs;
  wake_ = true;
  while (true) {
    if (t.snapshot != nullptr && t.snapshot->day >= today &&
        t.applied >= reported) {
      return absl::OkStatus();
    }
    if (t.failed_job > jobs) return t.last_error;
    changed_.Wait(&mu_);
  }
}

void OutreachCache::OnMembersChanged(
    const store::TenantId& tenant, const std::vector<std::string>& member_ids) {
  absl::MutexLock lock(&mu_);
  // A tenant first seen here (created by this change, or not yet asked
  // for) is built whole now, so that its first report finds it.
  Tenant& t = tenants_[tenant];
  t.dirty.insert(member_ids.begin(), member_ids.end());
  ++t.reported;
  wake_ = true;
}

bool OutreachCache::HasWork(const Tenant& t, absl::Time now) const {
  if (t.full || !t.dirty.empty()) return true;
  if (t.snapshot == nullptr) return false;
  if (t.snapshot->day != DayOf(now)) return true;
  return options_.full_refresh_interval > absl::ZeroDuration() &&
         now - t.last_full >= options_.full_refresh_interval;
}

bool OutreachCache::TakeJob(Job& job) {
  const absl::Time now = clock_->Now();
  // The tenants after the one refreshed last, then the others.
  auto pick = tenants_.upper_bound(last_refreshed_);
  for (size_t i = 0; i < tenants_.size(); ++i, ++pick) {
    if (pick == tenants_.end()) pick = tenants_.begin();
    Tenant& t = pick->second;
    if (!HasWork(t, now)) continue;
    const bool full = t.full || t.snapshot == nullptr ||
                      t.snapshot->day != DayOf(now) ||
                      (options_.full_refresh_interval > absl::ZeroDuration() &&
                       now - t.last_full >= options_.full_refresh_interval);
    job.tenant = pick->first;
    job.previous = full ? nullptr : t.snapshot;
    job.dirty.clear();
    job.dirty.swap(t.dirty);
    job.reported = t.reported;
    job.now = now;
    job.number = ++t.jobs;
    t.full = false;
    last_refreshed_ = pick->first;
    return true;
  }
  return false;
}

void OutreachCache::Run() {
  LowerThisThreadPriorityOrLog(options_.background_nice);
  mu_.Lock();
  while (!stop_) {
    Job job;
    if (!TakeJob(job)) {
      mu_.AwaitWithTimeout(absl::Condition(this, &OutreachCache::Woken),
                           options_.poll_interval);
      wake_ = false;
      continue;
    }
    mu_.Unlock();
    absl::StatusOr<std::shared_ptr<const OutreachSnapshot>> snapshot =
        Refresh(job);
    mu_.Lock();
    Tenant& t = tenants_[job.tenant];
    if (snapshot.ok()) {
      t.snapshot = *std::move(snapshot);
      t.applied = job.reported;
      if (job.previous == nullptr) t.last_full = job.now;
      t.last_error = absl::OkStatus();
    } else {
      // Tried again at the next pass: nothing taken is lost.
      t.last_error = snapshot.status();
      t.failed_job = job.number;
      t.dirty.insert(job.dirty.begin(), job.dirty.end());
      if (job.previous == nullptr) t.full = true;
    }
    changed_.SignalAll();
    // A pause to gather changes; after a failure, at least until the next
    // poll, so that a store that keeps failing is not read in a loop.
    const absl::Duration pause =
        t.last_error.ok()
            ? options_.refresh_interval
            : std::max(options_.refresh_interval, options_.poll_interval);
    if (pause > absl::ZeroDuration()) {
      mu_.AwaitWithTimeout(absl::Condition(&stop_), pause);
    }
  }
  mu_.Unlock();
}

absl::StatusOr<std::shared_ptr<const OutreachSnapshot>> OutreachCache::Refresh(
    const Job& job) {
  return job.previous == nullptr ? BuildAll(job) : Update(job);
}

std::shared_ptr<const CachedTeam> OutreachCache::Pool(
    MemberReports members) const {
  auto team = std::make_shared<CachedTeam>();
  team->members = std::move(members);
  std::vector<const outreach::OutreachReport*> reports;
  std::vector<outreach::ReplyCounts> counts;
  reports.reserve(team->members.size());
  counts.reserve(team->members.size());
  for (const auto& [id, report] : team->members) {
    reports.push_back(report.get());
    counts.push_back({.threads_started = report->current.threads_started,
                      .threads_answered = report->current.threads_answered});
  }
  team->sorted_rates =
      outreach::SortedRates(counts, options_.analysis.min_rate_sample);
  team->pooled = std::make_shared<const outreach::TeamReport>(
      outreach::PoolTeam(reports, options_.analysis.max_unanswered,
                         options_.analysis.min_rate_sample));
  return team;
}

absl::StatusOr<std::shared_ptr<const OutreachSnapshot>> OutreachCache::BuildAll(
    const Job& job) {
  RAPPORT_ASSIGN_OR_RETURN(std::vector<model::Member> all,
                           store::ListAllMembers(*store_, job.tenant));
  std::map<std::string, MemberReports> teams;
  std::map<std::string, std::string> team_of;
  for (const model::Member& m : all) {
    {
      // A large tenant's build takes a while: a stop does not wait for it.
      absl::MutexLock lock(&mu_);
      if (stop_) return absl::CancelledError("the outreach cache is stopping");
    }
    absl::StatusOr<outreach::OutreachReport> report = ReadOutreachReport(
        *store_, job.tenant, m.member_id, job.now, kDays, options_.analysis);
    if (absl::IsNotFound(report.status())) continue;  // Deleted meanwhile.
    if (!report.ok()) return report.status();
    teams[m.team][m.member_id] =
        std::make_shared<const outreach::OutreachReport>(*std::move(report));
    team_of[m.member_id] = m.team;
  }
  auto snapshot = std::make_shared<OutreachSnapshot>();
  snapshot->day = DayOf(job.now);
  for (auto& [name, members] : teams) {
    snapshot->teams[name] = Pool(std::move(members));
  }
  team_of_[job.tenant] = std::move(team_of);
  return snapshot;
}

absl::StatusOr<std::shared_ptr<const OutreachSnapshot>> OutreachCache::Update(
    const Job& job) {
  // Every read first, so that a failure changes nothing.
  struct Read {
    std::string team;  // Empty: the member is gone.
    std::shared_ptr<const outreach::OutreachReport> report;
  };
  std::map<std::string, Read> reads;
  for (const std::string& id : job.dirty) {
    Read& read = reads[id];
    absl::StatusOr<model::Member> member = store_->GetMember(job.tenant, id);
    if (absl::IsNotFound(member.status())) continue;  // Deleted.
    if (!member.ok()) return member.status();
    absl::StatusOr<outreach::OutreachReport> report = ReadOutreachReport(
        *store_, job.tenant, id, job.now, kDays, options_.analysis);
    if (absl::IsNotFound(report.status())) continue;  // Deleted meanwhile.
    if (!report.ok()) return report.status();
    read.team = member->team;
    read.report =
        std::make_shared<const outreach::OutreachReport>(*std::move(report));
  }
  // The teams the changed members leave or join, edited from copies.
  std::map<std::string, std::string>& team_of = team_of_[job.tenant];
  std::map<std::string, MemberReports> edited;
  auto edit = [&](const std::string& team) -> MemberReports& {
    auto it = edited.find(team);
    if (it != edited.end()) return it->second;
    MemberReports& members = edited[team];
    if (const CachedTeam* cached = job.previous->Team(team)) {
      members = cached->members;
    }
    return members;
  };
  for (auto& [id, read] : reads) {
    if (auto old = team_of.find(id); old != team_of.end()) {
      edit(old->second).erase(id);
      team_of.erase(old);
    }
    if (read.report == nullptr) continue;
    edit(read.team)[id] = std::move(read.report);
    team_of[id] = read.team;
  }
  auto snapshot = std::make_shared<OutreachSnapshot>();
  snapshot->day = job.previous->day;
  snapshot->teams = job.previous->teams;
  for (auto& [name, members] : edited) {
    if (members.empty()) {
      snapshot->teams.erase(name);
    } else {
      snapshot->teams[name] = Pool(std::move(members));
    }
  }
  return snapshot;
}

}  // namespace rapport::core
