#include "server/core/outreach_reports.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/store/list_all_members.h"

namespace rapport::core {

OutreachReports::OutreachReports(store::Store* store, board::ScoreBoard* boards,
                                 OutreachReportOptions options)
    : store_(store), boards_(boards), options_(options) {}

absl::StatusOr<outreach::OutreachReport> OutreachReports::ReportOf(
    const store::TenantId& tenant, const std::string& member_id,
    const OutreachWindow& window,
    const outreach::OutreachOptions& analysis) const {
  const absl::Time start = outreach::WindowStart(window.end, window.days);
  RAPPORT_ASSIGN_OR_RETURN(
      model::MemberActivity current,
      store_->ReadActivity(tenant, member_id, start, window.end));
  RAPPORT_ASSIGN_OR_RETURN(
      model::MemberActivity previous,
      store_->ReadActivity(tenant, member_id,
                           outreach::PreviousWindowStart(start, window.end),
                           start - absl::Nanoseconds(1)));
  outreach::OutreachReport report =
      outreach::Analyze(current, previous, start, window.end, analysis);
  for (auto& t : report.unanswered) t.member_id = member_id;
  return report;
}

absl::StatusOr<std::vector<outreach::ReplyCounts>>
OutreachReports::TeammateCounts(
    const store::TenantId& tenant, const model::Member& member,
    const OutreachWindow& window,
    const outreach::OutreachOptions& analysis) const {
  std::vector<outreach::ReplyCounts> team;
  const bool board_window =
      window.end_is_now && window.days == board::kOutreachSummaryDays;
  if (board_window) {
    // The board keeps every member's counts over this window.
    RAPPORT_ASSIGN_OR_RETURN(std::shared_ptr<const board::Board> board,
                             boards_->Get(tenant, std::nullopt));
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
      RAPPORT_ASSIGN_OR_RETURN(
          model::MemberActivity activity,
          store_->ReadActivity(tenant, m.member_id, start, window.end));
      const outreach::OutreachStats stats =
          outreach::ComputeStats(activity, start, window.end, analysis);
      team.push_back({.threads_started = stats.threads_started,
                      .threads_answered = stats.threads_answered});
    }
  }
  return team;
}

absl::StatusOr<MemberOutreach> OutreachReports::ForMember(
    const store::TenantId& tenant, const std::string& member_id,
    const OutreachWindow& window,
    const outreach::OutreachOptions& analysis) const {
  RAPPORT_ASSIGN_OR_RETURN(model::Member member,
                           store_->GetMember(tenant, member_id));
  MemberOutreach out;
  RAPPORT_ASSIGN_OR_RETURN(out.report,
                           ReportOf(tenant, member_id, window, analysis));
  const std::optional<double> rate = out.report.current.reply_rate;
  if (!rate.has_value()) {
    out.comparison.withheld = true;
    out.comparison.withheld_reason =
        "no reply rate: the member started no thread in the window";
    return out;
  }
  RAPPORT_ASSIGN_OR_RETURN(std::vector<outreach::ReplyCounts> team,
                           TeammateCounts(tenant, member, window, analysis));
  team.push_back({.threads_started = out.report.current.threads_started,
                  .threads_answered = out.report.current.threads_answered});
  out.comparison = outreach::Compare(*rate, team, options_.min_group_size,
                                     analysis.min_rate_sample);
  return out;
}

absl::StatusOr<outreach::TeamReport> OutreachReports::ForTeam(
    const store::TenantId& tenant, const std::string& team,
    const OutreachWindow& window,
    const outreach::OutreachOptions& analysis) const {
  RAPPORT_ASSIGN_OR_RETURN(std::vector<model::Member> members,
                           store::ListAllMembers(*store_, tenant, team));
  if (members.empty()) {
    return absl::NotFoundError(
        absl::StrCat("team '", team, "' has no members"));
  }
  std::vector<outreach::OutreachReport> reports;
  reports.reserve(members.size());
  for (const model::Member& m : members) {
    RAPPORT_ASSIGN_OR_RETURN(outreach::OutreachReport report,
                             ReportOf(tenant, m.member_id, window, analysis));
    reports.push_back(std::move(report));
  }
  return outreach::PoolTeam(reports, analysis.max_unanswered,
                            analysis.min_rate_sample);
}

}  // namespace rapport::core
