// A score at an exact past instant is ranked among its team's and
// industry's scores of the day that answers for it by counting
// (board::RankAmong). The ranks must equal those of a board built of those
// peers with the member's exact entry in place of its own (the way they were
// computed before), ties and averages included; checked over generated
// histories, at instants inside days and at days' ends.
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/board/board.h"
#include "server/board/score_board.h"
#include "server/common/clock.h"
#include "server/core/scores.h"
#include "server/scoring/model.h"
#include "tests/common/fault_store.h"
#include "tests/unit/board/random_world.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::core {
namespace {

constexpr char kTenant[] = "acme";

std::string Describe(const scoring::GroupRank* r) {
  if (r == nullptr) return "none";
  return absl::StrCat(r->rank, "/", r->out_of, " top ", r->top_percent, " avg ",
                      r->average_total, " withheld ", r->withheld, " ",
                      r->withheld_reason);
}

// The member's ranks the way a board of its peers gives them: the team's
// and industry's entries of the day's board other than the member's own,
// and the member's exact entry.
std::shared_ptr<const board::Board> PeerBoard(
    const board::Board& day, std::shared_ptr<const board::MemberScore> scored,
    absl::Time as_of, int min_group_size) {
  const model::Member& member = scored->member;
  std::vector<std::shared_ptr<const board::MemberScore>> peers;
  std::set<const board::MemberScore*> seen;
  for (const board::Group* group :
       {day.Team(member.team), day.Industry(member.industry)}) {
    if (group == nullptr) continue;
    for (const auto& m : group->ranked) {
      if (m->member.member_id != member.member_id &&
          seen.insert(m.get()).second) {
        peers.push_back(m);
      }
    }
  }
  peers.push_back(std::move(scored));
  scoring::RankOptions options;
  options.min_group_size = min_group_size;
  return std::make_shared<const board::Board>(as_of, std::move(peers), options);
}

void CheckSeed(uint32_t seed, int min_group_size, int& compared) {
  auto store = store::testing::OpenMemoryStore();
  const scoring::ScoringModel model = scoring::DefaultModel();
  FakeClock clock(store::testing::OnDay(12 + seed % 3, seed * 7 % 24));
  board::ScoreBoardOptions options;
  options.min_group_size = min_group_size;
  board::ScoreBoard boards(store.get(), &model, &clock, options);
  ScoreQueries queries(store.get(), &boards, ScoreQueryOptions{});
  board::testing::RandomWorld world(seed, store.get(), &boards, &clock,
                                    kTenant);
  for (int step = 0; step < 90; ++step) world.Step();
  const absl::Time now = clock.Now();
  const std::vector<absl::Time> instants = {
      now - absl::Hours(1) - absl::Minutes(seed),
      now - absl::Hours(24 * 2 + 5),
      board::PreviousInstant(now, 1),  // A day's end.
      now - absl::Hours(24 * 9) + absl::Minutes(17),
  };
  for (const absl::Time as_of : instants) {
    for (const std::string& id : world.alive()) {
      SCOPED_TRACE(absl::StrCat("seed ", seed, " member ", id, " as_of ",
                                absl::FormatTime(as_of)));
      auto got = queries.Member(kTenant, id, as_of);
      ASSERT_TRUE(got.ok()) << got.status();
      auto member = store->GetMember(kTenant, id);
      ASSERT_TRUE(member.ok()) << member.status();
      auto scored = boards.ScoreAt(kTenant, *member, as_of);
      ASSERT_TRUE(scored.ok()) << scored.status();
      auto day = boards.Get(kTenant, as_of);
      ASSERT_TRUE(day.ok()) << day.status();
      auto want = PeerBoard(**day, *scored, as_of, min_group_size);
      EXPECT_EQ(got->board->as_of(), as_of);
      EXPECT_EQ(got->member->member.member_id, id);
      EXPECT_EQ(got->member->ExplainedScore(),
                want->Find(id)->ExplainedScore());
      const scoring::GroupRank* team = got->board->TeamRank(id);
      const scoring::GroupRank* industry = got->board->IndustryRank(id);
      ASSERT_NE(team, nullptr);
      ASSERT_NE(industry, nullptr);
      EXPECT_EQ(*team, *want->TeamRank(id))
          << Describe(team) << " vs " << Describe(want->TeamRank(id));
      EXPECT_EQ(*industry, *want->IndustryRank(id))
          << Describe(industry) << " vs " << Describe(want->IndustryRank(id));
      ++compared;
    }
  }
}

TEST(PastRankTest, CountedRanksEqualThoseOfAPeerBoard) {
  int compared = 0;
  for (uint32_t seed = 1; seed <= 5; ++seed) {
    CheckSeed(seed, /*min_group_size=*/seed % 2 == 0 ? 1 : 3, compared);
  }
  EXPECT_GT(compared, 100);
}

// Ties: every member with the same total shares the rank a board gives
// them, whoever is asked about.
TEST(PastRankTest, RankAmongCountsTiesAsABoardDoes) {
  std::vector<std::shared_ptr<const board::MemberScore>> members;
  const double totals[] = {50, 40, 40, 40, 30, 30, 10, 0, 0};
  for (size_t i = 0; i < std::size(totals); ++i) {
    auto m = std::make_shared<board::MemberScore>();
    m->member = store::testing::MakeMember(absl::StrCat("m", i), "t", "i");
    m->totals.total = totals[i];
    m->totals.pillars = {totals[i] / 4, totals[i] / 4, totals[i] / 4,
                         totals[i] / 4};
    members.push_back(std::move(m));
  }
  scoring::RankOptions options;
  options.min_group_size = 2;
  const board::Board day(absl::UnixEpoch(), members, options);
  for (const double moved : {60.0, 50.0, 45.0, 40.0, 30.0, 5.0, 0.0, -1.0}) {
    for (const auto& original : members) {
      auto entry = std::make_shared<board::MemberScore>(*original);
      entry->totals.total = moved;
      std::vector<std::shared_ptr<const board::MemberScore>> others;
      for (const auto& m : members) {
        if (m != original) others.push_back(m);
      }
      others.push_back(entry);
      const board::Board want(absl::UnixEpoch(), others, options);
      const std::string& id = entry->member.member_id;
      EXPECT_EQ(board::RankAmong(day.Team("t"), *entry, options),
                *want.TeamRank(id))
          << id << " at " << moved;
    }
  }
}

// Two calls for the same member and instant while the first is computing:
// the second waits for the first's result instead of reading the store.
TEST(PastRankTest, CallsForTheSameInstantShareOneComputation) {
  auto inner = store::testing::OpenMemoryStore();
  testing::FaultStore store(inner.get());
  const scoring::ScoringModel model = scoring::DefaultModel();
  FakeClock clock(store::testing::OnDay(12, 15));
  board::ScoreBoard boards(&store, &model, &clock, {});
  ScoreQueries queries(&store, &boards, ScoreQueryOptions{});
  board::testing::RandomWorld world(3, &store, &boards, &clock, kTenant);
  for (int step = 0; step < 40; ++step) world.Step();
  const std::string id = *world.alive().begin();
  const absl::Time as_of = clock.Now() - absl::Hours(30);
  // One call alone: its reads, once the day's board is built.
  ASSERT_TRUE(queries.Member(kTenant, id, as_of).ok());
  const int before_alone = store.read_activity_calls();
  auto alone = queries.Member(kTenant, id, as_of);
  ASSERT_TRUE(alone.ok()) << alone.status();
  const int reads_alone = store.read_activity_calls() - before_alone;
  ASSERT_GT(reads_alone, 0);

  const int before = store.read_activity_calls();
  store.CloseGate(id);
  absl::StatusOr<BoardMember> first = absl::UnknownError("not run");
  absl::StatusOr<BoardMember> second = absl::UnknownError("not run");
  std::thread a([&] { first = queries.Member(kTenant, id, as_of); });
  ASSERT_TRUE(store.AwaitHeld(1, absl::Seconds(30)));
  std::thread b([&] { second = queries.Member(kTenant, id, as_of); });
  // Were the second call computing too, it would be held at the gate.
  EXPECT_FALSE(store.AwaitHeld(2, absl::Milliseconds(300)));
  store.OpenGate();
  a.join();
  b.join();
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(first->member, second->member);
  EXPECT_EQ(store.read_activity_calls() - before, reads_alone);
  EXPECT_EQ(*first->board->TeamRank(id), *alone->board->TeamRank(id));
}

}  // namespace
}  // namespace rapport::core
