#include "server/core/outreach_reports.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/store/list_all_members.h"

namespace rapport::core {

OutreachReports::OutreachReports(store::Store* store, board::ScoreBoard* boards,
                                 OutreachReportOptions options)
    : store_(store), boards_(boards), options_(options) {}

absl::StatusOr<outreach::OutreachReport> OutreachReports::ReportOf(
    const store::TenantId& tenant, const std::string& member_id,
    const OutreachWindow& window,
    const outreach::OutreachOptions& analysis) const {
  const absl::Time start = window.end - window.length;
  auto current = store_->ReadActivity(tenant, member_id, start, window.end);
  if (!current.ok()) return current.status();
  auto previous = store_->ReadActivity(tenant, member_id, start - window.length,
                                       start - absl::Nanoseconds(1));
  if (!previous.ok()) return previous.status();
  outreach::OutreachReport report =
      outreach::Analyze(*current, *previous, start, window.end, analysis);
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
      window.end_is_now &&
      window.length == absl::Hours(24) * board::kOutreachSummaryDays;
  if (board_window) {
    // The board keeps every member's counts over this window.
    auto board = boards_->Get(tenant, std::nullopt);
    if (!board.ok()) return board.status();
    if (const board::Group* group = (*board)->Team(member.team)) {
      for (const auto& m : group->ranked) {
        if (m->member.member_id != member.member_id) {
          team.push_back(m->outreach_30d);
        }
      }
    }
  } else {
    // A window the board does not keep: each teammate's counts are read.
    auto members = store::ListAllMembers(*store_, tenant, member.team);
    if (!members.ok()) return members.status();
    const absl::Time start = window.end - window.length;
    for (const model::Member& m : *members) {
      if (m.member_id == member.member_id) continue;
      auto activity =
          store_->ReadActivity(tenant, m.member_id, start, window.end);
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
    const OutreachWindow& window,
    const outreach::OutreachOptions& analysis) const {
  auto member = store_->GetMember(tenant, member_id);
  if (!member.ok()) return member.status();
  auto report = ReportOf(tenant, member_id, window, analysis);
  if (!report.ok()) return report.status();
  MemberOutreach out;
  out.report = *std::move(report);
  const std::optional<double> rate = out.report.current.reply_rate;
  if (!rate.has_value()) {
    out.comparison.withheld = true;
    out.comparison.withheld_reason =
        "no reply rate: the member started no thread in the window";
    return out;
  }
  auto teammates = TeammateCounts(tenant, *member, window, analysis);
  if (!teammates.ok()) return teammates.status();
  teammates->push_back(
      {.threads_started = out.report.current.threads_started,
       .threads_answered = out.report.current.threads_answered});
  out.comparison = outreach::Compare(*rate, *teammates, options_.min_group_size,
                                     analysis.min_rate_sample);
  return out;
}

absl::StatusOr<outreach::TeamReport> OutreachReports::ForTeam(
    const store::TenantId& tenant, const std::string& team,
    const OutreachWindow& window,
    const outreach::OutreachOptions& analysis) const {
  auto members = store::ListAllMembers(*store_, tenant, team);
  if (!members.ok()) return members.status();
  if (members->empty()) {
    return absl::NotFoundError(
        absl::StrCat("team '", team, "' has no members"));
  }
  std::vector<outreach::OutreachReport> reports;
  reports.reserve(members->size());
  for (const model::Member& m : *members) {
    auto report = ReportOf(tenant, m.member_id, window, analysis);
    if (!report.ok()) return report.status();
    reports.push_back(*std::move(report));
  }
  return outreach::PoolTeam(reports, analysis.max_unanswered,
                            analysis.min_rate_sample);
}

}  // namespace rapport::core
