// PoolTeam(): a team's report is the pooled figures of its members' reports.
#include "server/outreach/team.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "server/outreach/report.h"
#include "tests/unit/outreach/test_util.h"

namespace rapport::outreach {
namespace {

using testing::Day;
using testing::Started;

// A member with `threads` started threads, every `answer_every`th answered
// 2 h later, the rest going unanswered.
OutreachReport MemberReport(const std::string& id, int threads,
                            int answer_every, std::mt19937& rng) {
  model::MemberActivity a;
  for (int i = 0; i < threads; ++i) {
    const double sent = 24.0 * (1 + rng() % 25) + (rng() % 24);
    model::ThreadState t =
        i % answer_every == 0
            ? Started(id + "-t" + std::to_string(i), sent, sent + 2)
            : Started(id + "-t" + std::to_string(i), sent);
    t.channel = static_cast<model::Channel>(1 + rng() % model::kMaxChannel);
    t.seniority =
        static_cast<model::Seniority>(1 + rng() % model::kMaxSeniority);
    a.threads.push_back(t);
  }
  OutreachReport r = Analyze(a, {}, Day(0), Day(30), {.max_unanswered = 3});
  for (auto& u : r.unanswered) u.member_id = id;
  return r;
}

TEST(PoolTeamTest, PoolsCountsRatesBreakdownsAndUnanswered) {
  std::mt19937 rng(11);
  for (int round = 0; round < 200; ++round) {
    std::vector<OutreachReport> reports;
    int64_t started = 0, answered = 0, unanswered = 0;
    const int members = 1 + static_cast<int>(rng() % 8);
    for (int m = 0; m < members; ++m) {
      reports.push_back(MemberReport("m" + std::to_string(m),
                                     static_cast<int>(rng() % 12),
                                     1 + static_cast<int>(rng() % 4), rng));
      started += reports.back().current.threads_started;
      answered += reports.back().current.threads_answered;
      unanswered += reports.back().unanswered_count;
    }
    const int cap = static_cast<int>(rng() % 10);
    const TeamReport team = PoolTeam(reports, cap);
    EXPECT_EQ(team.current.threads_started, started);
    EXPECT_EQ(team.current.threads_answered, answered);
    EXPECT_EQ(team.current.reply_rate, Ratio(answered, started));
    EXPECT_EQ(team.unanswered_count, unanswered);
    // Listed: the oldest of the members' listed threads, at most `cap`.
    size_t listed = 0;
    for (const auto& r : reports) listed += r.unanswered.size();
    EXPECT_EQ(team.unanswered.size(), std::min<size_t>(listed, cap));
    for (size_t i = 1; i < team.unanswered.size(); ++i) {
      EXPECT_LE(team.unanswered[i - 1].last_sent_time,
                team.unanswered[i].last_sent_time);
    }
    // Breakdowns sum to the pooled totals.
    int64_t by_channel = 0, by_seniority = 0;
    for (const auto& b : team.by_channel) {
      by_channel += b.stats.threads_started;
      EXPECT_EQ(b.stats.reply_rate,
                Ratio(b.stats.threads_answered, b.stats.threads_started));
    }
    for (const auto& b : team.by_seniority) {
      by_seniority += b.stats.threads_started;
    }
    EXPECT_EQ(by_channel, started);
    EXPECT_EQ(by_seniority, started);
  }
}

TEST(PoolTeamTest, EmptyTeam) {
  const TeamReport team = PoolTeam(absl::Span<const OutreachReport>(), 5);
  EXPECT_EQ(team.current, OutreachStats{});
  EXPECT_TRUE(team.unanswered.empty());
  EXPECT_FALSE(team.reciprocity.answered_share.has_value());
}

}  // namespace
}  // namespace rapport::outreach
