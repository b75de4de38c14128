// TopActions: the metrics' top action of a member is the first of the
// member's recommendations; one is computed afresh per member and scoring,
// within the round's budget, the others served from what earlier rounds
// found. Suite names with Concurrency are picked by the ThreadSanitizer pass
// of tests/run.sh.
#include "server/core/top_actions.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/board/score_board.h"
#include "server/common/clock.h"
#include "server/core/recommendations.h"
#include "server/scoring/model.h"
#include "tests/unit/board/random_world.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::core {
namespace {

using ::rapport::board::testing::RandomWorld;

constexpr char kTenant[] = "acme";

class TopActionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RandomWorld world(7, store_.get(), &boards_, &clock_, kTenant);
    for (int i = 0; i < 8; ++i) world.UpsertNew();
    for (int i = 0; i < 30; ++i) world.AppendBatch();
    auto board = boards_.Get(kTenant, std::nullopt);
    ASSERT_TRUE(board.ok()) << board.status();
    board_ = *std::move(board);
    ASSERT_GE(board_->size(), 4u);
  }

  // The member's first recommendation, asked directly.
  std::optional<TopAction> Expected(const std::string& member_id) {
    auto found = next_.For(kTenant, member_id, std::nullopt, clock_.Now(), 1);
    EXPECT_TRUE(found.ok()) << found.status();
    if (!found.ok() || found->recommendations.empty()) return std::nullopt;
    return TopAction{.title = found->recommendations[0].title,
                     .points = found->recommendations[0].expected_gain};
  }

  static void ExpectSame(const std::optional<TopAction>& got,
                         const std::optional<TopAction>& want,
                         const std::string& who) {
    ASSERT_EQ(got.has_value(), want.has_value()) << who;
    if (!got.has_value()) return;
    EXPECT_EQ(got->title, want->title) << who;
    EXPECT_EQ(got->points, want->points) << who;
  }

  std::unique_ptr<store::SqliteStore> store_ =
      store::testing::OpenMemoryStore();
  FakeClock clock_{store::testing::OnDay(40, 10)};
  const scoring::ScoringModel model_ = scoring::DefaultModel();
  board::ScoreBoard boards_{store_.get(), &model_, &clock_,
                            board::ScoreBoardOptions{}};
  NextActions next_{store_.get(), &boards_, NextActionsOptions{}};
  std::shared_ptr<const board::Board> board_;
};

TEST_F(TopActionsTest, IsTheMembersFirstRecommendation) {
  TopActions top(&next_, &clock_, 1000);
  top.BeginRound();
  for (const auto& m : board_->members()) {
    ExpectSame(top.For(kTenant, *m), Expected(m->member.member_id),
               m->member.member_id);
  }
}

TEST_F(TopActionsTest, ARoundComputesAtMostItsBudgetAndRemembersTheRest) {
  TopActions top(&next_, &clock_, 1);
  const auto& members = board_->members();
  const board::MemberScore& a = *members[0];
  const board::MemberScore& b = *members[1];
  top.BeginRound();
  ExpectSame(top.For(kTenant, a), Expected(a.member.member_id), "a");
  // The budget is spent: b has no action known yet.
  EXPECT_FALSE(top.For(kTenant, b).has_value());
  top.BeginRound();
  // a's scoring has not changed: served from memory, the budget kept for b.
  ExpectSame(top.For(kTenant, a), Expected(a.member.member_id), "a again");
  ExpectSame(top.For(kTenant, b), Expected(b.member.member_id), "b");
}

TEST_F(TopActionsTest, AMemberRescoredKeepsItsLastActionUntilItsTurn) {
  TopActions top(&next_, &clock_, 1);
  const board::MemberScore& a = *board_->members()[0];
  const board::MemberScore& b = *board_->members()[1];
  top.BeginRound();
  const std::optional<TopAction> first = top.For(kTenant, a);
  // The same member scored later (a new board's entry).
  board::MemberScore later = a;
  later.forecast.as_of = a.forecast.as_of + absl::Hours(1);
  top.BeginRound();
  ExpectSame(top.For(kTenant, b), Expected(b.member.member_id), "b");
  // No budget left: a's last action, though a was rescored.
  ExpectSame(top.For(kTenant, later), first, "a rescored, no budget");
  top.BeginRound();
  ExpectSame(top.For(kTenant, later), Expected(a.member.member_id),
             "a rescored, its turn");
}

using TopActionsConcurrencyTest = TopActionsTest;

TEST_F(TopActionsConcurrencyTest, RoundsAndLookupsFromManyThreads) {
  TopActions top(&next_, &clock_, 3);
  std::map<std::string, std::optional<TopAction>> expected;
  for (const auto& m : board_->members()) {
    expected[m->member.member_id] = Expected(m->member.member_id);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        if ((round + t) % 3 == 0) top.BeginRound();
        for (const auto& m : board_->members()) {
          const std::optional<TopAction> got = top.For(kTenant, *m);
          // Either not known yet, or the member's first recommendation.
          if (got.has_value()) {
            const auto& want = expected.at(m->member.member_id);
            EXPECT_TRUE(want.has_value());
            if (want.has_value()) {
              EXPECT_EQ(got->title, want->title);
            }
          }
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
}

}  // namespace
}  // namespace rapport::core
