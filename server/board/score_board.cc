#include "server/board/score_board.h"

#include <algorithm>
#include <utility>

#include "server/model/score_snapshot.h"
#include "server/outreach/report.h"
#include "server/store/list_all_members.h"

namespace rapport::board {
namespace {

absl::CivilDay DayOf(absl::Time t) {
  return absl::ToCivilDay(t, absl::UTCTimeZone());
}

}  // namespace

absl::Time PreviousInstant(absl::Time as_of, int days) {
  return model::EndOfDay(DayOf(as_of) - days);
}

ScoreBoard::ScoreBoard(store::Store* store, const scoring::ScoringModel* model,
                       const Clock* clock, ScoreBoardOptions options)
    : store_(store), model_(model), clock_(clock), options_(options) {}

absl::StatusOr<scoring::ScoreResult> ScoreBoard::ScoreOne(
    const store::TenantId& tenant, const model::Member& member,
    absl::Time as_of) {
  return ScoreOne(tenant, member, as_of, nullptr);
}

absl::StatusOr<scoring::ScoreResult> ScoreBoard::ScoreOne(
    const store::TenantId& tenant, const model::Member& member,
    absl::Time as_of, OutreachSummary* outreach_30d) {
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
  return scoring::Score(*model_, member.profile, *activity, as_of);
}

absl::StatusOr<std::shared_ptr<const MemberScore>> ScoreBoard::ScoreMember(
    const store::TenantId& tenant, model::Member member, absl::Time as_of) {
  auto entry = std::make_shared<MemberScore>();
  absl::StatusOr<scoring::ScoreResult> now =
      ScoreOne(tenant, member, as_of, &entry->outreach_30d);
  if (!now.ok()) return now.status();
  absl::StatusOr<scoring::ScoreResult> before =
      ScoreOne(tenant, member, PreviousInstant(as_of, kChangeDays));
  if (!before.ok()) return before.status();
  entry->member = std::move(member);
  entry->score = *std::move(now);
  entry->totals = scoring::TotalsOf(entry->score);
  entry->totals_7d_ago = scoring::TotalsOf(*before);
  return entry;
}

absl::StatusOr<std::shared_ptr<const Board>> ScoreBoard::Build(
    const store::TenantId& tenant, absl::Time as_of, const Board* previous,
    const std::set<std::string>& dirty) {
  std::vector<std::shared_ptr<const MemberScore>> members;
  if (previous == nullptr) {
    absl::StatusOr<std::vector<model::Member>> all =
        store::ListAllMembers(*store_, tenant);
    if (!all.ok()) return all.status();
    members.reserve(all->size());
    for (model::Member& m : *all) {
      auto scored = ScoreMember(tenant, std::move(m), as_of);
      if (absl::IsNotFound(scored.status())) continue;  // Deleted meanwhile.
      if (!scored.ok()) return scored.status();
      members.push_back(*std::move(scored));
    }
  } else {
    members.reserve(previous->size() + dirty.size());
    for (const auto& m : previous->members()) {
      if (!dirty.contains(m->member.member_id)) members.push_back(m);
    }
    for (const std::string& id : dirty) {
      absl::StatusOr<model::Member> member = store_->GetMember(tenant, id);
      if (absl::IsNotFound(member.status())) continue;  // Deleted.
      if (!member.ok()) return member.status();
      auto scored = ScoreMember(tenant, *std::move(member), as_of);
      if (absl::IsNotFound(scored.status())) continue;  // Deleted meanwhile.
      if (!scored.ok()) return scored.status();
      members.push_back(*std::move(scored));
    }
  }
  scoring::RankOptions rank_options;
  rank_options.min_group_size = options_.min_group_size;
  return std::make_shared<const Board>(as_of, std::move(members), rank_options);
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
  auto fresh = [&](const Current& c) {
    return c.board != nullptr && DayOf(c.board->as_of()) == DayOf(now) &&
           (c.dirty.empty() ||
            (!refresh_changes && now - c.built_at < options_.refresh_interval));
  };
  {
    absl::MutexLock lock(&mu_);
    auto it = current_.find(tenant);
    if (it != current_.end() && fresh(it->second)) return it->second.board;
  }
  if (!refresh_changes) {
    // A board of today that is only stale is served while another build
    // runs rather than waiting for it: readers never wait for a build when
    // there is a board to give.
    if (!build_mu_.TryLock()) {
      absl::MutexLock lock(&mu_);
      auto it = current_.find(tenant);
      if (it != current_.end() && it->second.board != nullptr &&
          DayOf(it->second.board->as_of()) == DayOf(now)) {
        return it->second.board;
      }
    } else {
      build_mu_.Unlock();
    }
  }
  absl::MutexLock build_lock(&build_mu_);
  std::shared_ptr<const Board> previous;
  std::set<std::string> dirty;
  {
    absl::MutexLock lock(&mu_);
    Current& c = current_[tenant];
    if (fresh(c)) return c.board;  // Built while this call waited.
    if (c.board != nullptr && DayOf(c.board->as_of()) == DayOf(now)) {
      previous = c.board;
    }
    dirty.swap(c.dirty);
  }
  absl::StatusOr<std::shared_ptr<const Board>> board =
      Build(tenant, now, previous.get(), dirty);
  absl::MutexLock lock(&mu_);
  Current& c = current_[tenant];
  if (!board.ok()) {
    c.dirty.insert(dirty.begin(), dirty.end());
    return board.status();
  }
  c.board = *board;
  c.built_at = now;
  return *board;
}

absl::StatusOr<std::shared_ptr<const Board>> ScoreBoard::GetPast(
    const store::TenantId& tenant, absl::Time as_of) {
  const auto key = std::make_pair(tenant, as_of);
  auto lookup =
      [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> std::shared_ptr<const Board> {
    for (auto it = past_.begin(); it != past_.end(); ++it) {
      if (it->first == key) {
        past_.splice(past_.begin(), past_, it);  // Most recently used.
        return past_.front().second;
      }
    }
    return nullptr;
  };
  {
    absl::MutexLock lock(&mu_);
    if (auto board = lookup()) return board;
  }
  absl::MutexLock build_lock(&build_mu_);
  uint64_t generation = 0;
  {
    absl::MutexLock lock(&mu_);
    if (auto board = lookup()) return board;
    generation = generation_[tenant];
  }
  absl::StatusOr<std::shared_ptr<const Board>> board =
      Build(tenant, as_of, nullptr, {});
  if (!board.ok()) return board.status();
  absl::MutexLock lock(&mu_);
  // A change reported during the build may not be in it: answer this call
  // with it, but do not keep it for the next.
  if (generation_[tenant] != generation) return *board;
  past_.emplace_front(key, *board);
  while (past_.size() > static_cast<size_t>(options_.max_past_boards)) {
    past_.pop_back();
  }
  return *board;
}

void ScoreBoard::OnMembersChanged(const store::TenantId& tenant,
                                  const std::vector<std::string>& member_ids) {
  absl::MutexLock lock(&mu_);
  current_[tenant].dirty.insert(member_ids.begin(), member_ids.end());
  ++generation_[tenant];
  past_.remove_if(
      [&](const auto& entry) { return entry.first.first == tenant; });
}

}  // namespace rapport::board
