#include "server/web/leaderboard_page.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/board/board.h"

namespace rapport::web {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

const absl::Time kAsOf = absl::FromUnixSeconds(1717243200);  // 2024-06-01 12:00

struct Rep {
  std::string id;
  std::string name;
  std::string team;
  double total;
  double change;  // total minus the total seven days earlier.
};

std::shared_ptr<const board::MemberScore> ScoreOf(const Rep& rep) {
  auto m = std::make_shared<board::MemberScore>();
  m->member.member_id = rep.id;
  m->member.display_name = rep.name;
  m->member.team = rep.team;
  m->member.industry = "software";
  m->totals.total = rep.total;
  for (double& p : m->totals.pillars) p = rep.total / 4;
  m->totals_7d_ago.total = rep.total - rep.change;
  m->score.total = rep.total;
  return m;
}

board::Board MakeBoard(const std::vector<Rep>& reps) {
  std::vector<std::shared_ptr<const board::MemberScore>> members;
  for (const Rep& rep : reps) members.push_back(ScoreOf(rep));
  return board::Board(kAsOf, std::move(members), scoring::RankOptions{});
}

// One member row of the page: its data-* attributes.
struct Row {
  std::string member;
  std::map<std::string, std::string> data;
};

// The data-* attributes of one start tag ("<tr class=x data-a=\"1\">").
std::map<std::string, std::string> DataOf(absl::string_view tag) {
  std::map<std::string, std::string> data;
  for (size_t at = tag.find(" data-"); at != absl::string_view::npos;
       at = tag.find(" data-", at + 1)) {
    const size_t eq = tag.find("=\"", at);
    const size_t close = tag.find('"', eq + 2);
    if (eq == absl::string_view::npos || close == absl::string_view::npos) {
      break;
    }
    data[std::string(tag.substr(at + 6, eq - at - 6))] =
        std::string(tag.substr(eq + 2, close - eq - 2));
  }
  return data;
}

// The member rows (<tr ... data-member=...>) of `html`, in page order.
std::vector<Row> RowsOf(const std::string& html) {
  std::vector<Row> rows;
  for (size_t at = html.find("<tr"); at != std::string::npos;
       at = html.find("<tr", at + 1)) {
    const absl::string_view tag =
        absl::string_view(html).substr(at, html.find('>', at) - at);
    Row row;
    row.data = DataOf(tag);
    if (row.data.count("member") == 0) continue;
    row.member = row.data["member"];
    rows.push_back(row);
  }
  return rows;
}

std::vector<std::string> MembersOf(const std::vector<Row>& rows) {
  std::vector<std::string> ids;
  for (const Row& r : rows) ids.push_back(r.member);
  return ids;
}

const Row* FindRow(const std::vector<Row>& rows, const std::string& member) {
  for (const Row& r : rows) {
    if (r.member == member) return &r;
  }
  return nullptr;
}

// The text of the <tr> of `member` up to its </tr>.
std::string RowHtml(const std::string& html, const std::string& member) {
  const size_t start = html.find(absl::StrCat("data-member=\"", member, "\""));
  if (start == std::string::npos) return "";
  return html.substr(start, html.find("</tr>", start) - start);
}

LeaderboardPageOptions TeamOptions(const std::string& team) {
  LeaderboardPageOptions options;
  options.team = team;
  return options;
}

TEST(LeaderboardPageTest, TeamRowsAreOrderedBySsiWithSharedRanks) {
  const board::Board board = MakeBoard({{"rep-a", "A", "north", 40, 0},
                                        {"rep-b", "B", "north", 72.5, 0},
                                        {"rep-c", "C", "north", 55, 0},
                                        {"rep-d", "D", "north", 55, 0},
                                        {"rep-e", "E", "south", 90, 0}});
  const std::vector<Row> rows =
      RowsOf(RenderLeaderboardPage(board, TeamOptions("north")));
  EXPECT_THAT(MembersOf(rows), ElementsAre("rep-b", "rep-c", "rep-d", "rep-a"));
  std::vector<std::string> ranks, ssi;
  for (const Row& r : rows) {
    ranks.push_back(r.data.at("rank"));
    ssi.push_back(r.data.at("ssi"));
  }
  EXPECT_THAT(ranks, ElementsAre("1", "2", "2", "4"));
  EXPECT_THAT(ssi, ElementsAre("72.5", "55.0", "55.0", "40.0"));
}

TEST(LeaderboardPageTest, TenantViewHasOneOrderedTablePerTeam) {
  const board::Board board = MakeBoard({{"rep-a", "A", "north", 40, 0},
                                        {"rep-b", "B", "north", 72, 0},
                                        {"rep-e", "E", "south", 30, 0},
                                        {"rep-f", "F", "south", 90, 0}});
  const std::string html = RenderLeaderboardPage(board, {});
  // Teams in name order, each best first.
  EXPECT_THAT(MembersOf(RowsOf(html)),
              ElementsAre("rep-b", "rep-a", "rep-f", "rep-e"));
  EXPECT_THAT(html, HasSubstr("data-team=\"north\""));
  EXPECT_THAT(html, HasSubstr("data-team=\"south\""));
  // The summary ranks teams by average: south (60) before north (56).
  const size_t south = html.find("data-team-summary=\"south\"");
  const size_t north = html.find("data-team-summary=\"north\"");
  ASSERT_NE(south, std::string::npos);
  ASSERT_NE(north, std::string::npos);
  EXPECT_LT(south, north);
  EXPECT_THAT(html, HasSubstr("href=\"?team=north\""));
  EXPECT_THAT(html, HasSubstr("data-view=\"tenant\""));
}

TEST(LeaderboardPageTest, DeclinerThresholdIsInclusive) {
  const board::Board board = MakeBoard({{"rep-a", "A", "north", 40, -5},
                                        {"rep-b", "B", "north", 50, -4.9},
                                        {"rep-c", "C", "north", 60, -12},
                                        {"rep-d", "D", "north", 70, 3}});
  std::vector<Row> rows = RowsOf(RenderLeaderboardPage(board, {}));
  std::vector<std::string> declining;
  for (const Row& r : rows) {
    if (r.data.at("declining") == "true") declining.push_back(r.member);
  }
  EXPECT_THAT(declining, ElementsAre("rep-c", "rep-a"));
  EXPECT_THAT(RowHtml(RenderLeaderboardPage(board, {}), "rep-a"),
              HasSubstr("class=\"badge\">declining<"));
  EXPECT_THAT(RowHtml(RenderLeaderboardPage(board, {}), "rep-b"),
              Not(HasSubstr("badge")));

  LeaderboardPageOptions options;
  options.decline_points = 4.5;
  rows = RowsOf(RenderLeaderboardPage(board, options));
  EXPECT_EQ(FindRow(rows, "rep-b")->data.at("declining"), "true");
  EXPECT_EQ(FindRow(rows, "rep-d")->data.at("declining"), "false");
}

TEST(LeaderboardPageTest, TenantViewListsDeclinersSteepestFirst) {
  const board::Board board = MakeBoard({{"rep-a", "A", "north", 40, -6},
                                        {"rep-b", "B", "south", 50, -20},
                                        {"rep-c", "C", "south", 60, 1}});
  const std::string html = RenderLeaderboardPage(board, {});
  const size_t b = html.find("data-decliner=\"rep-b\"");
  const size_t a = html.find("data-decliner=\"rep-a\"");
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(a, std::string::npos);
  EXPECT_LT(b, a);
  EXPECT_THAT(html, Not(HasSubstr("data-decliner=\"rep-c\"")));
  EXPECT_THAT(html, HasSubstr("data-team-summary=\"south\" data-members=\"2\" "
                              "data-declining=\"1\""));

  const board::Board calm = MakeBoard({{"rep-c", "C", "south", 60, 1}});
  EXPECT_THAT(RenderLeaderboardPage(calm, {}),
              HasSubstr("No one is declining."));
}

TEST(LeaderboardPageTest, ArrowsFollowTheSignOfTheChange) {
  const board::Board board =
      MakeBoard({{"rep-up", "Up", "north", 40, 3.2},
                 {"rep-down", "Down", "north", 50, -6.1},
                 {"rep-zero", "Zero", "north", 60, 0},
                 {"rep-tiny", "Tiny", "north", 70, -0.04}});
  const std::string html = RenderLeaderboardPage(board, TeamOptions("north"));
  const std::vector<Row> rows = RowsOf(html);
  EXPECT_EQ(FindRow(rows, "rep-up")->data.at("trend"), "up");
  EXPECT_EQ(FindRow(rows, "rep-up")->data.at("change"), "3.2");
  EXPECT_EQ(FindRow(rows, "rep-down")->data.at("trend"), "down");
  EXPECT_EQ(FindRow(rows, "rep-down")->data.at("change"), "-6.1");
  EXPECT_EQ(FindRow(rows, "rep-zero")->data.at("trend"), "flat");
  // Shown as 0.0, so flat rather than a falling arrow on "-0.0".
  EXPECT_EQ(FindRow(rows, "rep-tiny")->data.at("trend"), "flat");
  EXPECT_EQ(FindRow(rows, "rep-tiny")->data.at("change"), "0.0");

  EXPECT_THAT(RowHtml(html, "rep-up"),
              HasSubstr("class=\"chg num up\">▲ +3.2<"));
  EXPECT_THAT(RowHtml(html, "rep-down"),
              HasSubstr("class=\"chg num down\">▼ −6.1<"));
  for (const char* flat : {"rep-zero", "rep-tiny"}) {
    EXPECT_THAT(RowHtml(html, flat), HasSubstr("class=\"chg num flat\""));
    EXPECT_THAT(RowHtml(html, flat), Not(HasSubstr("▲")));
    EXPECT_THAT(RowHtml(html, flat), Not(HasSubstr("▼")));
  }
}

TEST(LeaderboardPageTest, EscapesEveryStringFromTheData) {
  const std::string evil = "<script>alert(\"x\")</script>&'";
  const board::Board board =
      MakeBoard({{"rep-<b>", evil, "<img src=x onerror=alert(1)>", 40, -9},
                 {"rep-ok", "Ok", "north", 50, 0}});
  for (const std::string& team :
       {std::string(), std::string("<img src=x "
                                   "onerror=alert(1)>")}) {
    LeaderboardPageOptions options = TeamOptions(team);
    options.title = "<i>Board</i>";
    const std::string html = RenderLeaderboardPage(board, options);
    EXPECT_THAT(html, Not(HasSubstr("<script")));
    EXPECT_THAT(html, Not(HasSubstr("<img")));
    EXPECT_THAT(html, Not(HasSubstr("rep-<b>")));
    EXPECT_THAT(html, Not(HasSubstr("<i>Board")));
    EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(&quot;x&quot;)&lt;/"
                                "script&gt;&amp;&#39;"));
    EXPECT_THAT(html, HasSubstr("data-member=\"rep-&lt;b&gt;\""));
    EXPECT_THAT(html, HasSubstr("&lt;i&gt;Board&lt;/i&gt;"));
  }
  // The team link is percent-encoded.
  EXPECT_THAT(RenderLeaderboardPage(board, {}),
              HasSubstr("href=\"?team=%3Cimg%20src%3Dx%20onerror%3Dalert%281%"
                        "29%3E\""));
}

TEST(LeaderboardPageTest, TeamFilterShowsOnlyThatTeam) {
  const board::Board board = MakeBoard({{"rep-a", "A", "north", 40, 0},
                                        {"rep-b", "B", "south", 72, -8},
                                        {"rep-c", "C", "north", 55, 0}});
  const std::string html = RenderLeaderboardPage(board, TeamOptions("north"));
  EXPECT_THAT(MembersOf(RowsOf(html)), ElementsAre("rep-c", "rep-a"));
  EXPECT_THAT(html, Not(HasSubstr("rep-b")));
  EXPECT_THAT(html, Not(HasSubstr("data-team-summary")));
  EXPECT_THAT(html, HasSubstr("data-view=\"team\""));
  EXPECT_THAT(html, HasSubstr("<title>Rapport leaderboard · north</title>"));

  const std::string unknown = RenderLeaderboardPage(board, TeamOptions("west"));
  EXPECT_TRUE(RowsOf(unknown).empty());
  EXPECT_THAT(unknown, HasSubstr("No team named “west”"));
}

TEST(LeaderboardPageTest, ShowsTheAsOfTimeAndRefreshes) {
  const board::Board board = MakeBoard({{"rep-a", "A", "north", 40, 0}});
  const std::string html = RenderLeaderboardPage(board, {});
  EXPECT_THAT(html, HasSubstr("2024-06-01 12:00 UTC"));
  EXPECT_THAT(html, HasSubstr("data-as-of=\"2024-06-01T12:00:00+00:00\""));
  EXPECT_THAT(html, HasSubstr("<meta http-equiv=\"refresh\" content=\"30\">"));
  LeaderboardPageOptions options;
  options.refresh_seconds = 0;
  EXPECT_THAT(RenderLeaderboardPage(board, options),
              Not(HasSubstr("http-equiv=\"refresh\"")));
}

TEST(LeaderboardPageTest, IsSelfContained) {
  const board::Board board = MakeBoard({{"rep-a", "A", "north", 40, -7}});
  const std::string html = RenderLeaderboardPage(board, {});
  EXPECT_TRUE(absl::StartsWith(html, "<!DOCTYPE html>"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("http://")));
  EXPECT_THAT(html, Not(HasSubstr("https://")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("stylesheet")));
}

TEST(LeaderboardPageTest, TenantViewCapsRowsPerTeamButTeamViewDoesNot) {
  std::vector<Rep> reps;
  for (int i = 0; i < 7; ++i) {
    reps.push_back({absl::StrCat("rep-", i), "R", "north", 10.0 + i, 0});
  }
  const board::Board board = MakeBoard(reps);
  LeaderboardPageOptions options;
  options.max_rows_per_team = 3;
  const std::string html = RenderLeaderboardPage(board, options);
  EXPECT_THAT(MembersOf(RowsOf(html)), ElementsAre("rep-6", "rep-5", "rep-4"));
  EXPECT_THAT(html, HasSubstr("all 7 members"));
  options.team = "north";
  EXPECT_EQ(RowsOf(RenderLeaderboardPage(board, options)).size(), 7u);
}

TEST(LeaderboardPageTest, EmptyBoardSaysSo) {
  const board::Board board = MakeBoard({});
  const std::string html = RenderLeaderboardPage(board, {});
  EXPECT_TRUE(RowsOf(html).empty());
  EXPECT_THAT(html, HasSubstr("No member has been scored yet"));
}

// A member losing `per_day` points a projected day from `total`.
std::shared_ptr<const board::MemberScore> Falling(const std::string& id,
                                                  double total,
                                                  double per_day) {
  auto m = std::make_shared<board::MemberScore>(
      *ScoreOf({id, id, "Atlas", total, 0}));
  m->forecast.as_of = kAsOf;
  for (int d = 1; d <= scoring::kForecastDays; ++d) {
    scoring::MemberTotals t;
    t.total = total - per_day * d;
    m->forecast.daily.push_back(t);
  }
  return m;
}

TEST(LeaderboardPageTest, ForecastsShowTheNextWeekAndTheDayBelowTheFloor) {
  // 2024-06-01 12:00: rep-a falls 3 a day from 50 (below 40 on day 4,
  // 2024-06-05), rep-b 0.1 a day from 45 (stays above 40 for 30 days),
  // rep-c is already below.
  std::vector<std::shared_ptr<const board::MemberScore>> members = {
      Falling("rep-a", 50, 3), Falling("rep-b", 45, 0.1),
      Falling("rep-c", 30, 1)};
  const board::Board b(kAsOf, std::move(members), scoring::RankOptions{});
  LeaderboardPageOptions options = TeamOptions("Atlas");
  options.score_floor = 40;
  const std::string html = RenderLeaderboardPage(b, options);
  const std::vector<Row> rows = RowsOf(html);
  ASSERT_NE(FindRow(rows, "rep-a"), nullptr);
  EXPECT_EQ(FindRow(rows, "rep-a")->data.at("forecast-change"), "-21.0");
  EXPECT_EQ(FindRow(rows, "rep-a")->data.at("below-floor"), "2024-06-05");
  EXPECT_THAT(RowHtml(html, "rep-a"), HasSubstr("below 40.0 on 2024-06-05"));
  EXPECT_EQ(FindRow(rows, "rep-b")->data.at("forecast-change"), "-0.7");
  EXPECT_EQ(FindRow(rows, "rep-b")->data.at("below-floor"), "");
  EXPECT_EQ(FindRow(rows, "rep-c")->data.at("below-floor"), "");
  EXPECT_THAT(RowHtml(html, "rep-c"), Not(HasSubstr("below 40")));
}

TEST(LeaderboardPageTest, MembersWithGoalsShowWhetherTheyAreOnTrack) {
  const board::Board board = MakeBoard({{"a", "Ann", "north", 60, 1},
                                        {"b", "Bob", "north", 40, -2},
                                        {"c", "Cy", "north", 30, 0}});
  LeaderboardPageOptions options = TeamOptions("north");
  options.goals_on_track = {{"a", true}, {"b", false}};
  const std::string html = RenderLeaderboardPage(board, options);
  std::map<std::string, std::string> goal;
  for (const Row& row : RowsOf(html)) {
    auto it = row.data.find("goal");
    goal[row.member] = it == row.data.end() ? "" : it->second;
  }
  EXPECT_EQ(goal, (std::map<std::string, std::string>{
                      {"a", "on"}, {"b", "off"}, {"c", ""}}));
  EXPECT_THAT(html, HasSubstr("goal on track"));
  EXPECT_THAT(html, HasSubstr("goal off track"));
  // Without goals, no indicator at all.
  EXPECT_THAT(RenderLeaderboardPage(board, TeamOptions("north")),
              Not(HasSubstr("data-goal")));
}

}  // namespace
}  // namespace rapport::web
