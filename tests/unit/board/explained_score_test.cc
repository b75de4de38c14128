// A board keeps each member's score without explanation text, and writes
// the text from the member's facts when the score is shown: the result must
// equal, byte for byte, the member scored and explained directly from the
// store at the board's time. Checked over generated histories.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/board/score_board.h"
#include "server/common/clock.h"
#include "server/scoring/model.h"
#include "tests/unit/board/random_world.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::board {
namespace {

using testing::RandomWorld;

constexpr char kTenant[] = "acme";

std::string Texts(const scoring::ScoreResult& r) {
  std::string out;
  for (const scoring::PillarScore& p : r.pillars) {
    for (const scoring::ComponentScore& c : p.components) {
      absl::StrAppend(&out, c.name, ": ", c.explanation, "\n");
    }
  }
  return out;
}

TEST(ExplainedScoreTest, EqualsTheScoreExplainedFromTheStore) {
  int compared = 0;
  for (uint32_t seed = 1; seed <= 4; ++seed) {
    auto store = store::testing::OpenMemoryStore();
    const scoring::ScoringModel model = scoring::DefaultModel();
    FakeClock clock(store::testing::OnDay(10 + seed, seed * 5 % 24));
    ScoreBoardOptions options;
    options.min_group_size = 3;
    ScoreBoard boards(store.get(), &model, &clock, options);
    RandomWorld world(seed, store.get(), &boards, &clock, kTenant);
    for (int step = 0; step < 60; ++step) {
      world.Step();
      if (step % 15 != 14) continue;
      auto board = boards.Get(kTenant, std::nullopt, /*refresh_changes=*/true);
      ASSERT_TRUE(board.ok()) << board.status();
      for (const auto& m : (*board)->members()) {
        // The entry keeps no text.
        for (const scoring::PillarScore& p : m->score.Unpack().pillars) {
          for (const scoring::ComponentScore& c : p.components) {
            EXPECT_TRUE(c.explanation.empty()) << c.name;
          }
        }
        auto direct = boards.ScoreOne(kTenant, m->member, (*board)->as_of());
        ASSERT_TRUE(direct.ok()) << direct.status();
        const scoring::ScoreResult shown = m->ExplainedScore();
        ASSERT_EQ(shown, *direct) << Texts(shown) << "---\n" << Texts(*direct);
        // An exact instant's entry is explained the same way.
        auto at = boards.ScoreAt(kTenant, m->member, (*board)->as_of());
        ASSERT_TRUE(at.ok()) << at.status();
        EXPECT_EQ((*at)->ExplainedScore(), *direct);
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 40);
}

}  // namespace
}  // namespace rapport::board
