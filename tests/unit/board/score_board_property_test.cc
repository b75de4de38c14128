// ScoreBoard's incremental refresh (re-scoring only the members reported
// changed) must give the board a full rebuild gives at the same time: the
// same members, scores, totals, change_7d, outreach_30d, ranks and orders.
// Checked after every step of generated histories of upserts, event
// batches, deletions and clock moves, midnight crossings included.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "server/board/score_board.h"
#include "server/common/clock.h"
#include "server/scoring/model.h"
#include "tests/unit/board/board_test_util.h"
#include "tests/unit/board/random_world.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::board {
namespace {

using testing::CheckConsistent;
using testing::DiffBoards;
using testing::FullBuild;
using testing::RandomWorld;
using testing::RandomWorldOptions;

constexpr int kSteps = 70;
constexpr char kTenant[] = "acme";

// A start time that differs by seed, at any hour of the day.
absl::Time StartOf(uint32_t seed) {
  return store::testing::OnDay(10 + seed % 5, seed % 24) +
         absl::Minutes(seed * 7 % 60);
}

// Runs `kSteps` steps of seed's history and compares the refreshed board
// with a full rebuild after each. Returns the first difference, with the
// steps that led to it; empty when there was none.
// What the refreshed board is compared with: a full build at the clock's
// now, or at the time the board says it is of.
enum class Reference { kNow, kBoardTime };

std::string RunHistory(uint32_t seed, RandomWorldOptions world_options,
                       Reference reference) {
  auto store = store::testing::OpenMemoryStore();
  const scoring::ScoringModel model = scoring::DefaultModel();
  FakeClock clock(StartOf(seed));
  ScoreBoardOptions options;
  options.refresh_interval = absl::Seconds(30);
  options.min_group_size = 3;
  ScoreBoard board(store.get(), &model, &clock, options);
  RandomWorld world(seed, store.get(), &board, &clock, kTenant, world_options);
  std::vector<std::string> log;
  for (int step = 0; step < kSteps; ++step) {
    log.push_back(world.Step());
    // Readers in between, which may or may not refresh.
    if (step % 3 == 0) {
      auto stale_ok = board.Get(kTenant, std::nullopt);
      if (!stale_ok.ok()) return stale_ok.status().ToString();
    }
    auto got = board.Get(kTenant, std::nullopt, /*refresh_changes=*/true);
    if (!got.ok()) return got.status().ToString();
    if (std::string bad = CheckConsistent(**got, options.min_group_size);
        !bad.empty()) {
      return absl::StrCat("inconsistent board after step ", step, ":\n", bad);
    }
    FakeClock at_board_time((*got)->as_of());
    auto want =
        FullBuild(store.get(), &model,
                  reference == Reference::kNow ? &clock : &at_board_time,
                  kTenant, options);
    if (want == nullptr) return "full build failed";
    if ((*got)->size() != world.alive().size()) {
      return absl::StrCat("board holds ", (*got)->size(), " members, ",
                          world.alive().size(), " exist");
    }
    if (std::string diff = DiffBoards(*want, **got); !diff.empty()) {
      return absl::StrCat("seed ", seed, " step ", step, " (board as of ",
                          absl::FormatTime((*got)->as_of()), ", now ",
                          absl::FormatTime(clock.Now()), "):\n", diff,
                          "\nafter:\n", absl::StrJoin(log, "\n"));
    }
  }
  return "";
}

// The clock moves by whole days (each move gives a new UTC day and so a
// full rebuild); between moves many changes are refreshed incrementally at
// one instant. Events dated up to the API's clock skew after now included.
TEST(ScoreBoardPropertyTest, IncrementalRefreshEqualsFullRebuild) {
  for (uint32_t seed = 1; seed <= 10; ++seed) {
    SCOPED_TRACE(seed);
    EXPECT_EQ(RunHistory(seed, {.advance_within_day = false}, Reference::kNow),
              "");
    EXPECT_EQ(RunHistory(
                  seed + 100,
                  {.max_future = absl::Minutes(5), .advance_within_day = false},
                  Reference::kNow),
              "");
  }
}

// The same with the clock also moving by seconds, minutes and hours within
// a day (and to either side of midnight), against a full build at the time
// the refreshed board says it is of. A refresh re-scores only the changed
// members, so this holds only because no figure of an unchanged member moves
// within a day: change_7d is measured from the end of the day seven days
// before, and outreach_30d's window starts at a UTC midnight.
TEST(ScoreBoardPropertyTest,
     IncrementalRefreshEqualsFullRebuildAsTheDayGoesOn) {
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE(seed);
    EXPECT_EQ(RunHistory(seed, {}, Reference::kBoardTime), "");
  }
}

}  // namespace
}  // namespace rapport::board
