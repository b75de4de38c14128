#include "server/core/outreach_reports.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/core/outreach_read.h"
#include "server/store/list_all_members.h"

namespace rapport::core {

OutreachReports::OutreachReports(store::Store* store, board::ScoreBoard* boards,
                                 OutreachCache* cache,
                                 OutreachReportOptions options)
    : store_(store), boards_(boards), cache_(cache), options_(options) {}

std::shared_ptr<const OutreachSnapshot> OutreachReports::CachedFor(
    const store::TenantId& tenant, const OutreachWindow& window) const {
  if (cache_ == nullptr || !window.end_is_now ||
      window.days != OutreachCache::kDays) {
    return nullptr;
  }
  return cache_->Get(tenant);
}

absl::StatusOr<outreach::OutreachReport> OutreachReports::ReportOf(
    const store::TenantId& tenant, const std::string& member_id,
    const OutreachWindow& window,
    const outreach::OutreachOptions& analysis) const {
  return ReadOutreachReport(*store_, tenant, member_id, window.end, window.days,
                            analysis);
}

absl::StatusOr<std::vector<outreach::ReplyCounts>>
OutreachReports::TeammateCounts(const store::TenantId& tenant,
                                const model::Member& member,
                                const OutreachWindow& window,
                                const outreach::OutreachOptions& analysis,
                                const StillWanted& wanted) const {
  std::vector<outreach::ReplyCounts> team;
  std::shared_ptr<const board::Board> board;
  if (window.end_is_now && window.days == board::kOutreachSummaryDays) {
    RAPPORT_ASSIGN_OR_RETURN(board, boards_->Get(tenant, std::nullopt));
    // A provisional board (while the current one is built) keeps no counts.
    if (board->provisional()) board = nullptr;
  }
  if (board != nullptr) {
    // The board keeps every member's counts over this window.
    if (const board::Group* group = board->Team(member.team)) {
      for (const auto& m : group->ranked) {
        if (m->member.member_id != member.member_id) {
          team.push_back(m->outreach_30d);
        }
      }
    }
  } else {
    // A window the board does not keep: each teammate's counts are read.
    RAPPORT_ASSIGN_OR_RETURN(
        std::vector<model::Member> members,
        store::ListAllMembers(*store_, tenant, member.team));
    const absl::Time start = outreach::WindowStart(window.end, window.days);
    for (const model::Member& m : members) {
      if (m.member_id == member.member_id) continue;
      RAPPORT_RETURN_IF_ERROR(CheckWanted(wanted));
      absl::StatusOr<model::MemberActivity> activity =
          store_->ReadActivity(tenant, m.member_id, start, window.end);
      if (absl::IsNotFound(activity.status())) continue;  // Deleted meanwhile.
      if (!activity.ok()) return activity.status();
      const outreach::OutreachStats stats =
          outreach::ComputeStats(*activity, start, window.end, analysis);
      team.push_back({.threads_started = stats.threads_started,
                      .threads_answered = stats.threads_answered});
    }
  }
  return team;
}

absl::StatusOr<MemberOutreach> OutreachReports::ForMember(
    const store::TenantId& tenant, const std::string& member_id,
    const OutreachWindow& window, const outreach::OutreachOptions& analysis,
    const StillWanted& wanted) const {
  RAPPORT_ASSIGN_OR_RETURN(model::Member member,
                           store_->GetMember(tenant, member_id));
  const std::shared_ptr<const OutreachSnapshot> cached =
      CachedFor(tenant, window);
  const CachedTeam* team = cached ? cached->Team(member.team) : nullptr;
  MemberOutreach out;
  const outreach::OutreachReport* mine = nullptr;
  if (team != nullptr && analysis == cache_->analysis()) {
    auto it = team->members.find(member_id);
    if (it != team->members.end()) mine = it->second.get();
  }
  if (mine != nullptr) {
    out.report = *mine;
  } else {
    RAPPORT_ASSIGN_OR_RETURN(out.report,
                             ReportOf(tenant, member_id, window, analysis));
  }
  const std::optional<double> rate = out.report.current.reply_rate;
  if (!rate.has_value()) {
    out.comparison.withheld = true;
    out.comparison.withheld_reason =
        "no reply rate: the member started no thread in the window";
    return out;
  }
  if (mine != nullptr) {
    // The cached team holds the member's own counts, as cached: its sorted
    // rates are the comparison's (the analysis is the cache's).
    out.comparison = outreach::CompareSorted(
        *rate, team->sorted_rates, team->Counts(), options_.min_group_size);
    return out;
  }
  std::vector<outreach::ReplyCounts> counts;
  if (cached != nullptr) {
    // The cache keeps every teammate's report over this window; reply
    // counts do not depend on the analysis options.
    if (team != nullptr) {
      counts.reserve(team->members.size());
      for (const auto& [id, report] : team->members) {
        if (id == member_id) continue;
        counts.push_back(
            {.threads_started = report->current.threads_started,
             .threads_answered = report->current.threads_answered});
      }
    }
  } else {
    RAPPORT_ASSIGN_OR_RETURN(
        counts, TeammateCounts(tenant, member, window, analysis, wanted));
  }
  counts.push_back({.threads_started = out.report.current.threads_started,
                    .threads_answered = out.report.current.threads_answered});
  out.comparison = outreach::Compare(*rate, counts, options_.min_group_size,
                                     analysis.min_rate_sample);
  return out;
}

absl::StatusOr<std::shared_ptr<const outreach::TeamReport>>
OutreachReports::ForTeam(const store::TenantId& tenant, const std::string& team,
                         const OutreachWindow& window,
                         const outreach::OutreachOptions& analysis,
                         const StillWanted& wanted) const {
  auto no_members = [&] {
    return absl::NotFoundError(
        absl::StrCat("team '", team, "' has no members"));
  };
  if (cache_ != nullptr && analysis == cache_->analysis()) {
    if (auto cached = CachedFor(tenant, window)) {
      const CachedTeam* pooled = cached->Team(team);
      if (pooled == nullptr) return no_members();
      return pooled->pooled;
    }
  }
  RAPPORT_ASSIGN_OR_RETURN(std::vector<model::Member> members,
                           store::ListAllMembers(*store_, tenant, team));
  if (members.empty()) return no_members();
  std::vector<outreach::OutreachReport> reports;
  reports.reserve(members.size());
  for (const model::Member& m : members) {
    RAPPORT_RETURN_IF_ERROR(CheckWanted(wanted));
    absl::StatusOr<outreach::OutreachReport> report =
        ReportOf(tenant, m.member_id, window, analysis);
    if (absl::IsNotFound(report.status())) continue;  // Deleted meanwhile.
    if (!report.ok()) return report.status();
    reports.push_back(*std::move(report));
  }
  if (reports.empty()) return no_members();
  return std::make_shared<const outreach::TeamReport>(outreach::PoolTeam(
      reports, analysis.max_unanswered, analysis.min_rate_sample));
}

}  // namespace rapport::core
