// Members: upsert, get, list (pagination, filters), delete, tenants.
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/store/store.h"
#include "tests/unit/store/conformance/store_factory.h"
#include "tests/unit/store/store_test_data.h"

namespace rapport::store {
namespace {

using testing::At;
using testing::MakeMember;

std::vector<std::string> Ids(const MemberPage& page) {
  std::vector<std::string> ids;
  for (const auto& m : page.members) ids.push_back(m.member_id);
  return ids;
}

class MembersTest : public testing::StoreConformanceTest {
 protected:
  void SetUp() override { ASSERT_NE(store_, nullptr); }
};

TEST_P(MembersTest, UpsertCreatesThenReplacesKeepingMaintainedFields) {
  model::Member m = MakeMember("m1");
  auto created = store_->UpsertMember("acme", m, At(0));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(created->created);
  EXPECT_EQ(created->member.create_time, At(0));
  EXPECT_EQ(created->member.update_time, At(0));
  EXPECT_EQ(created->member.event_count, 0);

  ASSERT_TRUE(
      store_
          ->AppendEvents("acme", {testing::MakeEvent(
                                     "e1", "m1",
                                     model::EventType::kPostPublished, At(30))})
          .ok());

  m.display_name = "Renamed";
  m.profile.skills_count = 40;
  m.create_time = At(999);  // Ignored: maintained by the store.
  m.event_count = 77;
  auto replaced = store_->UpsertMember("acme", m, At(60));
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  EXPECT_FALSE(replaced->created);
  EXPECT_EQ(replaced->member.create_time, At(0));
  EXPECT_EQ(replaced->member.update_time, At(60));
  EXPECT_EQ(replaced->member.event_count, 1);
  EXPECT_EQ(replaced->member.last_event_time, At(30));

  auto got = store_->GetMember("acme", "m1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->display_name, "Renamed");
  EXPECT_EQ(got->team, "emea");
  EXPECT_EQ(got->industry, "software");
  EXPECT_EQ(got->manager, "boss");
  EXPECT_EQ(got->profile, m.profile);
  EXPECT_EQ(got->create_time, At(0));
  EXPECT_EQ(got->update_time, At(60));
  EXPECT_EQ(got->event_count, 1);
  EXPECT_EQ(got->last_event_time, At(30));
}

TEST_P(MembersTest, GetUnknownIsNotFound) {
  EXPECT_EQ(store_->GetMember("acme", "nobody").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_P(MembersTest, EmptyMemberIdIsInvalid) {
  EXPECT_EQ(store_->UpsertMember("acme", MakeMember(""), At(0)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(MembersTest, TenantsAreIsolated) {
  ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("m1", "a"), At(0)).ok());
  auto other = store_->UpsertMember("globex", MakeMember("m1", "b"), At(5));
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->created);  // Same id, other tenant: a new member.
  EXPECT_EQ(store_->GetMember("acme", "m1")->team, "a");
  EXPECT_EQ(store_->GetMember("globex", "m1")->team, "b");
  EXPECT_EQ(store_->GetMember("initech", "m1").status().code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(store_->DeleteMember("acme", "m1").ok());
  EXPECT_TRUE(store_->GetMember("globex", "m1").ok());
  auto page = store_->ListMembers("globex", ListMembersQuery{});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Ids(*page), std::vector<std::string>{"m1"});
}

TEST_P(MembersTest, ListPaginatesByMemberId) {
  for (const char* id : {"m3", "m1", "m5", "m2", "m4"}) {
    ASSERT_TRUE(store_->UpsertMember("acme", MakeMember(id), At(0)).ok());
  }
  ASSERT_TRUE(store_->UpsertMember("globex", MakeMember("m0"), At(0)).ok());
  ListMembersQuery query;
  query.page_size = 2;
  auto page = store_->ListMembers("acme", query);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(Ids(*page), (std::vector<std::string>{"m1", "m2"}));
  EXPECT_TRUE(page->has_more);

  query.after_member_id = "m2";
  page = store_->ListMembers("acme", query);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Ids(*page), (std::vector<std::string>{"m3", "m4"}));
  EXPECT_TRUE(page->has_more);

  query.after_member_id = "m4";
  page = store_->ListMembers("acme", query);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Ids(*page), std::vector<std::string>{"m5"});
  EXPECT_FALSE(page->has_more);

  query.page_size = 3;
  query.after_member_id = "m2";  // Exactly the rest: no more after it.
  page = store_->ListMembers("acme", query);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Ids(*page), (std::vector<std::string>{"m3", "m4", "m5"}));
  EXPECT_FALSE(page->has_more);

  query.after_member_id = "m5";
  page = store_->ListMembers("acme", query);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->members.empty());
  EXPECT_FALSE(page->has_more);
}

TEST_P(MembersTest, ListFiltersByTeamAndIndustry) {
  ASSERT_TRUE(
      store_->UpsertMember("acme", MakeMember("a", "emea", "saas"), At(0))
          .ok());
  ASSERT_TRUE(
      store_->UpsertMember("acme", MakeMember("b", "apac", "saas"), At(0))
          .ok());
  ASSERT_TRUE(
      store_->UpsertMember("acme", MakeMember("c", "emea", "bank"), At(0))
          .ok());
  ASSERT_TRUE(
      store_->UpsertMember("acme", MakeMember("d", "emea", "saas"), At(0))
          .ok());
  ASSERT_TRUE(
      store_->UpsertMember("globex", MakeMember("e", "emea", "saas"), At(0))
          .ok());
  ListMembersQuery query;
  query.team = "emea";
  EXPECT_EQ(Ids(*store_->ListMembers("acme", query)),
            (std::vector<std::string>{"a", "c", "d"}));
  query.team.clear();
  query.industry = "saas";
  EXPECT_EQ(Ids(*store_->ListMembers("acme", query)),
            (std::vector<std::string>{"a", "b", "d"}));
  query.team = "emea";
  EXPECT_EQ(Ids(*store_->ListMembers("acme", query)),
            (std::vector<std::string>{"a", "d"}));
  query.page_size = 1;
  auto page = store_->ListMembers("acme", query);
  EXPECT_EQ(Ids(*page), std::vector<std::string>{"a"});
  EXPECT_TRUE(page->has_more);
  query.after_member_id = "a";
  page = store_->ListMembers("acme", query);
  EXPECT_EQ(Ids(*page), std::vector<std::string>{"d"});
  EXPECT_FALSE(page->has_more);
  query.team = "nowhere";
  EXPECT_TRUE(store_->ListMembers("acme", query)->members.empty());
}

TEST_P(MembersTest, ListRejectsNonPositivePageSize) {
  ListMembersQuery query;
  query.page_size = 0;
  EXPECT_EQ(store_->ListMembers("acme", query).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(MembersTest, DeleteUnknownIsNotFound) {
  EXPECT_EQ(store_->DeleteMember("acme", "nobody").status().code(),
            absl::StatusCode::kNotFound);
}

RAPPORT_STORE_CONFORMANCE(MembersTest);

}  // namespace
}  // namespace rapport::store
