#include "server/board/score_board.h"

#include <algorithm>
#include <limits>
#include <thread>
#include <utility>

#include "absl/synchronization/notification.h"
#include "server/common/worker_pool.h"
#include "server/model/score_snapshot.h"
#include "server/outreach/report.h"
#include "server/store/list_all_members.h"

namespace rapport::board {
namespace {

absl::CivilDay DayOf(absl::Time t) {
  return absl::ToCivilDay(t, absl::UTCTimeZone());
}

// Appends the members in `scored` to `members`, leaving out those deleted
// while they were scored (NOT_FOUND); the first other error.
absl::Status AppendScored(
    std::vector<absl::StatusOr<std::shared_ptr<const MemberScore>>>& scored,
    std::vector<std::shared_ptr<const MemberScore>>& members) {
  for (auto& s : scored) {
    if (absl::IsNotFound(s.status())) continue;
    if (!s.ok()) return s.status();
    members.push_back(*std::move(s));
  }
  return absl::OkStatus();
}

// Whether a refresh interval has passed since `built_at`. A clock that
// stepped back (now before built_at) counts as passed: the board must not
// wait for the clock to catch up with its last build.
bool IntervalPassed(absl::Time now, absl::Time built_at,
                    absl::Duration interval) {
  return now < built_at || now - built_at >= interval;
}

// The members of `board` holding events dated after the board's instant
// (the clock's skew allows a little, a clock stepped back more): their
// scores change as the clock reaches those events, with no new change
// reported, so each refresh at a later instant re-scores them.
std::set<std::string> MembersAhead(const Board& board) {
  std::set<std::string> ahead;
  for (const auto& m : board.members()) {
    if (m->member.last_event_time.has_value() &&
        *m->member.last_event_time > board.as_of()) {
      ahead.insert(m->member.member_id);
    }
  }
  return ahead;
}

}  // namespace

absl::Time PreviousInstant(absl::Time as_of, int days) {
  return model::EndOfDay(DayOf(as_of) - days);
}

absl::CivilDay PastBoardDay(absl::Time as_of) {
  const absl::CivilDay day = DayOf(as_of);
  return as_of == model::EndOfDay(day) ? day : day - 1;
}

ScoreBoard::ScoreBoard(store::Store* store, const scoring::ScoringModel* model,
                       const Clock* clock, ScoreBoardOptions options)
    : store_(store),
      model_(model),
      clock_(clock),
      options_(options),
      builder_(std::make_unique<SerialExecutor>(static_cast<size_t>(-1),
                                                options_.background_nice)) {}

ScoreBoard::~ScoreBoard() {
  Stop();
  builder_.reset();
}

absl::StatusOr<scoring::ScoreResult> ScoreBoard::ScoreOne(
    const store::TenantId& tenant, const model::Member& member,
    absl::Time as_of) {
  return ScoreOne(tenant, member, as_of, nullptr, nullptr, nullptr);
}

absl::StatusOr<scoring::ScoreResult> ScoreBoard::ScoreOne(
    const store::TenantId& tenant, const model::Member& member,
    absl::Time as_of, OutreachSummary* outreach_30d,
    scoring::Forecast* forecast, scoring::ScoreFacts* facts) {
  const absl::Time outreach_start =
      outreach::WindowStart(as_of, kOutreachSummaryDays);
  absl::Time from = as_of - absl::Hours(24) * model_->window_days;
  if (outreach_30d != nullptr) from = std::min(from, outreach_start);
  absl::StatusOr<model::MemberActivity> activity =
      store_->ReadActivity(tenant, member.member_id, from, as_of);
  if (!activity.ok()) return activity.status();
  if (outreach_30d != nullptr) {
    const outreach::OutreachStats stats = outreach::ComputeStats(
        *activity, outreach_start, as_of, options_.outreach);
    outreach_30d->threads_started = stats.threads_started;
    outreach_30d->threads_answered = stats.threads_answered;
  }
  scoring::ScoreResult score =
      facts != nullptr
          ? scoring::ScoreFigures(*model_, member.profile, *activity, as_of,
                                  facts)
          : scoring::Score(*model_, member.profile, *activity, as_of);
  if (forecast != nullptr) {
    *forecast =
        scoring::ProjectScore(*model_, member.profile, *activity, as_of, score);
  }
  return score;
}

absl::StatusOr<std::shared_ptr<const MemberScore>> ScoreBoard::ScoreMember(
    const store::TenantId& tenant, model::Member member, absl::Time as_of,
    const scoring::MemberTotals* recorded_7d_ago, bool details) {
  auto entry = std::make_shared<MemberScore>();
  auto facts = std::make_shared<scoring::ScoreFacts>();
  absl::StatusOr<scoring::ScoreResult> now =
      ScoreOne(tenant, member, as_of, details ? &entry->outreach_30d : nullptr,
               details ? &entry->forecast : nullptr, facts.get());
  if (!now.ok()) return now.status();
  entry->totals = scoring::TotalsOf(*now);
  if (details) {
    entry->facts = std::move(facts);
    entry->model = model_;
  } else {
    // A past day's board keeps what leaderboards show: no components, no
    // outreach counts.
    scoring::ScoreResult summary;
    summary.total = now->total;
    summary.model_version = now->model_version;
    *now = std::move(summary);
  }
  if (recorded_7d_ago != nullptr) {
    entry->totals_7d_ago = *recorded_7d_ago;
  } else {
    scoring::ScoreFacts unused;
    absl::StatusOr<scoring::ScoreResult> before =
        ScoreOne(tenant, member, PreviousInstant(as_of, kChangeDays), nullptr,
                 nullptr, &unused);
    if (!before.ok()) return before.status();
    entry->totals_7d_ago = scoring::TotalsOf(*before);
  }
  entry->member = std::move(member);
  entry->score = Pack(*now);
  return entry;
}

int ScoreBoard::BuildThreads() const {
  return options_.build_threads > 0
             ? options_.build_threads
             : static_cast<int>(
                   std::max(1u, std::thread::hardware_concurrency()));
}

absl::StatusOr<std::map<std::string, scoring::MemberTotals>>
ScoreBoard::RecordedTotals(const store::TenantId& tenant, absl::CivilDay day) {
  std::map<std::string, scoring::MemberTotals> totals;
  absl::StatusOr<std::vector<model::ScoreSnapshot>> snapshots =
      store_->ReadScoresOfDay(tenant, day);
  if (!snapshots.ok()) return snapshots.status();
  if (snapshots->empty()) return totals;
  // Pending work marks a member's records stale from its from_day on.
  absl::StatusOr<std::vector<store::HistoryWork>> work =
      store_->ListHistoryWork(tenant, std::numeric_limits<int>::max());
  if (!work.ok()) return work.status();
  std::set<std::string> stale;
  for (const store::HistoryWork& w : *work) {
    if (w.from_day <= day) stale.insert(w.member_id);
  }
  for (const model::ScoreSnapshot& s : *snapshots) {
    if (s.model_version != model_->version || stale.contains(s.member_id)) {
      continue;
    }
    scoring::MemberTotals& t = totals[s.member_id];
    t.total = s.total;
    for (size_t p = 0; p < t.pillars.size(); ++p) t.pillars[p] = s.pillars[p];
  }
  return totals;
}

absl::StatusOr<std::vector<std::shared_ptr<const MemberScore>>>
ScoreBoard::ScoreAll(const store::TenantId& tenant, absl::Time as_of) {
  absl::StatusOr<std::vector<model::Member>> all =
      store::ListAllMembers(*store_, tenant);
  if (!all.ok()) return all.status();
  absl::StatusOr<std::map<std::string, scoring::MemberTotals>> recorded =
      RecordedTotals(tenant, DayOf(PreviousInstant(as_of, kChangeDays)));
  if (!recorded.ok()) return recorded.status();
  std::vector<absl::StatusOr<std::shared_ptr<const MemberScore>>> scored(
      all->size(), absl::UnknownError("not scored"));
  ParallelFor(BuildThreads(), all->size(), [&](size_t i) {
    if (stopping_) {
      scored[i] = absl::CancelledError("the score board is stopping");
      return;
    }
    model::Member& m = (*all)[i];
    auto before = recorded->find(m.member_id);
    scored[i] =
        ScoreMember(tenant, std::move(m), as_of,
                    before == recorded->end() ? nullptr : &before->second);
  });
  std::vector<std::shared_ptr<const MemberScore>> members;
  members.reserve(scored.size());
  if (absl::Status s = AppendScored(scored, members); !s.ok()) return s;
  return members;
}

absl::StatusOr<std::shared_ptr<const Board>> ScoreBoard::Build(
    const store::TenantId& tenant, absl::Time as_of, const Board* previous,
    const std::set<std::string>& dirty, bool details) {
  std::vector<std::shared_ptr<const MemberScore>> members;
  if (previous == nullptr) {
    absl::StatusOr<std::vector<std::shared_ptr<const MemberScore>>> all =
        ScoreAll(tenant, as_of);
    if (!all.ok()) return all.status();
    members = *std::move(all);
  } else {
    members.reserve(previous->size() + dirty.size());
    for (const auto& m : previous->members()) {
      if (!dirty.contains(m->member.member_id)) members.push_back(m);
    }
    // Re-scored on build_threads: after heavy ingest they are many.
    const std::vector<std::string> ids(dirty.begin(), dirty.end());
    std::vector<absl::StatusOr<std::shared_ptr<const MemberScore>>> scored(
        ids.size(), absl::UnknownError("not scored"));
    ParallelFor(BuildThreads(), ids.size(), [&](size_t i) {
      absl::StatusOr<model::Member> member = store_->GetMember(tenant, ids[i]);
      scored[i] = member.ok() ? ScoreMember(tenant, *std::move(member), as_of,
                                            nullptr, details)
                              : member.status();
    });
    if (absl::Status s = AppendScored(scored, members); !s.ok()) return s;
  }
  scoring::RankOptions rank_options;
  rank_options.min_group_size = options_.min_group_size;
  return std::make_shared<const Board>(as_of, std::move(members), rank_options);
}

absl::Status ScoreBoard::Warm() {
  absl::StatusOr<std::vector<store::TenantId>> tenants = store_->ListTenants();
  if (!tenants.ok()) return tenants.status();
  // Provisional boards first (they score nobody), then the full builds of
  // the tenants without a recorded day, and only then the background full
  // builds of the others, which would hold build_mu_ meanwhile.
  std::vector<store::TenantId> provisional, unrecorded;
  for (const store::TenantId& tenant : *tenants) {
    if (stopping_) break;
    absl::StatusOr<bool> installed = InstallProvisional(tenant);
    if (!installed.ok()) return installed.status();
    (*installed ? provisional : unrecorded).push_back(tenant);
  }
  for (const store::TenantId& tenant : unrecorded) {
    if (stopping_) break;
    absl::StatusOr<std::shared_ptr<const Board>> board =
        Get(tenant, std::nullopt);
    if (!board.ok()) return board.status();
  }
  {
    absl::MutexLock lock(&mu_);
    for (const store::TenantId& tenant : provisional) {
      Current& c = current_[tenant];
      if (c.board != nullptr && c.board->provisional() &&
          !c.refresh_scheduled && !stopping_) {
        c.refresh_scheduled = true;
        ScheduleRefresh(tenant);
      }
    }
  }
  if (stopping_) return absl::CancelledError("the score board is stopping");
  warm_ = true;
  return absl::OkStatus();
}

absl::StatusOr<bool> ScoreBoard::InstallProvisional(
    const store::TenantId& tenant) {
  {
    absl::MutexLock lock(&mu_);
    auto it = current_.find(tenant);
    if (it != current_.end() && it->second.board != nullptr) return true;
  }
  absl::StatusOr<std::optional<absl::CivilDay>> day =
      store_->RecordedThrough(tenant);
  if (!day.ok()) return day.status();
  if (!day->has_value()) return false;
  absl::StatusOr<std::shared_ptr<const Board>> board =
      BuildDay(tenant, **day, /*provisional=*/true);
  if (!board.ok()) return board.status();
  absl::MutexLock lock(&mu_);
  Current& c = current_[tenant];
  // A full board built meanwhile (by a call that could not wait) stays.
  if (c.board != nullptr) return true;
  c.board = *std::move(board);
  ++provisional_boards_;
  return true;
}

void ScoreBoard::AwaitRefreshes() {
  absl::Notification done;
  builder_->Post([&done] { done.Notify(); });
  done.WaitForNotification();
}

std::vector<store::TenantId> ScoreBoard::CurrentTenants() const {
  absl::MutexLock lock(&mu_);
  std::vector<store::TenantId> tenants;
  for (const auto& [tenant, current] : current_) {
    if (current.board != nullptr) tenants.push_back(tenant);
  }
  return tenants;
}

absl::StatusOr<std::shared_ptr<const Board>> ScoreBoard::Get(
    const store::TenantId& tenant, std::optional<absl::Time> as_of,
    bool refresh_changes) {
  if (!as_of.has_value()) return GetCurrent(tenant, refresh_changes);
  return GetPast(tenant, *as_of);
}

absl::StatusOr<std::shared_ptr<const Board>> ScoreBoard::GetCurrent(
    const store::TenantId& tenant, bool refresh_changes) {
  const absl::Time now = clock_->Now();
  // A refresh interval of zero means the board never lags a change.
  const bool every_change =
      refresh_changes || options_.refresh_interval <= absl::ZeroDuration();
  {
    absl::MutexLock lock(&mu_);
    Current& c = current_[tenant];
    // A provisional board is never refreshed in place: the full build
    // replaces it.
    const bool of_today = c.board != nullptr && !c.board->provisional() &&
                          DayOf(c.board->as_of()) == DayOf(now);
    const bool ahead_due =
        c.board != nullptr && !c.ahead.empty() && now > c.board->as_of();
    if (of_today && c.dirty.empty() && !ahead_due && !c.building) {
      return c.board;
    }
    if (c.board != nullptr && !every_change) {
      // Served as it is; a refresh is scheduled once the interval since
      // the last one has passed (at once when the UTC day turned).
      const bool due = !of_today || IntervalPassed(now, c.built_at,
                                                   options_.refresh_interval);
      if (due && !c.refresh_scheduled && !stopping_) {
        c.refresh_scheduled = true;
        ScheduleRefresh(tenant);
      }
      return c.board;
    }
  }
  return RefreshCurrent(tenant, refresh_changes);
}

absl::StatusOr<std::shared_ptr<const Board>> ScoreBoard::Peek(
    const store::TenantId& tenant, absl::Duration max_wait) {
  {
    absl::MutexLock lock(&mu_);
    Current& c = current_[tenant];
    if (c.board == nullptr) {
      if (!c.refresh_scheduled && !stopping_) {
        c.refresh_scheduled = true;
        ScheduleRefresh(tenant);
      }
      auto built = [&c]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return c.board != nullptr;
      };
      if (!mu_.AwaitWithTimeout(absl::Condition(&built), max_wait)) {
        return std::shared_ptr<const Board>();
      }
    }
  }
  return GetCurrent(tenant, /*refresh_changes=*/false);
}

void ScoreBoard::ScheduleRefresh(const store::TenantId& tenant) {
  builder_->Post([this, tenant] {
    {
      absl::MutexLock lock(&mu_);
      current_[tenant].refresh_scheduled = false;
    }
    if (stopping_) return;
    // An error leaves the changes to the next refresh.
    RefreshCurrent(tenant, /*refresh_changes=*/false).IgnoreError();
  });
}

absl::StatusOr<std::shared_ptr<const Board>> ScoreBoard::RefreshCurrent(
    const store::TenantId& tenant, bool refresh_changes) {
  absl::MutexLock build_lock(&build_mu_);
  const absl::Time now = clock_->Now();
  std::shared_ptr<const Board> previous;
  std::set<std::string> dirty;
  {
    absl::MutexLock lock(&mu_);
    Current& c = current_[tenant];
    // A provisional board is never refreshed in place: the full build
    // replaces it.
    const bool of_today = c.board != nullptr && !c.board->provisional() &&
                          DayOf(c.board->as_of()) == DayOf(now);
    const bool ahead_due =
        c.board != nullptr && !c.ahead.empty() && now > c.board->as_of();
    // Built while this call waited for build_mu_.
    if (of_today && c.dirty.empty() && !ahead_due) return c.board;
    if (of_today && !refresh_changes &&
        options_.refresh_interval > absl::ZeroDuration() &&
        !IntervalPassed(now, c.built_at, options_.refresh_interval)) {
      return c.board;
    }
    if (of_today) previous = c.board;
    dirty.swap(c.dirty);
    if (of_today && ahead_due) dirty.insert(c.ahead.begin(), c.ahead.end());
    c.building = true;
  }
  absl::StatusOr<std::shared_ptr<const Board>> board =
      Build(tenant, now, previous.get(), dirty);
  absl::MutexLock lock(&mu_);
  Current& c = current_[tenant];
  c.building = false;
  if (!board.ok()) {
    c.dirty.insert(dirty.begin(), dirty.end());
    return board.status();
  }
  if (c.board != nullptr && c.board->provisional()) --provisional_boards_;
  c.board = *board;
  c.built_at = now;
  c.ahead = MembersAhead(**board);
  return *board;
}

PackedScore ScoreBoard::Pack(const scoring::ScoreResult& score) {
  constexpr size_t kMaxShapes = 8;
  absl::MutexLock lock(&shapes_mu_);
  for (const auto& shape : shapes_) {
    if (PackedScore::HasShape(score, *shape)) {
      return PackedScore::Pack(score, shape);
    }
  }
  auto shape =
      std::make_shared<const scoring::ScoreResult>(PackedScore::ShapeOf(score));
  if (shapes_.size() < kMaxShapes) shapes_.push_back(shape);
  return PackedScore::Pack(score, std::move(shape));
}

absl::StatusOr<std::shared_ptr<const MemberScore>> ScoreBoard::ScoreAt(
    const store::TenantId& tenant, const model::Member& member,
    absl::Time as_of) {
  return ScoreMember(tenant, member, as_of);
}

absl::StatusOr<std::shared_ptr<const Board>> ScoreBoard::BuildDay(
    const store::TenantId& tenant, absl::CivilDay day, bool provisional) {
  const absl::Time end = model::EndOfDay(day);
  absl::StatusOr<std::vector<model::Member>> all =
      store::ListAllMembers(*store_, tenant);
  if (!all.ok()) return all.status();
  absl::StatusOr<std::map<std::string, scoring::MemberTotals>> recorded =
      RecordedTotals(tenant, day);
  if (!recorded.ok()) return recorded.status();
  absl::StatusOr<std::map<std::string, scoring::MemberTotals>> before =
      RecordedTotals(tenant, DayOf(PreviousInstant(end, kChangeDays)));
  if (!before.ok()) return before.status();
  std::vector<absl::StatusOr<std::shared_ptr<const MemberScore>>> scored(
      all->size(), absl::UnknownError("not scored"));
  std::vector<size_t> unrecorded;
  for (size_t i = 0; i < all->size(); ++i) {
    model::Member& m = (*all)[i];
    auto now = recorded->find(m.member_id);
    auto then = before->find(m.member_id);
    if (now == recorded->end() || then == before->end()) {
      if (provisional) {
        scored[i] = absl::NotFoundError("no current record");  // Left out.
      } else {
        unrecorded.push_back(i);
      }
      continue;
    }
    auto entry = std::make_shared<MemberScore>();
    scoring::ScoreResult summary;
    summary.total = now->second.total;
    summary.model_version = model_->version;
    entry->score = Pack(summary);
    entry->totals = now->second;
    entry->totals_7d_ago = then->second;
    entry->member = std::move(m);
    scored[i] = std::move(entry);
  }
  ParallelFor(BuildThreads(), unrecorded.size(), [&](size_t k) {
    const size_t i = unrecorded[k];
    if (stopping_) {
      scored[i] = absl::CancelledError("the score board is stopping");
      return;
    }
    model::Member& m = (*all)[i];
    auto then = before->find(m.member_id);
    scored[i] = ScoreMember(tenant, std::move(m), end,
                            then == before->end() ? nullptr : &then->second,
                            /*details=*/false);
  });
  std::vector<std::shared_ptr<const MemberScore>> members;
  members.reserve(scored.size());
  if (absl::Status s = AppendScored(scored, members); !s.ok()) return s;
  scoring::RankOptions rank_options;
  rank_options.min_group_size = options_.min_group_size;
  return std::make_shared<const Board>(end, std::move(members), rank_options,
                                       provisional);
}

absl::StatusOr<std::shared_ptr<const Board>> ScoreBoard::GetPast(
    const store::TenantId& tenant, absl::Time as_of) {
  const auto key = std::make_pair(tenant, PastBoardDay(as_of));
  // The entry of `key`, made the most recently used; null when absent.
  auto lookup = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> Past* {
    for (auto it = past_.begin(); it != past_.end(); ++it) {
      if (it->key == key) {
        past_.splice(past_.begin(), past_, it);
        return &past_.front();
      }
    }
    return nullptr;
  };
  {
    absl::MutexLock lock(&mu_);
    Past* past = lookup();
    if (past != nullptr && past->board != nullptr && past->dirty.empty()) {
      return past->board;
    }
  }
  absl::MutexLock build_lock(&build_mu_);
  std::shared_ptr<const Board> previous;
  std::set<std::string> dirty;
  {
    absl::MutexLock lock(&mu_);
    Past* past = lookup();
    if (past == nullptr) {
      // Kept from before the build, so that changes reported during it are
      // gathered in its dirty set and re-scored by the next read.
      past_.push_front(Past{.key = key, .board = nullptr, .dirty = {}});
      while (past_.size() > static_cast<size_t>(options_.max_past_boards)) {
        past_.pop_back();
      }
    } else {
      if (past->board != nullptr && past->dirty.empty()) return past->board;
      previous = past->board;
      dirty.swap(past->dirty);
    }
  }
  absl::StatusOr<std::shared_ptr<const Board>> board =
      previous == nullptr
          ? BuildDay(tenant, key.second)
          : Build(tenant, model::EndOfDay(key.second), previous.get(), dirty,
                  /*details=*/false);
  absl::MutexLock lock(&mu_);
  Past* past = lookup();
  if (!board.ok()) {
    if (past != nullptr) past->dirty.insert(dirty.begin(), dirty.end());
    return board.status();
  }
  if (past != nullptr) past->board = *board;
  return *board;
}

void ScoreBoard::OnMembersChanged(const store::TenantId& tenant,
                                  const std::vector<std::string>& member_ids) {
  absl::MutexLock lock(&mu_);
  current_[tenant].dirty.insert(member_ids.begin(), member_ids.end());
  for (Past& past : past_) {
    if (past.key.first == tenant) {
      past.dirty.insert(member_ids.begin(), member_ids.end());
    }
  }
}

}  // namespace rapport::board
