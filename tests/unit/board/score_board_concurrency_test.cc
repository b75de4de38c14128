// ScoreBoard under concurrency: readers racing a writer never see a torn
// board, a build held inside the store does not block readers that have a
// board to return, and a change reported while a build is in flight is
// never lost. Suite names start with ScoreBoardConcurrency so that the
// ThreadSanitizer pass of tests/run.sh picks them.
#include <atomic>
#include <functional>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "server/board/score_board.h"
#include "server/common/clock.h"
#include "server/scoring/model.h"
#include "tests/common/fault_store.h"
#include "tests/common/temp_dir.h"
#include "tests/unit/board/board_test_util.h"
#include "tests/unit/board/random_world.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::board {
namespace {

using model::EventType;
using ::rapport::testing::FaultStore;
using ::rapport::testing::TempDir;
using testing::CheckConsistent;
using testing::DiffBoards;
using testing::FullBuild;
using testing::MakeEvent;
using testing::MakeMember;
using testing::OnDay;
using testing::RandomWorld;

// How long a call that should not block may take before the test calls it
// blocked. Generous: sanitizers and a loaded machine are slow.
constexpr absl::Duration kPatience = absl::Seconds(5);

TEST(ScoreBoardConcurrencyTest, ReadersNeverObserveATornBoard) {
  TempDir dir;
  auto store = store::testing::OpenStore(dir.File("board.db"));
  ASSERT_NE(store, nullptr);
  const scoring::ScoringModel model = scoring::DefaultModel();
  FakeClock clock(OnDay(10, 22));
  ScoreBoardOptions options;
  options.refresh_interval = absl::ZeroDuration();  // Refresh on every change.
  options.min_group_size = 3;
  options.max_past_boards = 2;
  ScoreBoard board(store.get(), &model, &clock, options);
  RandomWorld world(7, store.get(), &board, &clock, "acme");
  for (int i = 0; i < 8; ++i) world.UpsertNew();

  std::atomic<bool> writing{true};
  std::atomic<int> boards_checked{0};
  std::vector<std::string> problems[4];
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&, r] {
      std::mt19937 rng(100 + r);
      std::shared_ptr<const Board> held;
      while (writing.load()) {
        const int pick = std::uniform_int_distribution<int>(0, 5)(rng);
        std::optional<absl::Time> as_of;
        if (pick == 0) as_of = OnDay(9, 12);  // A past board.
        auto got = board.Get("acme", as_of, /*refresh_changes=*/pick == 1);
        if (!got.ok()) {
          problems[r].push_back(
              absl::StrCat(as_of.has_value() ? "past" : "current", " board at ",
                           absl::FormatTime(as_of.value_or(clock.Now())), ": ",
                           got.status().ToString()));
          continue;
        }
        if (std::string bad = CheckConsistent(**got, options.min_group_size);
            !bad.empty()) {
          problems[r].push_back(bad);
        }
        // A board handed out earlier is unchanged by the builds since.
        if (held != nullptr) {
          if (std::string bad = CheckConsistent(*held, options.min_group_size);
              !bad.empty()) {
            problems[r].push_back("held board changed: " + bad);
          }
        }
        held = *got;
        boards_checked.fetch_add(1);
      }
    });
  }
  for (int step = 0; step < 120; ++step) world.Step();
  writing.store(false);
  for (auto& t : readers) t.join();

  for (int r = 0; r < 4; ++r) {
    EXPECT_TRUE(problems[r].empty())
        << "reader " << r << ": " << problems[r].front();
  }
  EXPECT_GT(boards_checked.load(), 0);
  std::cout << "boards checked: " << boards_checked.load() << "\n";
  auto last = board.Get("acme", std::nullopt, true);
  ASSERT_TRUE(last.ok()) << last.status();
  auto want = FullBuild(store.get(), &model, &clock, "acme", options);
  ASSERT_NE(want, nullptr);
  EXPECT_EQ(DiffBoards(*want, **last), "");
}

// Boards of two tenants over a FaultStore whose gate can hold a build.
class ScoreBoardConcurrencyBlockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sqlite_ = store::testing::OpenMemoryStore();
    ASSERT_NE(sqlite_, nullptr);
    store_ = std::make_unique<FaultStore>(sqlite_.get());
    ScoreBoardOptions options;
    options.refresh_interval = absl::Minutes(10);
    options.max_past_boards = 4;
    board_ =
        std::make_unique<ScoreBoard>(store_.get(), &model_, &clock_, options);
    for (const char* tenant : {"acme", "globex"}) {
      for (int i = 1; i <= 4; ++i) {
        const std::string id = absl::StrCat("m", i);
        ASSERT_TRUE(
            sqlite_->UpsertMember(tenant, MakeMember(id), clock_.Now()).ok());
        Post(tenant, id, clock_.Now() - absl::Hours(30 * i), i);
      }
    }
  }

  void Post(const std::string& tenant, const std::string& member, absl::Time t,
            int n) {
    std::vector<model::Event> events;
    for (int i = 0; i < n; ++i) {
      events.push_back(MakeEvent(absl::StrCat("e", next_event_++), member,
                                 EventType::kPostPublished, t));
    }
    ASSERT_TRUE(sqlite_->AppendEvents(tenant, events).ok());
    board_->OnMembersChanged(tenant, {member});
  }

  std::shared_ptr<const Board> MustGet(const std::string& tenant,
                                       std::optional<absl::Time> as_of,
                                       bool refresh_changes = false) {
    auto got = board_->Get(tenant, as_of, refresh_changes);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? *got : nullptr;
  }

  // Starts a refresh of acme's current board (after a change to m1) on
  // another thread and waits until it is held reading m1 from the store.
  void StartHeldBuild() {
    store_->CloseGate("m1");
    Post("acme", "m1", clock_.Now() - absl::Hours(1), 3);
    builder_ = std::thread([this] {
      built_ = board_->Get("acme", std::nullopt, /*refresh_changes=*/true);
    });
    ASSERT_TRUE(store_->AwaitHeld(1, kPatience)) << "the build never started";
  }

  // Runs `call` on another thread while the build is held; true when it
  // returned within kPatience. Opens the gate if it did not, so that the
  // test ends either way.
  bool ReturnsWhileBuildHeld(const std::function<void()>& call) {
    absl::Notification done;
    std::thread t([&] {
      call();
      done.Notify();
    });
    const bool returned = done.WaitForNotificationWithTimeout(kPatience);
    EXPECT_EQ(store_->held_now(), 1) << "the build was not held throughout";
    if (!returned) store_->OpenGate();
    t.join();
    return returned;
  }

  void FinishHeldBuild() {
    store_->OpenGate();
    builder_.join();
    ASSERT_TRUE(built_.ok()) << built_.status();
  }

  std::unique_ptr<store::SqliteStore> sqlite_;
  std::unique_ptr<FaultStore> store_;
  scoring::ScoringModel model_ = scoring::DefaultModel();
  FakeClock clock_{OnDay(10, 9)};
  std::unique_ptr<ScoreBoard> board_;
  int next_event_ = 0;
  std::thread builder_;
  absl::StatusOr<std::shared_ptr<const Board>> built_;
};

TEST_F(ScoreBoardConcurrencyBlockTest, FreshBoardsAreServedDuringABuild) {
  auto acme = MustGet("acme", std::nullopt);
  auto globex = MustGet("globex", std::nullopt);
  // globex's: the change StartHeldBuild reports drops acme's past boards.
  auto globex_past = MustGet("globex", OnDay(8));
  clock_.Advance(absl::Seconds(1));
  StartHeldBuild();

  // Another tenant's fresh board.
  EXPECT_TRUE(ReturnsWhileBuildHeld(
      [&] { EXPECT_EQ(MustGet("globex", std::nullopt), globex); }));
  // The same tenant's board, within the refresh interval.
  EXPECT_TRUE(ReturnsWhileBuildHeld(
      [&] { EXPECT_EQ(MustGet("acme", std::nullopt), acme); }));
  // A cached past board.
  EXPECT_TRUE(ReturnsWhileBuildHeld(
      [&] { EXPECT_EQ(MustGet("globex", OnDay(8)), globex_past); }));
  // Listing tenants and reporting changes.
  EXPECT_TRUE(ReturnsWhileBuildHeld([&] {
    EXPECT_EQ(board_->CurrentTenants().size(), 2u);
    board_->OnMembersChanged("globex", {"m2"});
  }));
  FinishHeldBuild();
  EXPECT_NE(*built_, acme);
  EXPECT_EQ(MustGet("acme", std::nullopt), *built_);
}

// A reader whose board is past its refresh interval while the same
// tenant's refresh runs elsewhere: the refresh took the changes, so the
// reader is served the board it has.
TEST_F(ScoreBoardConcurrencyBlockTest, StaleBoardIsServedWhileItsRefreshRuns) {
  auto acme = MustGet("acme", std::nullopt);
  clock_.Advance(absl::Minutes(11));  // acme's interval is over.
  StartHeldBuild();
  EXPECT_TRUE(ReturnsWhileBuildHeld(
      [&] { EXPECT_EQ(MustGet("acme", std::nullopt), acme); }));
  FinishHeldBuild();
}

// The same, but a further change arrives during the refresh: the reader's
// board is not fresh, yet a build is under way, so the reader is served the
// board it has instead of waiting for that build (and building again).
TEST_F(ScoreBoardConcurrencyBlockTest,
       StaleBoardWithNewerChangesIsServedDuringARefresh) {
  MustGet("acme", std::nullopt);
  clock_.Advance(absl::Minutes(11));
  StartHeldBuild();
  Post("acme", "m3", clock_.Now() - absl::Hours(1), 2);
  EXPECT_TRUE(ReturnsWhileBuildHeld([&] { MustGet("acme", std::nullopt); }));
  FinishHeldBuild();
}

// Another tenant's board that exists but is past its refresh interval with
// changes, while this tenant's build runs (one build at a time per
// ScoreBoard, across tenants): the board it has is served meanwhile.
TEST_F(ScoreBoardConcurrencyBlockTest,
       OtherTenantsStaleBoardIsServedDuringABuild) {
  MustGet("acme", std::nullopt);
  auto globex = MustGet("globex", std::nullopt);
  Post("globex", "m3", clock_.Now() - absl::Hours(2), 2);
  clock_.Advance(absl::Minutes(11));
  StartHeldBuild();
  EXPECT_TRUE(ReturnsWhileBuildHeld([&] { MustGet("globex", std::nullopt); }));
  FinishHeldBuild();
}

TEST_F(ScoreBoardConcurrencyBlockTest, ChangeDuringACurrentBuildIsNotLost) {
  MustGet("acme", std::nullopt);
  StartHeldBuild();  // Held on m1, m2..m4 not yet re-read (not dirty).
  // m3 changes while the build runs; its report comes after the build took
  // the dirty set.
  Post("acme", "m3", clock_.Now() - absl::Hours(1), 9);
  FinishHeldBuild();
  auto refreshed = MustGet("acme", std::nullopt, true);
  auto want = FullBuild(store_.get(), &model_, &clock_, "acme", {});
  ASSERT_NE(want, nullptr);
  EXPECT_EQ(DiffBoards(*want, *refreshed), "");
}

// A past board whose build read m1, then was held on m2 while m1 got an
// event dated before the board's time: the build in flight may not hold the
// change, so it is not kept in the LRU, and a later read at that time gets
// a board built with it.
TEST_F(ScoreBoardConcurrencyBlockTest, ChangeDuringAPastBuildIsNotCachedStale) {
  const absl::Time t = OnDay(9, 12);
  store_->CloseGate("m2");
  absl::StatusOr<std::shared_ptr<const Board>> first;
  std::thread builder([&] { first = board_->Get("acme", t); });
  ASSERT_TRUE(store_->AwaitHeld(1, kPatience));
  Post("acme", "m1", t - absl::Hours(3), 8);
  store_->OpenGate();
  builder.join();
  ASSERT_TRUE(first.ok()) << first.status();

  auto again = MustGet("acme", t);
  ScoreBoard fresh(store_.get(), &model_, &clock_, {});
  auto want = fresh.Get("acme", t);
  ASSERT_TRUE(want.ok()) << want.status();
  EXPECT_EQ(DiffBoards(**want, *again), "");
}

// A full build (the first of a tenant, the first of a UTC day, any past
// board) lists the members, then scores them one by one; a member deleted
// in between is left out of the board, as the incremental path does, rather
// than failing the whole board with NOT_FOUND.
TEST_F(ScoreBoardConcurrencyBlockTest, MemberDeletedDuringAFullBuildIsLeftOut) {
  store_->CloseGate("m2");
  absl::StatusOr<std::shared_ptr<const Board>> built;
  std::thread builder([&] { built = board_->Get("acme", OnDay(9, 12)); });
  ASSERT_TRUE(store_->AwaitHeld(1, kPatience));
  ASSERT_TRUE(sqlite_->DeleteMember("acme", "m2").ok());
  board_->OnMembersChanged("acme", {"m2"});
  store_->OpenGate();
  builder.join();
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ((*built)->Find("m2"), nullptr);
  EXPECT_EQ((*built)->size(), 3u);
}

// A read past the refresh interval schedules the refresh on the board's own
// thread and is served the board it has: neither it nor any later read
// waits while that refresh is held, and once it finishes reads get it.
TEST_F(ScoreBoardConcurrencyBlockTest, ReadersNeverWaitForABackgroundRefresh) {
  auto acme = MustGet("acme", std::nullopt);
  store_->CloseGate("m1");
  Post("acme", "m1", clock_.Now() - absl::Hours(1), 3);
  clock_.Advance(absl::Minutes(11));
  EXPECT_EQ(MustGet("acme", std::nullopt), acme);
  ASSERT_TRUE(store_->AwaitHeld(1, kPatience)) << "no refresh started";
  EXPECT_TRUE(ReturnsWhileBuildHeld(
      [&] { EXPECT_EQ(MustGet("acme", std::nullopt), acme); }));
  store_->OpenGate();
  board_->AwaitRefreshes();
  auto refreshed = MustGet("acme", std::nullopt);
  EXPECT_NE(refreshed, acme);
  auto want = FullBuild(store_.get(), &model_, &clock_, "acme", {});
  ASSERT_NE(want, nullptr);
  EXPECT_EQ(DiffBoards(*want, *refreshed), "");
}

// When the UTC day turns, yesterday's board is served while today's is
// built from scratch in the background.
TEST_F(ScoreBoardConcurrencyBlockTest,
       YesterdaysBoardIsServedWhileTodayBuilds) {
  auto yesterday = MustGet("acme", std::nullopt);
  store_->CloseGate("m3");
  clock_.Set(OnDay(11, 0) + absl::Seconds(1));
  EXPECT_EQ(MustGet("acme", std::nullopt), yesterday);
  ASSERT_TRUE(store_->AwaitHeld(1, kPatience)) << "no rebuild started";
  EXPECT_TRUE(ReturnsWhileBuildHeld(
      [&] { EXPECT_EQ(MustGet("acme", std::nullopt), yesterday); }));
  store_->OpenGate();
  board_->AwaitRefreshes();
  auto today = MustGet("acme", std::nullopt);
  EXPECT_EQ(absl::ToCivilDay(today->as_of(), absl::UTCTimeZone()),
            absl::CivilDay(2024, 3, 11));
}

}  // namespace
}  // namespace rapport::board
