// Goals: create, list, delete, tenant isolation, the per-tenant cap, the
// audit trail, goals removed with their member.
#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "server/store/store.h"
#include "tests/unit/store/conformance/store_factory.h"
#include "tests/unit/store/goal_test_data.h"
#include "tests/unit/store/store_test_data.h"

namespace rapport::store {
namespace {

using ::rapport::store::testing::At;
using ::rapport::store::testing::MakeMember;

using ::rapport::store::testing::Ids;
using ::rapport::store::testing::MemberGoal;
using ::rapport::store::testing::TeamGoal;

AuditContext By(const std::string& principal, absl::Time time) {
  return AuditContext{principal, "manager", "/rapport.v1.GoalService/X", time};
}

class GoalStoreTest : public testing::StoreConformanceTest {
 protected:
  void SetUp() override {
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("m1"), At(0)).ok());
    ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("m2"), At(0)).ok());
  }
  std::vector<GoalRecord> List(const GoalFilter& filter = {},
                               const std::string& tenant = "acme") {
    auto goals = store_->ListGoals(tenant, filter);
    EXPECT_TRUE(goals.ok()) << goals.status();
    return goals.ok() ? *goals : std::vector<GoalRecord>{};
  }
};

TEST_P(GoalStoreTest, CreateThenListReturnsEveryFieldSoonestDueFirst) {
  // Generated goals in random order: the list comes back ordered by due
  // time, then goal_id, with every field as written.
  std::mt19937 rng(7);
  std::vector<GoalRecord> written;
  for (int i = 0; i < 40; ++i) {
    const absl::Time due = At(1000 + static_cast<int>(rng() % 10));
    GoalRecord g = i % 3 == 0 ? TeamGoal(absl::StrFormat("g_%016x", rng()),
                                         i % 2 ? "emea" : "apac", due, i % 5,
                                         (rng() % 2500) / 100.0)
                              : MemberGoal(absl::StrFormat("g_%016x", rng()),
                                           i % 2 ? "m1" : "m2", due,
                                           (rng() % 10000) / 100.0);
    ASSERT_TRUE(store_->CreateGoal("acme", g, nullptr).ok());
    written.push_back(g);
  }
  std::sort(written.begin(), written.end(),
            [](const GoalRecord& a, const GoalRecord& b) {
              return std::tie(a.due_time, a.goal_id) <
                     std::tie(b.due_time, b.goal_id);
            });
  std::vector<GoalRecord> read = List();
  ASSERT_EQ(read.size(), written.size());
  for (size_t i = 0; i < read.size(); ++i) {
    EXPECT_EQ(read[i].goal_id, written[i].goal_id);
    EXPECT_EQ(read[i].member_id, written[i].member_id);
    EXPECT_EQ(read[i].team, written[i].team);
    EXPECT_EQ(read[i].pillar, written[i].pillar);
    EXPECT_EQ(read[i].target, written[i].target);
    EXPECT_EQ(read[i].due_time, written[i].due_time);
    EXPECT_EQ(read[i].note, written[i].note);
    EXPECT_EQ(read[i].create_time, written[i].create_time);
    EXPECT_EQ(read[i].created_by, written[i].created_by);
  }
  // Each filter returns exactly the goals it matches.
  GoalFilter by_member;
  by_member.member_id = "m1";
  GoalFilter by_team;
  by_team.team = "emea";
  for (const GoalFilter& filter :
       {by_member, by_team, GoalFilter::ById(written[5].goal_id)}) {
    std::vector<std::string> expected;
    for (const GoalRecord& g : written) {
      if ((filter.member_id.empty() || g.member_id == filter.member_id) &&
          (filter.team.empty() || g.team == filter.team) &&
          (filter.goal_id.empty() || g.goal_id == filter.goal_id)) {
        expected.push_back(g.goal_id);
      }
    }
    EXPECT_FALSE(expected.empty());
    EXPECT_EQ(Ids(List(filter)), expected);
  }
}

TEST_P(GoalStoreTest, RefusesMalformedRecordsAndTakenIds) {
  GoalRecord both = MemberGoal("g_1", "m1", At(100));
  both.team = "emea";
  EXPECT_EQ(store_->CreateGoal("acme", both, nullptr).code(),
            absl::StatusCode::kInvalidArgument);
  GoalRecord neither = MemberGoal("g_1", "", At(100));
  EXPECT_EQ(store_->CreateGoal("acme", neither, nullptr).code(),
            absl::StatusCode::kInvalidArgument);
  GoalRecord nan = MemberGoal("g_1", "m1", At(100), std::nan(""));
  EXPECT_EQ(store_->CreateGoal("acme", nan, nullptr).code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(
      store_->CreateGoal("acme", MemberGoal("g_1", "m1", At(1)), nullptr).ok());
  EXPECT_EQ(store_->CreateGoal("acme", MemberGoal("g_1", "m2", At(2)), nullptr)
                .code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Ids(List()), std::vector<std::string>{"g_1"});
}

TEST_P(GoalStoreTest, TenantsAreIsolated) {
  ASSERT_TRUE(
      store_->CreateGoal("acme", MemberGoal("g_a", "m1", At(1)), nullptr).ok());
  ASSERT_TRUE(
      store_->CreateGoal("beta", TeamGoal("g_b", "emea", At(1)), nullptr).ok());
  EXPECT_EQ(Ids(List()), std::vector<std::string>{"g_a"});
  EXPECT_EQ(Ids(List({}, "beta")), std::vector<std::string>{"g_b"});
  EXPECT_EQ(store_->DeleteGoal("beta", "g_a", nullptr).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Ids(List()), std::vector<std::string>{"g_a"});
}

TEST_P(GoalStoreTest, DeleteRemovesOneGoalAndAuditsBoth) {
  const AuditContext create_ctx = By("key:boss", At(1));
  ASSERT_TRUE(
      store_->CreateGoal("acme", MemberGoal("g_1", "m1", At(5)), &create_ctx)
          .ok());
  const AuditContext team_ctx = By("key:boss", At(2));
  ASSERT_TRUE(
      store_->CreateGoal("acme", TeamGoal("g_2", "emea", At(6)), &team_ctx)
          .ok());
  const AuditContext del_ctx = By("key:boss", At(3));
  ASSERT_TRUE(store_->DeleteGoal("acme", "g_1", &del_ctx).ok());
  EXPECT_EQ(store_->DeleteGoal("acme", "g_1", &del_ctx).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Ids(List()), std::vector<std::string>{"g_2"});

  auto page = store_->ListAudit("acme", AuditQuery{});
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->entries.size(), 3u);  // Newest first; the failure: none.
  EXPECT_EQ(page->entries[0].target, "member:m1");
  EXPECT_EQ(page->entries[0].detail, "goal deleted goal_id=g_1");
  EXPECT_EQ(page->entries[1].target, "team:emea");
  EXPECT_NE(page->entries[1].detail.find("goal_id=g_2"), std::string::npos);
  EXPECT_EQ(page->entries[2].target, "member:m1");
  EXPECT_NE(page->entries[2].detail.find("goal created goal_id=g_1"),
            std::string::npos);
}

TEST_P(GoalStoreTest, DeletingAMemberDeletesTheirGoalsOnly) {
  ASSERT_TRUE(
      store_->CreateGoal("acme", MemberGoal("g_1", "m1", At(1)), nullptr).ok());
  ASSERT_TRUE(
      store_->CreateGoal("acme", MemberGoal("g_2", "m2", At(1)), nullptr).ok());
  ASSERT_TRUE(
      store_->CreateGoal("acme", TeamGoal("g_3", "emea", At(1)), nullptr).ok());
  const AuditContext ctx = By("key:boss", At(1));
  ASSERT_TRUE(
      store_->CreateGoal("acme", MemberGoal("g_4", "m1", At(2)), &ctx).ok());
  ASSERT_TRUE(store_->DeleteMember("acme", "m1").ok());
  EXPECT_EQ(Ids(List()), (std::vector<std::string>{"g_2", "g_3"}));
  // The trail keeps that a goal was set, no longer for whom.
  auto page = store_->ListAudit("acme", AuditQuery{});
  ASSERT_TRUE(page.ok());
  for (const AuditEntry& e : page->entries) {
    EXPECT_EQ(e.target.find("m1"), std::string::npos) << e.target;
    EXPECT_EQ(e.detail.find("m1"), std::string::npos) << e.detail;
  }
}

TEST_P(GoalStoreTest, ATenantHoldsAtMostTheCap) {
  for (int i = 0; i < kMaxGoalsPerTenant; ++i) {
    ASSERT_TRUE(store_
                    ->CreateGoal("acme",
                                 MemberGoal(absl::StrCat("g_", i), "m1", At(i)),
                                 nullptr)
                    .ok());
  }
  EXPECT_EQ(
      store_->CreateGoal("acme", MemberGoal("g_more", "m1", At(1)), nullptr)
          .code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(
      store_->CreateGoal("beta", MemberGoal("g_more", "m1", At(1)), nullptr)
          .ok());
  EXPECT_EQ(List().size(), static_cast<size_t>(kMaxGoalsPerTenant));
}

RAPPORT_STORE_CONFORMANCE(GoalStoreTest);

}  // namespace
}  // namespace rapport::store
