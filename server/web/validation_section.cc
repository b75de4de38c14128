#include "server/web/validation_section.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "server/web/html.h"

namespace rapport::web {
namespace {

std::string Day(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// "0.41 (0.33 to 0.48)", bold when significant.
std::string Cell(const core::CorrelationFigures& c) {
  const std::string text =
      absl::StrFormat("%.2f <span class=\"id\">(%.2f to %.2f)</span>", c.rho,
                      c.ci_low, c.ci_high);
  return c.significant ? absl::StrCat("<b>", text, "</b>") : text;
}

std::string Significant(const core::PredictorFigures& p) {
  std::vector<std::string> outcomes;
  if (p.meetings.significant) outcomes.push_back("meetings");
  if (p.replies.significant) outcomes.push_back("replies");
  return absl::StrJoin(outcomes, " ");
}

}  // namespace

std::string RenderValidationPending() {
  return "<section class=\"validation\" data-pending><h2>Does the score "
         "predict outcomes here?</h2><p class=\"empty\">Today's report is "
         "being computed; it appears on a later load.</p></section>\n";
}

std::string RenderValidationSection(const core::ValidationReport& report) {
  std::string out = absl::StrCat(
      "<section class=\"validation\"><h2>Does the score predict outcomes "
      "here? <span class=\"meta\">",
      HtmlEscape(absl::StrFormat(
          "scores of %s to %s against the %d days after each, %d "
          "member-days of %d members, %.4g%% intervals",
          Day(report.first_day), Day(report.last_day), report.outcome_days,
          report.member_days, report.members, report.confidence * 100)),
      "</span></h2>\n<p data-verdict>", HtmlEscape(report.verdict),
      "</p>\n<div class=\"scroll\"><table><thead><tr><th>Predictor</th>"
      "<th class=\"num\">Meetings: rho (interval)</th>"
      "<th class=\"num\">Replies: rho (interval)</th><th>Verdict</th></tr>"
      "</thead><tbody>\n");
  for (const core::PredictorFigures& p : report.predictors) {
    absl::StrAppend(
        &out, "<tr data-predictor=\"", static_cast<int>(p.pillar),
        "\" data-meetings-rho=\"", absl::StrFormat("%.4f", p.meetings.rho),
        "\" data-replies-rho=\"", absl::StrFormat("%.4f", p.replies.rho),
        "\" data-significant=\"", Significant(p), "\"><td>",
        HtmlEscape(core::PredictorName(p.pillar)), "</td><td class=\"num\">",
        Cell(p.meetings), "</td><td class=\"num\">", Cell(p.replies),
        "</td><td>", HtmlEscape(p.verdict), "</td></tr>\n");
  }
  absl::StrAppend(&out,
                  "</tbody></table></div><p class=\"empty\">Spearman's rank "
                  "correlation of each member's score on a day with the "
                  "meetings booked and replies received in the days after "
                  "it; bold when the interval excludes 0. Recomputed once a "
                  "day.</p></section>\n");
  return out;
}

}  // namespace rapport::web
