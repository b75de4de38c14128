// The demo organisation through the real server: its personas must score the
// way docs/domain.md leads a reader to expect (typical reps in the 30s-40s,
// thought leaders above 70 and first on engagement, silent reps at the floor)
// and a rep who stopped engaging three weeks ago must be flagged by the
// decline list with its default parameters. Guards the calibration of the
// default model (server/scoring/default_model.cc) against the demo personas
// (client/demo/persona_traits.cc).
#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/demo/demo.h"
#include "gtest/gtest.h"
#include "rapport/v1/scoring.grpc.pb.h"
#include "tests/integration/server_fixture.h"

namespace rapport::testing {
namespace {

using demo::Persona;
using demo::PersonaName;

constexpr int kMembers = 60;
constexpr size_t kBatchEvents = 100;  // The fixture's max_batch_events.

// Indexes of LeaderboardEntry.pillars.
constexpr int kFind = 1;
constexpr int kEngage = 2;
constexpr int kRelationships = 3;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

class PersonaTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    scoring_ = v1::ScoringService::NewStub(channel_);
    LoadDemo();
  }

  // The default demo (60 members, 90 days, seed 1) ending now.
  void LoadDemo() {
    demo::DemoOptions options;
    options.member_count = kMembers;
    options.end_time = kTestNow;
    const demo::DemoOrg org = demo::GenerateDemoOrg(options);
    persona_ = org.persona_by_member;
    for (const v1::Member& m : org.members) {
      v1::UpsertMemberResponse out;
      grpc::Status s = Upsert(m, &out);
      ASSERT_TRUE(s.ok()) << m.member_id() << ": " << s.error_message();
    }
    std::vector<std::vector<v1::Event>> batches;
    for (size_t i = 0; i < org.events.size(); i += kBatchEvents) {
      batches.emplace_back(
          org.events.begin() + i,
          org.events.begin() + std::min(org.events.size(), i + kBatchEvents));
    }
    v1::IngestEventsResponse resp;
    grpc::Status s = Ingest(batches, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(resp.rejected_count(), 0) << resp.rejected(0).ShortDebugString();
    ASSERT_EQ(resp.accepted_count(), static_cast<int64_t>(org.events.size()));
  }

  // The whole organisation as of now, best first by `order_by`.
  std::vector<v1::LeaderboardEntry> Leaderboard(
      v1::Pillar order_by = v1::PILLAR_UNSPECIFIED) {
    grpc::ClientContext ctx;
    v1::GetLeaderboardRequest req;
    req.set_order_by(order_by);
    req.set_page_size(kMembers);
    v1::GetLeaderboardResponse resp;
    grpc::Status s = scoring_->GetLeaderboard(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_TRUE(resp.next_page_token().empty());
    return {resp.entries().begin(), resp.entries().end()};
  }

  double Total(const std::string& member, absl::Time as_of) {
    grpc::ClientContext ctx;
    v1::GetScoreRequest req;
    req.set_member_id(member);
    api::ToProtoTime(as_of, req.mutable_as_of());
    v1::GetScoreResponse resp;
    grpc::Status s = scoring_->GetScore(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << member << ": " << s.error_message();
    return resp.score().total();
  }

  Persona PersonaOf(const std::string& member) const {
    return persona_.at(member);
  }

  // "rep-007 (decliner)".
  std::string Who(const std::string& member) const {
    return absl::StrCat(member, " (", PersonaName(PersonaOf(member)), ")");
  }

  std::vector<std::string> With(Persona p) const {
    std::vector<std::string> out;
    for (const auto& [member, persona] : persona_) {
      if (persona == p) out.push_back(member);
    }
    return out;
  }

  // Totals: typical reps in the mid-30s to 40s, thought leaders above 70,
  // silent reps at the floor.
  void CheckTotals() {
    const std::vector<v1::LeaderboardEntry> board = Leaderboard();
    ASSERT_EQ(board.size(), static_cast<size_t>(kMembers));
    std::map<std::string, v1::LeaderboardEntry> entry;
    for (const v1::LeaderboardEntry& e : board) entry[e.member_id()] = e;

    // Typical reps sit around the industry averages (mid-30s to 40s).
    std::vector<double> average;
    for (const std::string& m : With(Persona::kAverage)) {
      average.push_back(entry.at(m).total());
    }
    ASSERT_GE(average.size(), 30u);
    const double average_median = Median(average);
    EXPECT_GE(average_median, 35);
    EXPECT_LE(average_median, 45);
    const size_t in_band = static_cast<size_t>(
        std::count_if(average.begin(), average.end(),
                      [](double t) { return t >= 25 && t <= 55; }));
    EXPECT_GE(in_band * 4, average.size() * 3)
        << "fewer than 3 in 4 average reps score 25-55";

    // Thought leaders are "leaders" (above 70) without being perfect, and one
    // of them is in the top 5.
    for (const std::string& m : With(Persona::kThoughtLeader)) {
      EXPECT_GE(entry.at(m).total(), 75) << Who(m);
      EXPECT_LE(entry.at(m).total(), 92) << Who(m);
    }
    bool leader_in_top5 = false;
    for (size_t i = 0; i < 5; ++i) {
      leader_in_top5 |=
          PersonaOf(board[i].member_id()) == Persona::kThoughtLeader;
    }
    EXPECT_TRUE(leader_in_top5) << "top: " << Who(board[0].member_id());

    // Silent reps are at the floor, below the typical rep.
    for (const std::string& m : With(Persona::kSilent)) {
      EXPECT_LT(entry.at(m).total(), 20) << Who(m);
      EXPECT_LT(entry.at(m).total(), average_median) << Who(m);
    }
  }

  // Pillars: each persona shows where it is strong or weak.
  void CheckPillars() {
    // Engagement: thought leaders first.
    const std::vector<v1::LeaderboardEntry> engage =
        Leaderboard(v1::PILLAR_ENGAGE_WITH_INSIGHTS);
    ASSERT_EQ(engage.size(), static_cast<size_t>(kMembers));
    EXPECT_EQ(PersonaOf(engage[0].member_id()), Persona::kThoughtLeader)
        << Who(engage[0].member_id());
    for (const v1::LeaderboardEntry& e : engage) {
      if (PersonaOf(e.member_id()) == Persona::kThoughtLeader) continue;
      EXPECT_LT(e.pillars(kEngage).value(), engage[0].pillars(kEngage).value())
          << Who(e.member_id());
    }

    // Finding the right people: prospectors first, the sprayer's volume above
    // the typical rep.
    const std::vector<v1::LeaderboardEntry> find =
        Leaderboard(v1::PILLAR_FIND_RIGHT_PEOPLE);
    ASSERT_EQ(find.size(), static_cast<size_t>(kMembers));
    EXPECT_EQ(PersonaOf(find[0].member_id()), Persona::kProspector)
        << Who(find[0].member_id());
    std::vector<double> average_find;
    double best_average_find = 0;
    for (const v1::LeaderboardEntry& e : find) {
      if (PersonaOf(e.member_id()) != Persona::kAverage) continue;
      average_find.push_back(e.pillars(kFind).value());
      best_average_find = std::max(best_average_find, e.pillars(kFind).value());
    }
    for (const v1::LeaderboardEntry& e : find) {
      switch (PersonaOf(e.member_id())) {
        case Persona::kProspector:
          EXPECT_GT(e.pillars(kFind).value(), best_average_find)
              << Who(e.member_id());
          break;
        case Persona::kSprayer:
          EXPECT_GT(e.pillars(kFind).value(), Median(average_find))
              << Who(e.member_id());
          break;
        default:
          break;
      }
    }

    // Building relationships: the sprayer, answered by almost nobody, is in
    // the bottom quarter.
    const std::vector<v1::LeaderboardEntry> relationships =
        Leaderboard(v1::PILLAR_BUILD_RELATIONSHIPS);
    ASSERT_EQ(relationships.size(), static_cast<size_t>(kMembers));
    for (size_t i = 0; i < relationships.size(); ++i) {
      const std::string& m = relationships[i].member_id();
      if (PersonaOf(m) != Persona::kSprayer) continue;
      EXPECT_GE(i, relationships.size() * 3 / 4)
          << Who(m) << " with "
          << relationships[i].pillars(kRelationships).value();
    }
  }

  // The decline list with its defaults: every decliner, nobody else.
  void CheckDecliners() {
    grpc::ClientContext ctx;
    v1::ListDecliningMembersRequest req;  // Defaults: 5 points in 7 days, now.
    v1::ListDecliningMembersResponse resp;
    grpc::Status s = scoring_->ListDecliningMembers(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    std::map<std::string, v1::DecliningMember> listed;
    for (const v1::DecliningMember& m : resp.members()) {
      listed[m.member_id()] = m;
    }
    const std::vector<std::string> decliners = With(Persona::kDecliner);
    ASSERT_FALSE(decliners.empty());
    for (const std::string& m : decliners) {
      EXPECT_EQ(listed.count(m), 1u) << Who(m) << " is not listed";
      // Clearly below where it was when the rep went quiet three weeks ago.
      EXPECT_LE(Total(m, kTestNow),
                Total(m, kTestNow - absl::Hours(24 * 21)) - 10)
          << Who(m);
    }
    // Steady personas stay steady: nobody else fell 5 points in a week.
    for (const auto& [m, declining] : listed) {
      EXPECT_EQ(PersonaOf(m), Persona::kDecliner)
          << Who(m) << " fell " << declining.change();
    }
  }

  std::map<std::string, Persona> persona_;
  std::unique_ptr<v1::ScoringService::Stub> scoring_;
};

// One test: loading the demo is most of its cost.
TEST_F(PersonaTest, DemoPersonasScoreAsTheDomainLeadsOneToExpect) {
  ASSERT_FALSE(HasFatalFailure()) << "the demo did not load";
  {
    SCOPED_TRACE("totals");
    CheckTotals();
  }
  {
    SCOPED_TRACE("pillars");
    CheckPillars();
  }
  {
    SCOPED_TRACE("decliners");
    CheckDecliners();
  }
}

}  // namespace
}  // namespace rapport::testing
