#include "server/web/leaderboard_page.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/board/decline.h"
#include "server/scoring/rank.h"
#include "server/web/goal_badge.h"
#include "server/web/html.h"

namespace rapport::web {
namespace {

using board::Group;
using board::MemberScore;

constexpr double kPillarMax = 25;
constexpr double kSsiMax = 100;

struct PillarLabel {
  const char* short_name;
  const char* name;
};
// In model::Pillar order, as MemberTotals::pillars.
constexpr std::array<PillarLabel, scoring::kPillarCount> kPillars = {{
    {"Brand", "Establish your professional brand"},
    {"Find", "Find the right people"},
    {"Engage", "Engage with insights"},
    {"Relate", "Build relationships"},
}};

constexpr char kStyle[] = R"css(
:root{--ink:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#f4f5f7;--card:#fff;
--accent:#2563eb;--up:#15803d;--down:#b91c1c;
--p0:#4f46e5;--p1:#0891b2;--p2:#d97706;--p3:#9333ea}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
header{background:#111827;color:#f9fafb;padding:18px 24px}
header .in{max-width:1200px;margin:0 auto}
header h1{margin:0;font-size:20px;font-weight:600}
header p{margin:4px 0 0;color:#9ca3af;font-size:13px}
header a{color:#93c5fd}
main{max-width:1200px;margin:0 auto;padding:20px 24px 8px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));
gap:12px;margin-bottom:20px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;
padding:12px 16px}
.card .k{color:var(--muted);font-size:12px;text-transform:uppercase;
letter-spacing:.04em}
.card .v{font-size:26px;font-weight:600;font-variant-numeric:tabular-nums}
.card.alert{border-color:#fecaca;background:#fff7f7}.card.alert .v{color:var(--down)}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;
margin:0 0 20px;overflow:hidden}
section h2{font-size:16px;margin:0;padding:12px 16px;display:flex;gap:12px;
align-items:baseline;flex-wrap:wrap;border-bottom:1px solid var(--line)}
section h2 .meta{font-weight:400;color:var(--muted);font-size:13px}
section h2 a.more{margin-left:auto;font-weight:400;font-size:13px}
section.attention h2{color:var(--down)}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:7px 12px;text-align:left;border-bottom:1px solid var(--line);
white-space:nowrap;vertical-align:middle}
th{font-size:11px;color:var(--muted);font-weight:600;text-transform:uppercase;
letter-spacing:.04em;background:#f9fafb}
tbody tr:last-child td{border-bottom:0}
tbody tr:hover{background:#f9fafb}
.num{text-align:right}
td.rank{color:var(--muted);width:3em;text-align:right}
.name .dn{font-weight:600}
.name .id{display:block;color:var(--muted);font-size:12px}
.ssi b{display:inline-block;min-width:2.6em;text-align:right;font-size:15px}
.meter{display:inline-block;vertical-align:middle;width:90px;height:8px;
border-radius:4px;background:#e5e7eb;margin-left:8px;overflow:hidden}
.meter>i{display:block;height:100%;background:var(--accent);border-radius:4px}
.pillar .meter{width:56px;height:6px;margin:0 6px 0 0}
.pillar .pv{color:var(--muted);font-size:12px;display:inline-block;
min-width:2.2em;text-align:right}
.p0 .meter>i{background:var(--p0)}.p1 .meter>i{background:var(--p1)}
.p2 .meter>i{background:var(--p2)}.p3 .meter>i{background:var(--p3)}
th.p0{border-bottom:2px solid var(--p0)}th.p1{border-bottom:2px solid var(--p1)}
th.p2{border-bottom:2px solid var(--p2)}th.p3{border-bottom:2px solid var(--p3)}
.chg{font-weight:600}.up{color:var(--up)}.down{color:var(--down)}
.flat{color:var(--muted)}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;
background:#fee2e2;color:var(--down);font-size:12px;font-weight:600}
.ok{color:var(--muted)}
tr.declining{background:#fff7f7}tr.declining:hover{background:#fff0f0}
.empty{padding:16px;color:var(--muted);margin:0}
.back{display:inline-block;margin-bottom:12px}
footer{max-width:1200px;margin:0 auto;padding:0 24px 32px;color:var(--muted);
font-size:12px}
footer b{color:var(--ink);font-weight:600}
@media (min-width:761px){table{table-layout:fixed}
.w-rank{width:48px}.w-ssi{width:170px}.w-pillar{width:118px}.w-chg{width:92px}
.w-flag{width:124px}.w-count{width:96px}.w-median{width:84px}.w-team{width:200px}
td{overflow:hidden;text-overflow:ellipsis}}
@media (max-width:760px){main{padding:12px}th,td{padding:6px 8px}
.pillar,th.w-pillar,.name .id{display:none}.meter{width:44px}
.card .v{font-size:22px}}
)css";

// `value` rounded to one decimal, without a negative zero.
double RoundOne(double value) {
  const double rounded = std::round(value * 10) / 10;
  return rounded == 0 ? 0 : rounded;
}

std::string One(double value) {
  return absl::StrFormat("%.1f", RoundOne(value));
}

// "up", "down" or "flat": the sign of the change as shown (one decimal).
const char* TrendOf(double change) {
  const double shown = RoundOne(change);
  return shown > 0 ? "up" : shown < 0 ? "down" : "flat";
}

std::string TeamLabel(const std::string& team) {
  return team.empty() ? "(no team)" : team;
}

void AppendMeter(double value, double max, std::string* out) {
  const double percent = std::clamp(value / max * 100, 0.0, 100.0);
  absl::StrAppend(out, "<span class=\"meter\"><i style=\"width:",
                  absl::StrFormat("%.1f", percent), "%\"></i></span>");
}

// The cell of a 7-day change: an arrow and the signed value, coloured.
void AppendChangeCell(double change, std::string* out) {
  const char* trend = TrendOf(change);
  const double shown = RoundOne(change);
  std::string text;
  if (shown > 0) {
    text = absl::StrCat("\u25B2 +", One(shown));
  } else if (shown < 0) {
    text = absl::StrCat("\u25BC \u2212", One(-shown));
  } else {
    text = "\u2013 0.0";
  }
  absl::StrAppend(out, "<td class=\"chg num ", trend, "\">", text, "</td>");
}

void AppendPillarCells(const scoring::MemberTotals& totals, std::string* out) {
  for (size_t p = 0; p < kPillars.size(); ++p) {
    absl::StrAppend(out, "<td class=\"pillar p", p, "\" title=\"",
                    kPillars[p].name, ": ", One(totals.pillars[p]),
                    " of 25\">");
    AppendMeter(totals.pillars[p], kPillarMax, out);
    absl::StrAppend(out, "<span class=\"pv\">", One(totals.pillars[p]),
                    "</span></td>");
  }
}

// A row showing only the rank and the name.
void AppendRankOnlyRow(const MemberScore& m, int rank, std::string* out) {
  const std::string id = HtmlEscape(m.member.member_id);
  absl::StrAppend(out, "<tr class=\"hidden-score\" data-member=\"", id,
                  "\" data-rank=\"", rank, "\">");
  absl::StrAppend(out, "<td class=\"rank\">", rank, "</td>");
  absl::StrAppend(out, "<td class=\"name\"><span class=\"dn\" title=\"", id,
                  "\">", HtmlEscape(m.member.display_name),
                  "</span><span class=\"id\">", id, "</span></td>");
  absl::StrAppend(out, "<td class=\"ssi\" colspan=\"", 4 + kPillars.size(),
                  "\"></td></tr>\n");
}

void AppendMemberRow(const MemberScore& m, int rank,
                     const LeaderboardPageOptions& options, std::string* out) {
  if (!options.scores_only_for.empty() &&
      m.member.member_id != options.scores_only_for) {
    AppendRankOnlyRow(m, rank, out);
    return;
  }
  const bool declining = board::IsDeclining(m, options.decline_points);
  const std::string id = HtmlEscape(m.member.member_id);
  // Where the score heads with nothing more done, and the day it would
  // cross the floor.
  const double ahead = m.forecast.empty()
                           ? 0
                           : m.forecast.At(7, m.totals).total - m.totals.total;
  const std::optional<absl::CivilDay> below =
      scoring::FirstDayBelow(m.forecast, m.totals.total, options.score_floor);
  absl::StrAppend(out, "<tr", declining ? " class=\"declining\"" : "",
                  " data-member=\"", id, "\" data-rank=\"", rank,
                  "\" data-ssi=\"", One(m.totals.total), "\" data-change=\"",
                  One(m.change_7d()), "\" data-trend=\"",
                  TrendOf(m.change_7d()), "\" data-declining=\"",
                  declining ? "true" : "false", "\" data-forecast-change=\"",
                  One(ahead), "\" data-below-floor=\"",
                  below.has_value() ? absl::FormatCivilTime(*below) : "", "\"",
                  GoalDataAttribute(options, m.member.member_id), ">");
  absl::StrAppend(out, "<td class=\"rank\">", rank, "</td>");
  absl::StrAppend(out, "<td class=\"name\"><span class=\"dn\" title=\"", id,
                  "\">", HtmlEscape(m.member.display_name),
                  "</span><span class=\"id\">", id, "</span></td>");
  absl::StrAppend(out, "<td class=\"ssi\"><b>", One(m.totals.total), "</b>");
  AppendMeter(m.totals.total, kSsiMax, out);
  out->append("</td>");
  AppendPillarCells(m.totals, out);
  AppendChangeCell(m.change_7d(), out);
  AppendChangeCell(ahead, out);
  absl::StrAppend(out, "<td class=\"flag\">",
                  declining ? "<span class=\"badge\">declining</span>" : "");
  if (below.has_value()) {
    absl::StrAppend(out,
                    " <span class=\"badge\" title=\"With nothing more "
                    "done, the SSI falls below ",
                    One(options.score_floor), " on ",
                    absl::FormatCivilTime(*below), "\">below ",
                    One(options.score_floor), " on ",
                    absl::FormatCivilTime(*below), "</span>");
  }
  absl::StrAppend(out, GoalBadge(options, m.member.member_id), "</td></tr>\n");
}

void AppendPillarHeaders(std::string* out) {
  for (size_t p = 0; p < kPillars.size(); ++p) {
    absl::StrAppend(out, "<th class=\"w-pillar p", p, "\" title=\"",
                    kPillars[p].name, " (0\u201325)\">", kPillars[p].short_name,
                    "</th>");
  }
}

// The table of `group`'s best `limit` members (all when limit <= 0), with
// competition ranks ("1, 2, 2, 4") in the team.
void AppendMemberTable(const Group& group, int limit,
                       const LeaderboardPageOptions& options,
                       std::string* out) {
  out->append(
      "<div class=\"scroll\"><table class=\"board\"><thead><tr>"
      "<th class=\"num w-rank\">#</th><th>Member</th>"
      "<th class=\"w-ssi\">SSI</th>");
  AppendPillarHeaders(out);
  out->append(
      "<th class=\"num w-chg\">7 days</th>"
      "<th class=\"num w-chg\" title=\"The change in the next 7 days with "
      "nothing more done\">Next 7 days</th><th class=\"w-flag\"></th></tr>"
      "</thead><tbody>\n");
  const size_t shown =
      limit > 0 ? std::min(group.ranked.size(), static_cast<size_t>(limit))
                : group.ranked.size();
  int rank = 0;
  for (size_t i = 0; i < shown; ++i) {
    const MemberScore& m = *group.ranked[i];
    if (i == 0 || m.totals.total != group.ranked[i - 1]->totals.total) {
      rank = static_cast<int>(i) + 1;
    }
    AppendMemberRow(m, rank, options, out);
  }
  out->append("</tbody></table></div>\n");
}

// What a team's summary row and cards show.
struct TeamFigures : board::GroupSummary {
  const Group* group = nullptr;
};

TeamFigures FiguresOf(const Group& group,
                      const LeaderboardPageOptions& options) {
  TeamFigures f;
  static_cast<board::GroupSummary&>(f) =
      board::Summarize(group, options.decline_points);
  f.group = &group;
  return f;
}

void AppendCard(absl::string_view key, absl::string_view value, bool alert,
                std::string* out) {
  absl::StrAppend(out, "<div class=\"card", alert ? " alert" : "",
                  "\"><div class=\"k\">", key, "</div><div class=\"v\">", value,
                  "</div></div>");
}

void AppendCards(size_t teams, const TeamFigures& f, std::string* out) {
  out->append("<div class=\"cards\">");
  AppendCard("Members", absl::StrCat(f.members), false, out);
  if (teams > 0) AppendCard("Teams", absl::StrCat(teams), false, out);
  AppendCard("Average SSI", f.members ? One(f.average) : "\u2013", false, out);
  AppendCard("Median SSI", f.members ? One(f.median) : "\u2013", false, out);
  AppendCard("Declining", absl::StrCat(f.declining), f.declining > 0, out);
  out->append("</div>\n");
}

std::string TeamHref(const std::string& team) {
  return absl::StrCat("?team=", UrlQueryEscape(team));
}

void AppendSummaryRow(const TeamFigures& f, std::string* out) {
  const std::string& name = f.group->name;
  absl::StrAppend(out, "<tr data-team-summary=\"", HtmlEscape(name),
                  "\" data-members=\"", f.members, "\" data-declining=\"",
                  f.declining, "\"><td class=\"name\">");
  if (name.empty()) {
    absl::StrAppend(out, "<span class=\"dn\">", TeamLabel(name), "</span>");
  } else {
    absl::StrAppend(out, "<a class=\"dn\" href=\"", TeamHref(name), "\">",
                    HtmlEscape(name), "</a>");
  }
  absl::StrAppend(out, "</td><td class=\"num\">", f.members,
                  "</td><td class=\"ssi\"><b>", One(f.average), "</b>");
  AppendMeter(f.average, kSsiMax, out);
  absl::StrAppend(out, "</td><td class=\"num\">", One(f.median), "</td>");
  AppendPillarCells(f.pillar_averages, out);
  AppendChangeCell(f.change_7d, out);
  absl::StrAppend(out, "<td class=\"num\">",
                  f.declining > 0
                      ? absl::StrCat("<span class=\"badge\">", f.declining,
                                     " declining</span>")
                      : std::string("<span class=\"ok\">none</span>"),
                  "</td></tr>\n");
}

// Teams by average SSI, best first (ties by name).
void AppendSummary(std::vector<TeamFigures> teams, std::string* out) {
  std::sort(teams.begin(), teams.end(),
            [](const TeamFigures& a, const TeamFigures& b) {
              if (a.average != b.average) return a.average > b.average;
              return a.group->name < b.group->name;
            });
  out->append(
      "<section class=\"summary\"><h2>Teams <span class=\"meta\">by average "
      "SSI</span></h2><div class=\"scroll\"><table><thead><tr>"
      "<th>Team</th><th class=\"num w-count\">Members</th>"
      "<th class=\"w-ssi\">Average SSI</th>"
      "<th class=\"num w-median\">Median</th>");
  AppendPillarHeaders(out);
  out->append(
      "<th class=\"num w-chg\">7 days</th>"
      "<th class=\"num w-flag\">Declining</th></tr></thead><tbody>\n");
  for (const TeamFigures& f : teams) AppendSummaryRow(f, out);
  out->append("</tbody></table></div></section>\n");
}

// The tenant's decliners, the steepest fall first (ties by member id).
void AppendAttention(const board::Board& board,
                     const LeaderboardPageOptions& options, std::string* out) {
  const std::vector<board::Decline> decliners =
      board::FindDecliners7d(board.Tenant(), options.decline_points);
  absl::StrAppend(out,
                  "<section class=\"attention\"><h2>Needs attention <span "
                  "class=\"meta\">SSI down ",
                  One(options.decline_points),
                  " points or more in 7 days</span></h2>\n");
  if (decliners.empty()) {
    out->append("<p class=\"empty\">No one is declining.</p></section>\n");
    return;
  }
  const size_t limit = options.max_rows_per_team > 0
                           ? static_cast<size_t>(options.max_rows_per_team)
                           : decliners.size();
  out->append(
      "<div class=\"scroll\"><table><thead><tr><th>Member</th>"
      "<th class=\"w-team\">Team</th><th class=\"w-ssi\">SSI</th>"
      "<th class=\"num w-chg\">7 days</th></tr></thead><tbody>\n");
  for (size_t i = 0; i < decliners.size() && i < limit; ++i) {
    const MemberScore& m = *decliners[i].member;
    const std::string id = HtmlEscape(m.member.member_id);
    absl::StrAppend(out, "<tr data-decliner=\"", id,
                    "\"><td class=\"name\"><span class=\"dn\" title=\"", id,
                    "\">", HtmlEscape(m.member.display_name),
                    "</span><span class=\"id\">", id, "</span></td><td>",
                    HtmlEscape(TeamLabel(m.member.team)),
                    "</td><td class=\"ssi\"><b>", One(m.totals.total), "</b>");
    AppendMeter(m.totals.total, kSsiMax, out);
    out->append("</td>");
    AppendChangeCell(m.change_7d(), out);
    out->append("</tr>\n");
  }
  out->append("</tbody></table></div>");
  if (decliners.size() > limit) {
    absl::StrAppend(out, "<p class=\"empty\">and ", decliners.size() - limit,
                    " more.</p>");
  }
  out->append("</section>\n");
}

// One team's section: heading with its figures, then its table.
void AppendTeamSection(const TeamFigures& f, int limit, bool link,
                       const LeaderboardPageOptions& options,
                       std::string* out) {
  const std::string& name = f.group->name;
  absl::StrAppend(out, "<section class=\"team\" data-team=\"", HtmlEscape(name),
                  "\"><h2>", HtmlEscape(TeamLabel(name)),
                  " <span class=\"meta\">", f.members,
                  f.members == 1 ? " member" : " members", " \u00B7 average ",
                  One(f.average), " \u00B7 median ", One(f.median), "</span>");
  const bool truncated = limit > 0 && f.members > static_cast<size_t>(limit);
  if (link && !name.empty()) {
    absl::StrAppend(out, "<a class=\"more\" href=\"", TeamHref(name), "\">",
                    truncated ? absl::StrCat("all ", f.members, " members")
                              : std::string("team page"),
                    " \u2192</a>");
  }
  out->append("</h2>\n");
  AppendMemberTable(*f.group, limit, options, out);
  out->append("</section>\n");
}

void AppendHead(const board::Board& board, const std::string& heading,
                const LeaderboardPageOptions& options, std::string* out) {
  absl::StrAppend(out,
                  "<!DOCTYPE html>\n<html lang=\"en\"><head>"
                  "<meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width, "
                  "initial-scale=1\">");
  if (options.refresh_seconds > 0) {
    absl::StrAppend(out, "<meta http-equiv=\"refresh\" content=\"",
                    options.refresh_seconds, "\">");
  }
  absl::StrAppend(out, "<title>", HtmlEscape(heading),
                  "</title><link rel=\"icon\" href=\"data:,\"><style>", kStyle,
                  "</style></head>\n");
  absl::StrAppend(
      out, "<body data-as-of=\"",
      absl::FormatTime(absl::RFC3339_full, board.as_of(), absl::UTCTimeZone()),
      "\" data-view=\"", options.team.empty() ? "tenant" : "team",
      "\" data-members=\"", board.size(), "\" data-decline-points=\"",
      One(options.decline_points), "\">\n");
}

void AppendHeader(const board::Board& board, const std::string& heading,
                  const LeaderboardPageOptions& options, std::string* out) {
  absl::StrAppend(
      out, "<header><div class=\"in\"><h1>", HtmlEscape(heading),
      "</h1><p>Social Selling Index \u00B7 scores as of <time datetime=\"",
      absl::FormatTime(absl::RFC3339_sec, board.as_of(), absl::UTCTimeZone()),
      "\">",
      absl::FormatTime("%Y-%m-%d %H:%M UTC", board.as_of(),
                       absl::UTCTimeZone()),
      "</time>");
  if (options.refresh_seconds > 0) {
    absl::StrAppend(out, " \u00B7 refreshes every ", options.refresh_seconds,
                    " s");
  }
  out->append("</p></div></header>\n<main>\n");
}

void AppendFooter(const LeaderboardPageOptions& options, std::string* out) {
  out->append(
      "</main>\n<footer><p>SSI is 0\u2013100, the sum of four pillars of "
      "0\u201325: ");
  for (size_t p = 0; p < kPillars.size(); ++p) {
    absl::StrAppend(out, p ? "; " : "", "<b>", kPillars[p].short_name, "</b> ",
                    kPillars[p].name);
  }
  absl::StrAppend(out,
                  ". <b>7 days</b>: SSI now minus SSI a week ago. "
                  "<span class=\"badge\">declining</span> SSI fell by ",
                  One(options.decline_points),
                  " points or more in 7 days.</p></footer>\n</body></html>\n");
}

void AppendTenantView(const board::Board& board,
                      const LeaderboardPageOptions& options, std::string* out) {
  TeamFigures tenant = FiguresOf(board.Tenant(), options);
  AppendCards(board.teams().size(), tenant, out);
  if (board.size() == 0) {
    out->append(
        "<section><p class=\"empty\">No member has been scored yet: members "
        "appear here once they are loaded.</p></section>\n");
    return;
  }
  std::vector<TeamFigures> teams;
  teams.reserve(board.teams().size());
  for (const auto& [name, group] : board.teams()) {
    teams.push_back(FiguresOf(group, options));
  }
  AppendSummary(teams, out);
  AppendAttention(board, options, out);
  for (const TeamFigures& f : teams) {
    AppendTeamSection(f, options.max_rows_per_team, /*link=*/true, options,
                      out);
  }
}

void AppendTeamView(const board::Board& board,
                    const LeaderboardPageOptions& options, std::string* out) {
  if (options.link_to_tenant) {
    out->append("<a class=\"back\" href=\"./\">\u2190 All teams</a>\n");
  }
  const Group* group = board.Team(options.team);
  if (group == nullptr) {
    absl::StrAppend(out, "<section><p class=\"empty\">No team named \u201C",
                    HtmlEscape(options.team),
                    "\u201D has scored members.</p></section>\n");
    return;
  }
  const TeamFigures f = FiguresOf(*group, options);
  AppendCards(0, f, out);
  AppendTeamSection(f, /*limit=*/0, /*link=*/false, options, out);
}

}  // namespace

std::string RenderLeaderboardPage(const board::Board& board,
                                  const LeaderboardPageOptions& options) {
  const std::string heading =
      options.team.empty()
          ? options.title
          : absl::StrCat(options.title, " \u00B7 ", options.team);
  std::string out;
  out.reserve(8192 + board.size() * 1200);
  AppendHead(board, heading, options, &out);
  AppendHeader(board, heading, options, &out);
  if (options.team.empty()) {
    AppendTenantView(board, options, &out);
    out += options.tenant_view_extra_html;
  } else {
    AppendTeamView(board, options, &out);
  }
  AppendFooter(options, &out);
  return out;
}

}  // namespace rapport::web
