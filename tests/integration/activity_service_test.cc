// ActivityService through the real server and generated C++ stubs.
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "grpcpp/health_check_service_interface.h"
#include "gtest/gtest.h"
#include "tests/integration/server_fixture.h"

namespace rapport::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class ActivityServiceTest : public ServerTest {};

TEST_F(ActivityServiceTest, UpsertCreatesThenReplaces) {
  v1::UpsertMemberResponse first, second;
  v1::Member m = MakeMember("rep-1", "north");
  m.mutable_profile()->set_has_photo(true);
  ASSERT_TRUE(Upsert(m, &first).ok());
  EXPECT_TRUE(first.created());
  EXPECT_EQ(first.member().profile().has_photo(), true);
  EXPECT_EQ(first.member().create_time().seconds(),
            absl::ToUnixSeconds(kTestNow));

  clock_.Advance(absl::Hours(1));
  m.set_team("south");
  ASSERT_TRUE(Upsert(m, &second).ok());
  EXPECT_FALSE(second.created());
  EXPECT_EQ(second.member().team(), "south");
  EXPECT_EQ(second.member().create_time().seconds(),
            first.member().create_time().seconds());
  EXPECT_EQ(second.member().update_time().seconds(),
            absl::ToUnixSeconds(kTestNow + absl::Hours(1)));

  grpc::ClientContext ctx;
  v1::GetMemberRequest req;
  req.set_member_id("rep-1");
  v1::GetMemberResponse got;
  ASSERT_TRUE(activity_->GetMember(&ctx, req, &got).ok());
  EXPECT_EQ(got.member().team(), "south");
  EXPECT_EQ(got.member().display_name(), "Rep rep-1");
}

TEST_F(ActivityServiceTest, UpsertRejectsBadMemberNamingTheField) {
  v1::UpsertMemberResponse out;
  v1::Member m = MakeMember("rep-1", "");
  grpc::Status s = Upsert(m, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), StartsWith("member.team:"));

  grpc::ClientContext ctx;
  v1::UpsertMemberRequest empty;
  s = activity_->UpsertMember(&ctx, empty, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), StartsWith("member:"));

  // Nothing was written.
  grpc::ClientContext list_ctx;
  v1::ListMembersResponse list;
  ASSERT_TRUE(
      activity_->ListMembers(&list_ctx, v1::ListMembersRequest(), &list).ok());
  EXPECT_EQ(list.members_size(), 0);
}

TEST_F(ActivityServiceTest, GetUnknownIsNotFoundAndBadIdIsInvalid) {
  grpc::ClientContext ctx;
  v1::GetMemberRequest req;
  req.set_member_id("nobody");
  v1::GetMemberResponse out;
  EXPECT_EQ(activity_->GetMember(&ctx, req, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  grpc::ClientContext ctx2;
  req.set_member_id("");
  grpc::Status s = activity_->GetMember(&ctx2, req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), StartsWith("member_id:"));
}

TEST_F(ActivityServiceTest, ListPagesThroughATeam) {
  v1::UpsertMemberResponse out;
  for (int i = 0; i < 25; ++i) {
    ASSERT_TRUE(
        Upsert(MakeMember(absl::StrCat("a", 100 + i), i % 2 ? "odd" : "even"),
               &out)
            .ok());
  }
  std::vector<std::string> seen;
  v1::ListMembersRequest req;
  req.set_team("odd");
  req.set_page_size(5);
  for (int page = 0; page < 10; ++page) {
    grpc::ClientContext ctx;
    v1::ListMembersResponse resp;
    ASSERT_TRUE(activity_->ListMembers(&ctx, req, &resp).ok());
    for (const auto& m : resp.members()) {
      EXPECT_EQ(m.team(), "odd");
      seen.push_back(m.member_id());
    }
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  EXPECT_EQ(seen.size(), 12u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 12u);
}

TEST_F(ActivityServiceTest, ListRefusesBadTokensAndSizes) {
  v1::UpsertMemberResponse out;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Upsert(MakeMember(absl::StrCat("m", i), "t"), &out).ok());
  }
  v1::ListMembersRequest req;
  req.set_page_size(1);
  req.set_team("t");
  v1::ListMembersResponse first;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(activity_->ListMembers(&ctx, req, &first).ok());
    ASSERT_FALSE(first.next_page_token().empty());
  }
  {
    grpc::ClientContext ctx;
    v1::ListMembersRequest other = req;
    other.set_team("u");
    other.set_page_token(first.next_page_token());
    v1::ListMembersResponse resp;
    grpc::Status s = activity_->ListMembers(&ctx, other, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), StartsWith("page_token:"));
  }
  {
    grpc::ClientContext ctx;
    v1::ListMembersRequest garbage = req;
    garbage.set_page_token("%%%");
    v1::ListMembersResponse resp;
    EXPECT_EQ(activity_->ListMembers(&ctx, garbage, &resp).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  {
    grpc::ClientContext ctx;
    v1::ListMembersRequest big = req;
    big.set_page_size(5000);
    v1::ListMembersResponse resp;
    grpc::Status s = activity_->ListMembers(&ctx, big, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), StartsWith("page_size:"));
  }
}

TEST_F(ActivityServiceTest, IngestKeepsValidEventsAndReportsBadOnesByIndex) {
  v1::UpsertMemberResponse out;
  ASSERT_TRUE(Upsert(MakeMember("rep-1", "t"), &out).ok());
  std::vector<v1::Event> batch;
  for (int i = 0; i < 5; ++i) {
    batch.push_back(MakeEvent(absl::StrCat("e", i), "rep-1",
                              kTestNow - absl::Hours(i + 1)));
  }
  batch[1].clear_member_id();
  api::ToProtoTime(kTestNow + absl::Hours(2), batch[3].mutable_occur_time());
  batch.push_back(MakeEvent("e-ghost", "ghost", kTestNow - absl::Hours(1)));

  v1::IngestEventsResponse resp;
  ASSERT_TRUE(Ingest({batch}, &resp).ok());
  EXPECT_EQ(resp.accepted_count(), 3);
  EXPECT_EQ(resp.duplicate_count(), 0);
  EXPECT_EQ(resp.rejected_count(), 3);
  ASSERT_EQ(resp.rejected_size(), 3);
  EXPECT_EQ(resp.rejected(0).event_index(), 1);
  EXPECT_EQ(resp.rejected(0).field(), "member_id");
  EXPECT_EQ(resp.rejected(1).event_index(), 3);
  EXPECT_EQ(resp.rejected(1).event_id(), "e3");
  EXPECT_EQ(resp.rejected(1).field(), "occur_time");
  EXPECT_EQ(resp.rejected(2).event_index(), 5);
  EXPECT_EQ(resp.rejected(2).field(), "member_id");
  EXPECT_THAT(resp.rejected(2).reason(), HasSubstr("ghost"));

  grpc::ClientContext ctx;
  v1::GetMemberRequest req;
  req.set_member_id("rep-1");
  v1::GetMemberResponse got;
  ASSERT_TRUE(activity_->GetMember(&ctx, req, &got).ok());
  EXPECT_EQ(got.member().event_count(), 3);
  EXPECT_EQ(got.member().last_event_time().seconds(),
            absl::ToUnixSeconds(kTestNow - absl::Hours(1)));
}

TEST_F(ActivityServiceTest, DuplicatesChangeNothingAcrossStreamsAndRestarts) {
  v1::UpsertMemberResponse out;
  ASSERT_TRUE(Upsert(MakeMember("rep-1", "t"), &out).ok());
  std::vector<v1::Event> batch;
  for (int i = 0; i < 10; ++i) {
    batch.push_back(MakeEvent(absl::StrCat("e", i), "rep-1",
                              kTestNow - absl::Minutes(i + 1)));
  }
  v1::IngestEventsResponse first;
  ASSERT_TRUE(Ingest({batch, batch}, &first).ok());
  EXPECT_EQ(first.accepted_count(), 10);
  EXPECT_EQ(first.duplicate_count(), 10);
  EXPECT_EQ(first.batch_count(), 2);

  RestartServer();
  v1::IngestEventsResponse second;
  ASSERT_TRUE(Ingest({batch}, &second).ok());
  EXPECT_EQ(second.accepted_count(), 0);
  EXPECT_EQ(second.duplicate_count(), 10);

  grpc::ClientContext ctx;
  v1::GetMemberRequest req;
  req.set_member_id("rep-1");
  v1::GetMemberResponse got;
  ASSERT_TRUE(activity_->GetMember(&ctx, req, &got).ok());
  EXPECT_EQ(got.member().event_count(), 10);
}

TEST_F(ActivityServiceTest, OversizedBatchIsInvalidArgument) {
  v1::UpsertMemberResponse out;
  ASSERT_TRUE(Upsert(MakeMember("rep-1", "t"), &out).ok());
  std::vector<v1::Event> ok_batch = {
      MakeEvent("first", "rep-1", kTestNow - absl::Hours(1))};
  std::vector<v1::Event> big;
  for (int i = 0; i < 101; ++i) {
    big.push_back(
        MakeEvent(absl::StrCat("b", i), "rep-1", kTestNow - absl::Hours(1)));
  }
  v1::IngestEventsResponse resp;
  grpc::Status s = Ingest({ok_batch, big}, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("101 events; the maximum is 100"));
  // The batch committed before the error stays committed.
  grpc::ClientContext ctx;
  v1::GetMemberRequest req;
  req.set_member_id("rep-1");
  v1::GetMemberResponse got;
  ASSERT_TRUE(activity_->GetMember(&ctx, req, &got).ok());
  EXPECT_EQ(got.member().event_count(), 1);
}

TEST_F(ActivityServiceTest, OversizedMessageIsResourceExhausted) {
  v1::UpsertMemberResponse out;
  ASSERT_TRUE(Upsert(MakeMember("rep-1", "t"), &out).ok());
  std::vector<v1::Event> batch;
  for (int i = 0; i < 100; ++i) {
    v1::Event e =
        MakeEvent(absl::StrCat("big", i), "rep-1", kTestNow - absl::Hours(1));
    e.set_content_id(std::string(120, 'x'));
    e.mutable_contact()->set_industry(std::string(120, 'y'));
    e.mutable_contact()->set_region(std::string(60, 'z'));
    e.mutable_contact()->set_contact_id(std::string(120, 'w'));
    e.set_thread_id(std::string(120, 'v'));
    e.set_event_id(std::string(100, 'u') + std::to_string(i));
    batch.push_back(e);
  }
  v1::IngestEventsResponse resp;
  grpc::Status s = Ingest({batch}, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(ActivityServiceTest, DeleteForgetsTheMemberAndTheirEvents) {
  v1::UpsertMemberResponse out;
  ASSERT_TRUE(Upsert(MakeMember("rep-1", "t"), &out).ok());
  std::vector<v1::Event> batch = {
      MakeEvent("x1", "rep-1", kTestNow - absl::Hours(1)),
      MakeEvent("x2", "rep-1", kTestNow - absl::Hours(2))};
  v1::IngestEventsResponse resp;
  ASSERT_TRUE(Ingest({batch}, &resp).ok());

  grpc::ClientContext ctx;
  v1::DeleteMemberRequest del;
  del.set_member_id("rep-1");
  v1::DeleteMemberResponse deleted;
  ASSERT_TRUE(activity_->DeleteMember(&ctx, del, &deleted).ok());
  EXPECT_EQ(deleted.deleted_event_count(), 2);

  grpc::ClientContext ctx2;
  v1::GetMemberRequest get;
  get.set_member_id("rep-1");
  v1::GetMemberResponse got;
  EXPECT_EQ(activity_->GetMember(&ctx2, get, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  grpc::ClientContext ctx3;
  EXPECT_EQ(activity_->DeleteMember(&ctx3, del, &deleted).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace rapport::testing
