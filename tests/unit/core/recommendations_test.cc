// NextActions: a member's current recommendations, once computed, are
// served again as of their instant, and what is served is always what a
// computation at that instant gives over the store and board as they are:
// a change to the member, to the team's reply rate or a new day drops them.
// Suite names with Concurrency are picked by the ThreadSanitizer pass of
// tests/run.sh.
#include "server/core/recommendations.h"

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "server/board/score_board.h"
#include "server/common/clock.h"
#include "server/scoring/model.h"
#include "server/store/member_change_listener.h"
#include "tests/unit/board/random_world.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::core {
namespace {

using ::rapport::board::testing::RandomWorld;

constexpr char kTenant[] = "acme";

// A store and board with a kept and an unkept NextActions over them, told
// of changes as the server tells them. The board takes in every change
// before it answers, so that both read the same board.
class World {
 public:
  explicit World(NextActionsOptions kept_options)
      : boards_(
            store_.get(), &model_, &clock_,
            board::ScoreBoardOptions{.refresh_interval = absl::ZeroDuration()}),
        kept_(store_.get(), &boards_, kept_options),
        unkept_(store_.get(), &boards_,
                NextActionsOptions{.reuse_for = absl::ZeroDuration()}),
        changes_({&boards_, &kept_}) {}

  FakeClock& clock() { return clock_; }
  store::Store* store() { return store_.get(); }
  store::MemberChangeListener* listener() { return &changes_; }
  const NextActions& kept() const { return kept_; }
  const NextActions& unkept() const { return unkept_; }

 private:
  std::unique_ptr<store::SqliteStore> store_ =
      store::testing::OpenMemoryStore();
  FakeClock clock_{store::testing::OnDay(30, 9)};
  const scoring::ScoringModel model_ = scoring::DefaultModel();
  board::ScoreBoard boards_;
  NextActions kept_;
  NextActions unkept_;
  store::MemberChangeFanOut changes_;
};

// Generated histories (members upserted, moved and deleted, event batches,
// the clock moving by seconds to days): after every step, each member's
// served recommendations are at most reuse_for old and of today, and equal
// what the unkept path computes at their instant now. Some are served
// again, some computed afresh.
TEST(NextActionsTest, ServedRecommendationsEqualAComputationAtTheirInstant) {
  const absl::Duration reuse = absl::Hours(3);
  int served_again = 0;
  int computed = 0;
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    World w(NextActionsOptions{.reuse_for = reuse});
    RandomWorld world(seed, w.store(), w.listener(), &w.clock(), kTenant);
    std::vector<std::string> log;
    for (int step = 0; step < 70; ++step) {
      log.push_back(world.Step());
      std::vector<std::string> ids(world.alive().begin(), world.alive().end());
      ids.push_back("never-existed");
      for (size_t i = 0; i < ids.size(); ++i) {
        const int max_results = 1 + static_cast<int>((step + i) % 3) * 4;
        const absl::Time now = w.clock().Now();
        auto got =
            w.kept().For(kTenant, ids[i], std::nullopt, now, max_results);
        if (!got.ok()) {
          auto want =
              w.unkept().For(kTenant, ids[i], std::nullopt, now, max_results);
          ASSERT_EQ(got.status(), want.status()) << ids[i];
          continue;
        }
        ASSERT_LE(got->as_of, now);
        ASSERT_LE(now - got->as_of, reuse);
        ASSERT_EQ(absl::ToCivilDay(got->as_of, absl::UTCTimeZone()),
                  absl::ToCivilDay(now, absl::UTCTimeZone()));
        ASSERT_LE(got->recommendations.size(),
                  static_cast<size_t>(max_results));
        (got->as_of == now ? computed : served_again) += 1;
        auto want = w.unkept().For(kTenant, ids[i], std::nullopt, got->as_of,
                                   max_results);
        ASSERT_TRUE(want.ok()) << want.status();
        ASSERT_TRUE(*got == *want) << ids[i] << " as of " << got->as_of
                                   << " after step " << step << ":\n"
                                   << absl::StrJoin(log, "\n");
      }
    }
  }
  // Both paths were taken.
  EXPECT_GT(served_again, 100);
  EXPECT_GT(computed, 100);
}

// A change to the member drops its recommendations; a teammate's events
// alone keep them while the team's reply rate is unchanged.
TEST(NextActionsTest, AChangeToTheMemberDropsItsRecommendations) {
  World w(NextActionsOptions{.reuse_for = absl::Minutes(5)});
  RandomWorld world(11, w.store(), w.listener(), &w.clock(), kTenant);
  for (int i = 0; i < 4; ++i) world.UpsertNew();
  const std::string id = *world.alive().begin();
  const absl::Time first = w.clock().Now();
  auto before = w.kept().For(kTenant, id, std::nullopt, first, 10);
  ASSERT_TRUE(before.ok()) << before.status();
  ASSERT_EQ(before->as_of, first);

  w.clock().Advance(absl::Seconds(30));
  auto again = w.kept().For(kTenant, id, std::nullopt, w.clock().Now(), 10);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->as_of, first);

  // The member's profile, upserted again (its photo removed).
  model::Member m = store::testing::MakeMember(id, "emea");
  m.profile.has_photo = false;
  ASSERT_TRUE(w.store()->UpsertMember(kTenant, m, w.clock().Now()).ok());
  w.listener()->OnMembersChanged(kTenant, {id});
  w.clock().Advance(absl::Seconds(1));
  auto after = w.kept().For(kTenant, id, std::nullopt, w.clock().Now(), 10);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->as_of, w.clock().Now());
  auto want = w.unkept().For(kTenant, id, std::nullopt, w.clock().Now(), 10);
  ASSERT_TRUE(want.ok());
  EXPECT_TRUE(*after == *want);

  // Deleted: NOT_FOUND at once, nothing served from before.
  ASSERT_TRUE(w.store()->DeleteMember(kTenant, id).ok());
  w.listener()->OnMembersChanged(kTenant, {id});
  EXPECT_EQ(w.kept()
                .For(kTenant, id, std::nullopt, w.clock().Now(), 10)
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

// At most max_kept members are kept; the least recently read go first. A
// call asking for more results than were kept computes them afresh.
TEST(NextActionsTest, KeepsAtMostMaxKeptMembersAndEnoughResults) {
  World w(NextActionsOptions{.reuse_for = absl::Minutes(5), .max_kept = 3});
  RandomWorld world(4, w.store(), w.listener(), &w.clock(), kTenant);
  for (int i = 0; i < 5; ++i) world.UpsertNew();
  for (int i = 0; i < 20; ++i) world.AppendBatch();
  const std::vector<std::string> ids(world.alive().begin(),
                                     world.alive().end());
  ASSERT_GE(ids.size(), 4u);
  const absl::Time t0 = w.clock().Now();
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(w.kept().For(kTenant, ids[i], std::nullopt, t0, 1).ok());
  }
  w.clock().Advance(absl::Seconds(1));
  const absl::Time t1 = w.clock().Now();
  // ids[0] was read least recently: dropped for ids[3].
  EXPECT_EQ(w.kept().For(kTenant, ids[3], std::nullopt, t1, 1)->as_of, t0);
  EXPECT_EQ(w.kept().For(kTenant, ids[0], std::nullopt, t1, 1)->as_of, t1);
  // Kept with one result; asked for ten, computed again (unless one was
  // every candidate there was).
  auto one = w.kept().For(kTenant, ids[2], std::nullopt, t1, 1);
  ASSERT_TRUE(one.ok());
  w.clock().Advance(absl::Seconds(1));
  auto ten = w.kept().For(kTenant, ids[2], std::nullopt, w.clock().Now(), 10);
  ASSERT_TRUE(ten.ok());
  auto want = w.unkept().For(kTenant, ids[2], std::nullopt, ten->as_of, 10);
  ASSERT_TRUE(want.ok());
  EXPECT_TRUE(*ten == *want);
  if (ten->recommendations.size() > 1) {
    EXPECT_EQ(ten->as_of, w.clock().Now());
  }
}

// Readers on several threads while members change: nothing served is from
// before a change the reader's call followed.
TEST(NextActionsConcurrencyTest, ReadersWhileMembersChange) {
  World w(NextActionsOptions{.reuse_for = absl::Hours(1), .max_kept = 4});
  RandomWorld world(8, w.store(), w.listener(), &w.clock(), kTenant);
  for (int i = 0; i < 6; ++i) world.UpsertNew();
  const std::vector<std::string> ids(world.alive().begin(),
                                     world.alive().end());
  std::atomic<bool> done{false};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      for (size_t i = t; !done.load(); ++i) {
        const std::string& id = ids[i % ids.size()];
        auto got = w.kept().For(kTenant, id, std::nullopt, w.clock().Now(),
                                1 + static_cast<int>(i % 5));
        if (!got.ok()) {
          EXPECT_EQ(got.status().code(), absl::StatusCode::kNotFound);
        }
      }
    });
  }
  for (int i = 0; i < 40; ++i) world.AppendBatch();
  done = true;
  for (std::thread& t : readers) t.join();
  // Every change is in: what is served equals a computation now or at its
  // instant, as in the single-threaded property.
  for (const std::string& id : world.alive()) {
    const absl::Time now = w.clock().Now();
    auto got = w.kept().For(kTenant, id, std::nullopt, now, 5);
    ASSERT_TRUE(got.ok()) << got.status();
    auto want = w.unkept().For(kTenant, id, std::nullopt, got->as_of, 5);
    ASSERT_TRUE(want.ok());
    EXPECT_TRUE(*got == *want) << id;
  }
}

}  // namespace
}  // namespace rapport::core
