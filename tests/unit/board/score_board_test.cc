// ScoreBoard's contract, one rule at a time: deletions and creations reach
// the current board, the refresh interval bounds how stale it is, a new day
// rebuilds it, past days' boards live in a bounded LRU that a change to their
// tenant (and only theirs) re-scores, and a failed build leaves nothing lost.
#include "server/board/score_board.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "server/common/clock.h"
#include "server/scoring/model.h"
#include "tests/common/fault_store.h"
#include "tests/unit/board/board_test_util.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::board {
namespace {

using model::EventType;
using ::rapport::testing::FaultStore;
using ::rapport::testing::StoreOp;
using testing::CheckConsistent;
using testing::DiffBoards;
using testing::FullBuild;
using testing::IdsOf;
using testing::MakeEvent;
using testing::MakeMember;
using testing::OnDay;

class ScoreBoardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sqlite_ = store::testing::OpenMemoryStore();
    ASSERT_NE(sqlite_, nullptr);
    store_ = std::make_unique<FaultStore>(sqlite_.get());
  }

  std::unique_ptr<ScoreBoard> MakeBoard(ScoreBoardOptions options) {
    options_ = options;
    return std::make_unique<ScoreBoard>(store_.get(), &model_, &clock_,
                                        options);
  }

  void Upsert(ScoreBoard& board, const std::string& tenant,
              const model::Member& m) {
    ASSERT_TRUE(sqlite_->UpsertMember(tenant, m, clock_.Now()).ok());
    board.OnMembersChanged(tenant, {m.member_id});
  }

  // `n` posts by `member` at `t`, reported as the ingest path reports them.
  void Post(ScoreBoard& board, const std::string& tenant,
            const std::string& member, absl::Time t, int n = 1) {
    std::vector<model::Event> events;
    for (int i = 0; i < n; ++i) {
      events.push_back(MakeEvent(absl::StrCat("e", next_event_++), member,
                                 EventType::kPostPublished, t));
    }
    auto outcomes = sqlite_->AppendEvents(tenant, events);
    ASSERT_TRUE(outcomes.ok()) << outcomes.status();
    board.OnMembersChanged(tenant, {member});
  }

  // Members m1..mN of `tenant` in two teams, each with a few posts.
  void Populate(ScoreBoard& board, const std::string& tenant, int n) {
    for (int i = 1; i <= n; ++i) {
      const std::string id = absl::StrCat("m", i);
      Upsert(board, tenant, MakeMember(id, i % 2 == 0 ? "emea" : "amer"));
      Post(board, tenant, id, clock_.Now() - absl::Hours(24 * (i % 9)), i);
    }
  }

  std::shared_ptr<const Board> MustGet(ScoreBoard& board,
                                       const std::string& tenant,
                                       std::optional<absl::Time> as_of,
                                       bool refresh_changes = false) {
    auto got = board.Get(tenant, as_of, refresh_changes);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? *got : nullptr;
  }

  std::string DiffFromFullBuild(const Board& got, const std::string& tenant) {
    auto want = FullBuild(store_.get(), &model_, &clock_, tenant, options_);
    return want == nullptr ? "no full build" : DiffBoards(*want, got);
  }

  std::unique_ptr<store::SqliteStore> sqlite_;
  std::unique_ptr<FaultStore> store_;
  scoring::ScoringModel model_ = scoring::DefaultModel();
  FakeClock clock_{OnDay(10, 9)};
  ScoreBoardOptions options_;
  int next_event_ = 0;
};

TEST_F(ScoreBoardTest, DeletedMemberDisappears) {
  auto board = MakeBoard({.min_group_size = 2});
  Populate(*board, "acme", 6);
  auto before = MustGet(*board, "acme", std::nullopt);
  ASSERT_NE(before->Find("m4"), nullptr);
  ASSERT_TRUE(sqlite_->DeleteMember("acme", "m4").ok());
  board->OnMembersChanged("acme", {"m4"});

  auto after = MustGet(*board, "acme", std::nullopt, true);
  EXPECT_EQ(after->Find("m4"), nullptr);
  EXPECT_EQ(after->TeamRank("m4"), nullptr);
  EXPECT_EQ(after->size(), 5u);
  EXPECT_EQ(IdsOf(*after->Team("emea")).size(), 2u);  // m2, m6.
  EXPECT_EQ(CheckConsistent(*after, 2), "");
  EXPECT_EQ(DiffFromFullBuild(*after, "acme"), "");
  // The board already handed out is immutable.
  EXPECT_NE(before->Find("m4"), nullptr);
}

TEST_F(ScoreBoardTest, NewMemberAppearsWithRefreshChangesWithinTheInterval) {
  auto board = MakeBoard({.refresh_interval = absl::Hours(1)});
  Populate(*board, "acme", 3);
  auto first = MustGet(*board, "acme", std::nullopt);
  Upsert(*board, "acme", MakeMember("m9", "emea"));
  Post(*board, "acme", "m9", clock_.Now() - absl::Hours(2), 4);
  clock_.Advance(absl::Seconds(5));

  // Within the interval a plain read gets the board it had.
  auto stale = MustGet(*board, "acme", std::nullopt);
  EXPECT_EQ(stale, first);
  EXPECT_EQ(stale->Find("m9"), nullptr);

  auto fresh = MustGet(*board, "acme", std::nullopt, true);
  ASSERT_NE(fresh->Find("m9"), nullptr);
  EXPECT_EQ(fresh->size(), 4u);
  EXPECT_EQ(DiffFromFullBuild(*fresh, "acme"), "");
  // And from now on plain reads get the refreshed board.
  EXPECT_EQ(MustGet(*board, "acme", std::nullopt), fresh);
}

TEST_F(ScoreBoardTest, StaleWithinTheRefreshIntervalRefreshedAfterIt) {
  auto board = MakeBoard({.refresh_interval = absl::Seconds(10)});
  Populate(*board, "acme", 4);
  auto first = MustGet(*board, "acme", std::nullopt);
  const double m1_before = first->Find("m1")->totals.total;
  Post(*board, "acme", "m1", clock_.Now() - absl::Hours(1), 5);

  clock_.Advance(absl::Seconds(9));
  EXPECT_EQ(MustGet(*board, "acme", std::nullopt), first);

  clock_.Advance(absl::Seconds(1));
  // The first read past the interval is served the board it had and
  // schedules the refresh, which later reads get.
  EXPECT_EQ(MustGet(*board, "acme", std::nullopt), first);
  board->AwaitRefreshes();
  auto refreshed = MustGet(*board, "acme", std::nullopt);
  ASSERT_NE(refreshed, first);
  EXPECT_GT(refreshed->Find("m1")->totals.total, m1_before);
  EXPECT_EQ(refreshed->as_of(), clock_.Now());
  EXPECT_EQ(DiffFromFullBuild(*refreshed, "acme"), "");
}

TEST_F(ScoreBoardTest, WithoutChangesTheBoardIsKeptPastTheInterval) {
  auto board = MakeBoard({.refresh_interval = absl::Seconds(1)});
  Populate(*board, "acme", 4);
  auto first = MustGet(*board, "acme", std::nullopt);
  const int reads = store_->read_activity_calls();
  clock_.Advance(absl::Hours(3));
  EXPECT_EQ(MustGet(*board, "acme", std::nullopt, true), first);
  EXPECT_EQ(store_->read_activity_calls(), reads);
}

TEST_F(ScoreBoardTest, RefreshRescoresOnlyTheChangedMembers) {
  auto board = MakeBoard({});
  Populate(*board, "acme", 6);
  MustGet(*board, "acme", std::nullopt);
  const int reads = store_->read_activity_calls();
  Post(*board, "acme", "m3", clock_.Now());
  MustGet(*board, "acme", std::nullopt, true);
  // Now and seven days ago, for m3 alone.
  EXPECT_EQ(store_->read_activity_calls() - reads, 2);
}

TEST_F(ScoreBoardTest, NewUtcDayRebuildsInTheBackground) {
  clock_.Set(OnDay(10) - absl::Seconds(10));  // 23:59:50 on the 9th.
  auto board = MakeBoard({.refresh_interval = absl::Hours(6)});
  Populate(*board, "acme", 5);
  // Activity exactly 7 and 90 days before the new day: it changes both
  // change_7d and the window when the day turns.
  Post(*board, "acme", "m2", OnDay(3, 12), 3);
  Post(*board, "acme", "m3", OnDay(10) - absl::Hours(24 * 90), 3);
  auto yesterday = MustGet(*board, "acme", std::nullopt, true);
  clock_.Advance(absl::Seconds(20));

  // Yesterday's board is served while today's is built.
  EXPECT_EQ(MustGet(*board, "acme", std::nullopt), yesterday);
  board->AwaitRefreshes();
  auto today = MustGet(*board, "acme", std::nullopt);
  ASSERT_NE(today, yesterday);
  EXPECT_EQ(absl::ToCivilDay(today->as_of(), absl::UTCTimeZone()),
            absl::CivilDay(2024, 3, 10));
  EXPECT_EQ(DiffFromFullBuild(*today, "acme"), "");
  EXPECT_NE(DiffBoards(*yesterday, *today), "");
}

// A full build takes the scores of seven days ago from the daily history
// for members whose record of that day is current (recorded by this model,
// no pending work from that day or earlier), and scores the others. The
// records here hold totals no scoring gives, so the test sees which source
// each member's figure came from.
TEST_F(ScoreBoardTest, FullBuildTakesSevenDaysAgoFromCurrentRecords) {
  auto board = MakeBoard({});
  Populate(*board, "acme", 6);
  auto work = sqlite_->ListHistoryWork("acme", 100);
  ASSERT_TRUE(work.ok()) << work.status();
  for (const store::HistoryWork& w : *work) {
    ASSERT_TRUE(sqlite_->CompleteHistoryWork("acme", w).ok());
  }
  const absl::CivilDay day = absl::ToCivilDay(
      PreviousInstant(clock_.Now(), kChangeDays), absl::UTCTimeZone());
  std::vector<model::ScoreSnapshot> records;
  for (int i = 1; i <= 6; ++i) {
    model::ScoreSnapshot& r = records.emplace_back();
    r.member_id = absl::StrCat("m", i);
    r.day = day;
    r.total = 1000 + i;
    r.pillars = {100.0 + i, 200.0 + i, 300.0 + i, 400.0 + i};
    r.model_version = i == 6 ? "another model" : model_.version;
  }
  ASSERT_TRUE(sqlite_->WriteScoreSnapshots("acme", records).ok());
  // m2 gets an event before that day: its record is stale until recorded
  // again.
  Post(*board, "acme", "m2", model::EndOfDay(day - 1), 1);

  ScoreBoard fresh(store_.get(), &model_, &clock_, {});
  auto built = MustGet(fresh, "acme", std::nullopt);
  ASSERT_NE(built, nullptr);
  for (int i = 1; i <= 6; ++i) {
    const std::string id = absl::StrCat("m", i);
    const MemberScore* m = built->Find(id);
    ASSERT_NE(m, nullptr) << id;
    if (i == 2 || i == 6) {
      auto scored = fresh.ScoreOne(
          "acme", m->member, PreviousInstant(built->as_of(), kChangeDays));
      ASSERT_TRUE(scored.ok()) << scored.status();
      EXPECT_EQ(m->totals_7d_ago.total, scoring::TotalsOf(*scored).total) << id;
    } else {
      EXPECT_EQ(m->totals_7d_ago.total, 1000 + i) << id;
      EXPECT_EQ(m->totals_7d_ago.pillars[3], 400.0 + i) << id;
    }
  }
}

TEST_F(ScoreBoardTest, PastBoardsAreAnLruOfAtMostMaxPastBoards) {
  auto board = MakeBoard({.max_past_boards = 2});
  Populate(*board, "acme", 3);
  const absl::Time t1 = OnDay(8), t2 = OnDay(7), t3 = OnDay(6);
  auto b1 = MustGet(*board, "acme", t1);
  auto b2 = MustGet(*board, "acme", t2);
  // The boards of the last whole days before t1 and t2.
  EXPECT_EQ(b1->as_of(), model::EndOfDay(absl::CivilDay(2024, 3, 7)));
  EXPECT_EQ(b2->as_of(), model::EndOfDay(absl::CivilDay(2024, 3, 6)));
  int reads = store_->read_activity_calls();
  EXPECT_EQ(MustGet(*board, "acme", t1), b1);  // Kept; t1 most recent now.
  // Any instant of the same day shares the board: none is built per instant.
  EXPECT_EQ(MustGet(*board, "acme", t1 + absl::Hours(7)), b1);
  EXPECT_EQ(MustGet(*board, "acme", b1->as_of()), b1);
  EXPECT_EQ(store_->read_activity_calls(), reads);

  auto b3 = MustGet(*board, "acme", t3);  // Evicts t2, the least recent.
  reads = store_->read_activity_calls();
  EXPECT_EQ(MustGet(*board, "acme", t1), b1);
  EXPECT_EQ(MustGet(*board, "acme", t3), b3);
  EXPECT_EQ(store_->read_activity_calls(), reads);

  auto b2_again = MustGet(*board, "acme", t2);  // Rebuilt.
  EXPECT_NE(b2_again, b2);
  EXPECT_GT(store_->read_activity_calls(), reads);
  EXPECT_EQ(DiffBoards(*b2, *b2_again), "");
  // Only two kept: t2 and the more recently used of t1, t3 (t3).
  reads = store_->read_activity_calls();
  EXPECT_EQ(MustGet(*board, "acme", t3), b3);
  EXPECT_EQ(store_->read_activity_calls(), reads);
  EXPECT_NE(MustGet(*board, "acme", t1), b1);
  EXPECT_GT(store_->read_activity_calls(), reads);
}

TEST_F(ScoreBoardTest, ChangeRescoresThatTenantsPastBoardsOnly) {
  auto board = MakeBoard({.max_past_boards = 4});
  Populate(*board, "acme", 3);
  Populate(*board, "globex", 3);
  const absl::Time t1 = OnDay(8);
  auto acme = MustGet(*board, "acme", t1);
  auto globex = MustGet(*board, "globex", t1);
  const double m1_before = acme->Find("m1")->totals.total;

  // An event dated before t1 arrives late: acme's board at t1 is wrong now.
  Post(*board, "acme", "m1", t1 - absl::Hours(5), 6);

  EXPECT_EQ(MustGet(*board, "globex", t1), globex);
  auto acme_again = MustGet(*board, "acme", t1);
  ASSERT_NE(acme_again, acme);
  EXPECT_GT(acme_again->Find("m1")->totals.total, m1_before);
  ScoreBoard fresh(store_.get(), &model_, &clock_, options_);
  auto want = fresh.Get("acme", t1);
  ASSERT_TRUE(want.ok()) << want.status();
  EXPECT_EQ(DiffBoards(**want, *acme_again), "");
}

TEST_F(ScoreBoardTest, CurrentTenantsListsBuiltBoardsInOrder) {
  auto board = MakeBoard({});
  Populate(*board, "globex", 2);
  Populate(*board, "acme", 2);
  EXPECT_TRUE(board->CurrentTenants().empty());
  MustGet(*board, "globex", std::nullopt);
  MustGet(*board, "acme", OnDay(8));  // A past board is not a current one.
  EXPECT_EQ(board->CurrentTenants(), std::vector<std::string>{"globex"});
  MustGet(*board, "acme", std::nullopt);
  EXPECT_EQ(board->CurrentTenants(),
            (std::vector<std::string>{"acme", "globex"}));
}

TEST_F(ScoreBoardTest, FailedRefreshLosesNoChange) {
  auto board = MakeBoard({});
  Populate(*board, "acme", 4);
  auto first = MustGet(*board, "acme", std::nullopt);
  Post(*board, "acme", "m2", clock_.Now() - absl::Hours(1), 7);
  store_->Fail(StoreOp::kReadActivity,
               absl::UnavailableError("storage I/O error"));
  auto failed = board->Get("acme", std::nullopt, true);
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  // A reader that accepts the interval's staleness still gets the old board.
  clock_.Advance(absl::Milliseconds(10));
  store_->Heal(StoreOp::kReadActivity);
  auto refreshed = MustGet(*board, "acme", std::nullopt, true);
  EXPECT_GT(refreshed->Find("m2")->totals.total,
            first->Find("m2")->totals.total);
  EXPECT_EQ(DiffFromFullBuild(*refreshed, "acme"), "");
}

TEST_F(ScoreBoardTest, FailedFirstBuildIsReportedAndRetried) {
  auto board = MakeBoard({});
  Populate(*board, "acme", 3);
  store_->Fail(StoreOp::kListMembers,
               absl::DataLossError("storage is corrupt"));
  EXPECT_EQ(board->Get("acme", std::nullopt).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(board->Get("acme", OnDay(8)).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_TRUE(board->CurrentTenants().empty());
  store_->HealAll();
  EXPECT_EQ(MustGet(*board, "acme", std::nullopt)->size(), 3u);
}

TEST_F(ScoreBoardTest, ScoreOneIsTheBoardsScoreAndNotFoundForStrangers) {
  auto board = MakeBoard({});
  Populate(*board, "acme", 3);
  auto b = MustGet(*board, "acme", std::nullopt);
  const MemberScore* m2 = b->Find("m2");
  ASSERT_NE(m2, nullptr);
  auto one = board->ScoreOne("acme", m2->member, b->as_of());
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(*one, m2->ExplainedScore());
  EXPECT_EQ(
      board->ScoreOne("acme", MakeMember("nobody"), b->as_of()).status().code(),
      absl::StatusCode::kNotFound);
  // Tenants are apart: acme's m2 is nobody at globex.
  EXPECT_EQ(board->ScoreOne("globex", m2->member, b->as_of()).status().code(),
            absl::StatusCode::kNotFound);
}

// After a start, a tenant whose daily history has a recorded day is served
// at once a provisional board of that day's current records (nobody
// scored), while its full board is built in the background and then
// replaces it; a tenant without a recorded day is built in full by Warm.
TEST_F(ScoreBoardTest, WarmServesTheLastRecordedDayUntilTheFullBoardIsBuilt) {
  ScoreBoardOptions options;
  options.min_group_size = 1;
  auto setup = MakeBoard(options);
  Populate(*setup, "acme", 8);
  for (int i = 1; i <= 3; ++i) {
    const std::string id = absl::StrCat("b", i);
    Upsert(*setup, "beta", MakeMember(id, "emea"));
    Post(*setup, "beta", id, clock_.Now() - absl::Hours(5 * i), i);
  }
  auto work = sqlite_->ListHistoryWork("acme", 100);
  ASSERT_TRUE(work.ok()) << work.status();
  for (const store::HistoryWork& w : *work) {
    ASSERT_TRUE(sqlite_->CompleteHistoryWork("acme", w).ok());
  }
  const absl::CivilDay day =
      absl::ToCivilDay(clock_.Now(), absl::UTCTimeZone()) - 1;
  const absl::CivilDay before = day - kChangeDays;
  // Records of the day for m1..m6 and m8 (m7 is missing: created since),
  // m6's by another model; of seven days before for everyone. Totals tie
  // in pairs so that ranks are shared.
  std::map<std::string, double> totals, totals_before;
  std::vector<model::ScoreSnapshot> records;
  for (int i = 1; i <= 8; ++i) {
    const std::string id = absl::StrCat("m", i);
    for (const absl::CivilDay d : {day, before}) {
      if (i == 7 && d == day) continue;
      model::ScoreSnapshot& r = records.emplace_back();
      r.member_id = id;
      r.day = d;
      r.total = d == day ? 10.0 * (i / 2) + 3 : 5.0 * i;
      r.pillars = {1.0 * i, 2.0 * i, 3.0 * i, r.total - 6.0 * i};
      r.model_version = i == 6 ? "another model" : model_.version;
      (d == day ? totals : totals_before)[id] = r.total;
    }
  }
  ASSERT_TRUE(sqlite_->WriteScoreSnapshots("acme", records).ok());
  ASSERT_TRUE(sqlite_->SetRecordedThrough("acme", day).ok());
  // m8 gets an event of the day before: its records are stale until the
  // history is recorded again.
  Post(*setup, "acme", "m8", model::EndOfDay(day - 1), 1);

  // The full build of acme is held on m5's reads.
  store_->CloseGate("m5");
  ScoreBoard fresh(store_.get(), &model_, &clock_, options);
  ASSERT_TRUE(fresh.Warm().ok());
  EXPECT_TRUE(fresh.warm());
  EXPECT_FALSE(fresh.complete());
  ASSERT_TRUE(store_->AwaitHeld(1, absl::Seconds(20)));

  auto beta = MustGet(fresh, "beta", std::nullopt);
  ASSERT_NE(beta, nullptr);
  EXPECT_FALSE(beta->provisional());
  EXPECT_EQ(beta->as_of(), clock_.Now());

  auto provisional = MustGet(fresh, "acme", std::nullopt);
  ASSERT_NE(provisional, nullptr);
  EXPECT_TRUE(provisional->provisional());
  EXPECT_EQ(provisional->as_of(), model::EndOfDay(day));
  auto peeked = fresh.Peek("acme", absl::ZeroDuration());
  ASSERT_TRUE(peeked.ok()) << peeked.status();
  EXPECT_EQ(*peeked, provisional);
  std::vector<std::string> ids;
  for (const auto& m : provisional->members()) {
    ids.push_back(m->member.member_id);
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"m1", "m2", "m3", "m4", "m5"}));
  for (const auto& m : provisional->members()) {
    const std::string& id = m->member.member_id;
    EXPECT_EQ(m->totals.total, totals[id]) << id;
    EXPECT_EQ(m->score.total, totals[id]) << id;
    EXPECT_EQ(m->totals_7d_ago.total, totals_before[id]) << id;
    // Competition ranks over the recorded scores of the member's team.
    int above = 0;
    for (const auto& other : provisional->members()) {
      if (other->member.team == m->member.team &&
          totals[other->member.member_id] > totals[id]) {
        ++above;
      }
    }
    const scoring::GroupRank* rank = provisional->TeamRank(id);
    ASSERT_NE(rank, nullptr) << id;
    EXPECT_EQ(rank->rank, above + 1) << id;
  }
  EXPECT_EQ(CheckConsistent(*provisional, options.min_group_size), "");

  store_->OpenGate();
  fresh.AwaitRefreshes();
  auto full = MustGet(fresh, "acme", std::nullopt);
  ASSERT_NE(full, nullptr);
  EXPECT_FALSE(full->provisional());
  EXPECT_EQ(full->as_of(), clock_.Now());
  EXPECT_TRUE(fresh.complete());
  EXPECT_EQ(full->size(), 8u);
}

// A tenant whose history was never recorded has no provisional board:
// Warm returns once its full board is built.
TEST_F(ScoreBoardTest, WarmBuildsInFullATenantWithoutARecordedDay) {
  auto setup = MakeBoard({});
  Populate(*setup, "acme", 4);
  ScoreBoard fresh(store_.get(), &model_, &clock_, {});
  ASSERT_TRUE(fresh.Warm().ok());
  EXPECT_TRUE(fresh.complete());
  auto board = MustGet(fresh, "acme", std::nullopt);
  ASSERT_NE(board, nullptr);
  EXPECT_FALSE(board->provisional());
  EXPECT_EQ(board->size(), 4u);
  EXPECT_EQ(DiffFromFullBuild(*board, "acme"), "");
}

}  // namespace
}  // namespace rapport::board
