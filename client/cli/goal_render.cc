#include "client/cli/goal_render.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "client/cli/names.h"

namespace rapport::cli {

std::string GoalStatusName(rapport::v1::GoalStatus status) {
  switch (status) {
    case rapport::v1::GOAL_STATUS_MET:
      return "met";
    case rapport::v1::GOAL_STATUS_ON_TRACK:
      return "on track";
    case rapport::v1::GOAL_STATUS_OFF_TRACK:
      return "off track";
    case rapport::v1::GOAL_STATUS_ACHIEVED:
      return "achieved";
    case rapport::v1::GOAL_STATUS_MISSED:
      return "missed";
    default:
      return "-";
  }
}

std::string RenderGoalLine(const rapport::v1::GoalProgress& p) {
  const rapport::v1::Goal& g = p.goal();
  const std::string subject = g.has_team()
                                  ? absl::StrCat("team ", g.team())
                                  : absl::StrCat("member ", g.member_id());
  const std::string what = g.pillar() == rapport::v1::PILLAR_UNSPECIFIED
                               ? "SSI"
                               : PillarName(g.pillar());
  const std::string due = absl::FormatTime(
      "%Y-%m-%d", absl::FromUnixSeconds(g.due_time().seconds()),
      absl::UTCTimeZone());
  std::string line =
      absl::StrFormat("  %s  %s  %s %.1f / %.1f (projected %.1f)  %s  due %s",
                      g.goal_id(), subject, what, p.current(), g.target(),
                      p.projected(), GoalStatusName(p.status()), due);
  if (!g.note().empty()) absl::StrAppend(&line, "  \"", g.note(), "\"");
  return line + "\n";
}

std::string RenderGoalSection(
    const google::protobuf::RepeatedPtrField<rapport::v1::GoalProgress>&
        goals) {
  if (goals.empty()) return "";
  std::string out = "goals\n";
  for (const rapport::v1::GoalProgress& g : goals) {
    absl::StrAppend(&out, RenderGoalLine(g));
  }
  return out;
}

std::string RenderGoalList(const rapport::v1::ListGoalsResponse& r) {
  if (r.goals().empty()) return "no goals\n";
  std::string out;
  for (const rapport::v1::GoalProgress& g : r.goals()) {
    absl::StrAppend(&out, RenderGoalLine(g));
  }
  if (!r.next_page_token().empty()) {
    absl::StrAppend(&out, "next page: --page_token=", r.next_page_token(),
                    "\n");
  }
  return out;
}

}  // namespace rapport::cli
