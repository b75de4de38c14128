// ActivityService.WriteEvents and BatchUpsertMembers through the real
// server: WriteEvents answers exactly as one batch of IngestEvents does,
// over generated batches; BatchUpsertMembers checks each member as
// UpsertMember does and stores the valid ones in one call.
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapport/v1/admin.grpc.pb.h"
#include "tests/integration/server_fixture.h"

namespace rapport::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class BatchWriteTest : public ServerTest {
 protected:
  grpc::Status Write(const std::vector<v1::Event>& events,
                     v1::WriteEventsResponse* out) {
    grpc::ClientContext ctx;
    v1::WriteEventsRequest req;
    for (const v1::Event& e : events) *req.add_events() = e;
    return activity_->WriteEvents(&ctx, req, out);
  }

  grpc::Status BatchUpsert(const std::vector<v1::Member>& members,
                           v1::BatchUpsertMembersResponse* out) {
    grpc::ClientContext ctx;
    v1::BatchUpsertMembersRequest req;
    for (const v1::Member& m : members) *req.add_members() = m;
    return activity_->BatchUpsertMembers(&ctx, req, out);
  }

  int64_t EventCount(const std::string& member_id) {
    grpc::ClientContext ctx;
    v1::GetMemberRequest req;
    req.set_member_id(member_id);
    v1::GetMemberResponse got;
    grpc::Status s = activity_->GetMember(&ctx, req, &got);
    return s.ok() ? got.member().event_count() : -1;
  }
};

// A second server over its own database, with the same clock, for
// comparing two paths on the same inputs.
struct Twin {
  explicit Twin(const std::string& db_path, const Clock* clock) {
    app::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.db_path = db_path;
    options.activity.max_batch_events = 100;
    options.board.refresh_interval = absl::ZeroDuration();
    options.history_interval = absl::ZeroDuration();
    options.score_changes_interval = absl::ZeroDuration();
    auto started = app::RapportServer::Start(options, clock);
    EXPECT_TRUE(started.ok()) << started.status();
    if (!started.ok()) return;
    server = *std::move(started);
    activity = v1::ActivityService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server->port()),
                            grpc::InsecureChannelCredentials()));
  }
  std::unique_ptr<app::RapportServer> server;
  std::unique_ptr<v1::ActivityService::Stub> activity;
};

// A random batch: valid events of known members, events of an unknown
// member, invalid events (no id, no type, in the future), and event ids
// drawn from a small pool so that duplicates and conflicts (the same id
// with another payload) occur within and across batches.
std::vector<v1::Event> RandomBatch(std::mt19937& rng, int size) {
  std::uniform_int_distribution<int> pick(0, 99);
  std::vector<v1::Event> batch;
  for (int i = 0; i < size; ++i) {
    const int kind = pick(rng);
    const std::string member =
        kind < 8 ? "ghost" : absl::StrCat("m", pick(rng) % 4);
    v1::Event e = MakeEvent(absl::StrCat("e", pick(rng) % 40), member,
                            kTestNow - absl::Minutes(1 + pick(rng) % 3));
    if (kind >= 8 && kind < 12) e.clear_event_id();
    if (kind >= 12 && kind < 16) e.clear_type();
    if (kind >= 16 && kind < 20) {
      api::ToProtoTime(kTestNow + absl::Hours(3), e.mutable_occur_time());
    }
    batch.push_back(e);
  }
  return batch;
}

TEST_F(BatchWriteTest, WriteEventsAnswersAsOneBatchOfIngestEvents) {
  Twin twin(dir_.File("twin.db"), &clock_);
  ASSERT_NE(twin.server, nullptr);
  for (int m = 0; m < 4; ++m) {
    v1::UpsertMemberResponse out;
    ASSERT_TRUE(Upsert(MakeMember(absl::StrCat("m", m), "t"), &out).ok());
    grpc::ClientContext ctx;
    v1::UpsertMemberRequest req;
    *req.mutable_member() = MakeMember(absl::StrCat("m", m), "t");
    ASSERT_TRUE(twin.activity->UpsertMember(&ctx, req, &out).ok());
  }
  std::mt19937 rng(20261130);
  int64_t accepted = 0, duplicates = 0, conflicts = 0, rejected = 0;
  for (int round = 0; round < 30; ++round) {
    const std::vector<v1::Event> batch =
        RandomBatch(rng, 1 + static_cast<int>(rng() % 40));
    v1::WriteEventsResponse written;
    ASSERT_TRUE(Write(batch, &written).ok()) << "round " << round;
    // The same batch as one message of a stream, on the twin.
    v1::IngestEventsResponse streamed;
    {
      grpc::ClientContext ctx;
      auto writer = twin.activity->IngestEvents(&ctx, &streamed);
      v1::IngestEventsRequest req;
      for (const v1::Event& e : batch) *req.add_events() = e;
      ASSERT_TRUE(writer->Write(req));
      writer->WritesDone();
      ASSERT_TRUE(writer->Finish().ok());
    }
    EXPECT_EQ(written.accepted_count(), streamed.accepted_count());
    EXPECT_EQ(written.duplicate_count(), streamed.duplicate_count());
    EXPECT_EQ(written.rejected_count(), streamed.rejected_count());
    EXPECT_EQ(written.conflicting_count(), streamed.conflicting_count());
    ASSERT_EQ(written.rejected_size(), streamed.rejected_size());
    for (int i = 0; i < written.rejected_size(); ++i) {
      const v1::RejectedEvent& w = written.rejected(i);
      const v1::RejectedEvent& s = streamed.rejected(i);
      EXPECT_EQ(w.batch_index(), 0);
      EXPECT_EQ(w.event_index(), s.event_index());
      EXPECT_EQ(w.event_id(), s.event_id());
      EXPECT_EQ(w.field(), s.field());
      EXPECT_EQ(w.reason(), s.reason());
      EXPECT_EQ(w.code(), s.code());
      EXPECT_EQ(w.event_id(), batch[w.event_index()].event_id());
    }
    EXPECT_THAT(written.conflicting_event_ids(),
                ::testing::ElementsAreArray(streamed.conflicting_event_ids()));
    // Every event is accounted for once.
    EXPECT_EQ(written.accepted_count() + written.duplicate_count() +
                  written.rejected_count() + written.conflicting_count(),
              static_cast<int64_t>(batch.size()));
    accepted += written.accepted_count();
    duplicates += written.duplicate_count();
    conflicts += written.conflicting_count();
    rejected += written.rejected_count();
  }
  // The generated batches exercised every outcome.
  EXPECT_GT(accepted, 0);
  EXPECT_GT(duplicates, 0);
  EXPECT_GT(conflicts, 0);
  EXPECT_GT(rejected, 0);
}

TEST_F(BatchWriteTest, WriteEventsRejectsByIndexAndIsDurable) {
  v1::UpsertMemberResponse out;
  ASSERT_TRUE(Upsert(MakeMember("rep-1", "t"), &out).ok());
  std::vector<v1::Event> batch;
  for (int i = 0; i < 5; ++i) {
    batch.push_back(MakeEvent(absl::StrCat("w", i), "rep-1",
                              kTestNow - absl::Hours(i + 1)));
  }
  batch[2].clear_member_id();
  batch.push_back(MakeEvent("w-ghost", "ghost", kTestNow - absl::Hours(1)));
  v1::WriteEventsResponse resp;
  ASSERT_TRUE(Write(batch, &resp).ok());
  EXPECT_EQ(resp.accepted_count(), 4);
  ASSERT_EQ(resp.rejected_size(), 2);
  EXPECT_EQ(resp.rejected(0).event_index(), 2);
  EXPECT_EQ(resp.rejected(0).field(), "member_id");
  EXPECT_EQ(resp.rejected(0).code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(resp.rejected(1).event_index(), 5);
  EXPECT_EQ(resp.rejected(1).code(), grpc::StatusCode::NOT_FOUND);

  // Acknowledged means on disk: a new server over the file has them, and
  // sending them again changes nothing.
  RestartServer();
  EXPECT_EQ(EventCount("rep-1"), 4);
  v1::WriteEventsResponse again;
  ASSERT_TRUE(Write(batch, &again).ok());
  EXPECT_EQ(again.accepted_count(), 0);
  EXPECT_EQ(again.duplicate_count(), 4);
  batch[0].set_quantity(1);
  batch[0].set_type(v1::EVENT_TYPE_COMMENT_MADE);
  v1::WriteEventsResponse conflict;
  ASSERT_TRUE(Write({batch[0]}, &conflict).ok());
  EXPECT_EQ(conflict.conflicting_count(), 1);
  EXPECT_THAT(conflict.conflicting_event_ids(), ::testing::ElementsAre("w0"));
  EXPECT_EQ(EventCount("rep-1"), 4);
}

TEST_F(BatchWriteTest,
       WriteEventsOverTheLimitIsInvalidArgumentAndStoresNothing) {
  v1::UpsertMemberResponse out;
  ASSERT_TRUE(Upsert(MakeMember("rep-1", "t"), &out).ok());
  std::vector<v1::Event> big;
  for (int i = 0; i < 101; ++i) {
    big.push_back(
        MakeEvent(absl::StrCat("b", i), "rep-1", kTestNow - absl::Hours(1)));
  }
  v1::WriteEventsResponse resp;
  grpc::Status s = Write(big, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(),
              StartsWith("events: holds 101 events; the maximum is 100"));
  EXPECT_EQ(EventCount("rep-1"), 0);
  big.pop_back();
  ASSERT_TRUE(Write(big, &resp).ok());
  EXPECT_EQ(resp.accepted_count(), 100);
}

TEST_F(BatchWriteTest, WriteEventsUpdatesScores) {
  v1::UpsertMemberResponse out;
  ASSERT_TRUE(Upsert(MakeMember("rep-1", "t"), &out).ok());
  auto scoring = v1::ScoringService::NewStub(channel_);
  auto total = [&] {
    grpc::ClientContext ctx;
    v1::GetScoreRequest req;
    req.set_member_id("rep-1");
    v1::GetScoreResponse resp;
    EXPECT_TRUE(scoring->GetScore(&ctx, req, &resp).ok());
    return resp.score().total();
  };
  const double before = total();
  std::vector<v1::Event> posts;
  for (int i = 0; i < 20; ++i) {
    posts.push_back(MakeEvent(absl::StrCat("p", i), "rep-1",
                              kTestNow - absl::Hours(24 * i + 1)));
  }
  v1::WriteEventsResponse resp;
  ASSERT_TRUE(Write(posts, &resp).ok());
  // The score board was told: the next read has the new events.
  EXPECT_GT(total(), before);
}

// Members with one defect each, or none; `field` is the one at fault.
struct Candidate {
  v1::Member member;
  std::string field;  // Empty: valid.
};

Candidate RandomCandidate(std::mt19937& rng, int i) {
  Candidate c{MakeMember(absl::StrCat("b", i), i % 2 ? "north" : "south"), ""};
  switch (rng() % 7) {
    case 0:
      c.member.set_display_name("");
      c.field = "display_name";
      break;
    case 1:
      c.member.set_team(std::string("bad\x01team"));
      c.field = "team";
      break;
    case 2:
      c.member.mutable_profile()->set_skills_count(-1);
      c.field = "profile.skills_count";
      break;
    case 3:
      c.member.set_member_id(absl::StrCat("bad id ", i));
      c.field = "member_id";
      break;
    default:
      c.member.mutable_profile()->set_skills_count(
          static_cast<int>(rng() % 50));
      break;
  }
  return c;
}

TEST_F(BatchWriteTest, BatchUpsertRejectsAsUpsertMemberDoesAndStoresTheRest) {
  std::mt19937 rng(7);
  // Some members exist already: they are updated, the others created.
  std::set<std::string> existing;
  for (int i = 0; i < 40; i += 3) {
    v1::UpsertMemberResponse out;
    ASSERT_TRUE(Upsert(MakeMember(absl::StrCat("b", i), "north"), &out).ok());
    existing.insert(absl::StrCat("b", i));
  }
  std::vector<Candidate> candidates;
  std::vector<v1::Member> members;
  for (int i = 0; i < 40; ++i) {
    candidates.push_back(RandomCandidate(rng, i));
    members.push_back(candidates.back().member);
  }
  v1::BatchUpsertMembersResponse resp;
  ASSERT_TRUE(BatchUpsert(members, &resp).ok());

  int created = 0, updated = 0;
  std::vector<int> rejected_indexes;
  for (int i = 0; i < 40; ++i) {
    const Candidate& c = candidates[i];
    if (c.field.empty()) {
      (existing.count(c.member.member_id()) ? updated : created)++;
      continue;
    }
    rejected_indexes.push_back(i);
    // UpsertMember refuses the same member, naming the same field.
    v1::UpsertMemberResponse single;
    grpc::Status s = Upsert(c.member, &single);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), StartsWith("member." + c.field + ":"));
  }
  EXPECT_EQ(resp.created_count(), created);
  EXPECT_EQ(resp.updated_count(), updated);
  EXPECT_EQ(resp.rejected_count(), static_cast<int>(rejected_indexes.size()));
  ASSERT_EQ(resp.rejected_size(), static_cast<int>(rejected_indexes.size()));
  for (size_t k = 0; k < rejected_indexes.size(); ++k) {
    const v1::RejectedMember& r = resp.rejected(k);
    const Candidate& c = candidates[rejected_indexes[k]];
    EXPECT_EQ(r.index(), rejected_indexes[k]);
    EXPECT_EQ(r.member_id(), c.member.member_id());
    EXPECT_EQ(r.field(), c.field);
    EXPECT_THAT(r.reason(), StartsWith(c.field + ": "));
    EXPECT_EQ(r.code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  // The stored ones come back in request order, as stored.
  ASSERT_EQ(resp.members_size(), created + updated);
  int next = 0;
  for (const Candidate& c : candidates) {
    if (!c.field.empty()) continue;
    const v1::Member& stored = resp.members(next++);
    EXPECT_EQ(stored.member_id(), c.member.member_id());
    EXPECT_EQ(stored.profile().skills_count(),
              c.member.profile().skills_count());
    grpc::ClientContext ctx;
    v1::GetMemberRequest req;
    req.set_member_id(c.member.member_id());
    v1::GetMemberResponse got;
    ASSERT_TRUE(activity_->GetMember(&ctx, req, &got).ok());
    EXPECT_EQ(got.member().team(), c.member.team());
  }
}

TEST_F(BatchWriteTest, BatchUpsertRefusesOversizedEmptyAndRepeatedRequests) {
  std::vector<v1::Member> many;
  for (int i = 0; i < 1001; ++i) {
    many.push_back(MakeMember(absl::StrCat("x", i), "north"));
  }
  v1::BatchUpsertMembersResponse resp;
  grpc::Status s = BatchUpsert(many, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), StartsWith("members:"));
  EXPECT_EQ(BatchUpsert({}, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  std::vector<v1::Member> repeated = {MakeMember("a", "north"),
                                      MakeMember("b", "north"),
                                      MakeMember("a", "south")};
  s = BatchUpsert(repeated, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), StartsWith("members[2].member_id:"));
  EXPECT_EQ(EventCount("a"), -1) << "nothing of a refused request is stored";
  EXPECT_EQ(EventCount("b"), -1);

  many.pop_back();  // 1000: the most allowed.
  v1::BatchUpsertMembersResponse ok;
  ASSERT_TRUE(BatchUpsert(many, &ok).ok());
  EXPECT_EQ(ok.created_count(), 1000);
  EXPECT_EQ(EventCount("x999"), 0);
}

TEST_F(BatchWriteTest, BatchUpsertIsAuditedPerMemberAsUpsertIs) {
  v1::UpsertMemberResponse out;
  ASSERT_TRUE(Upsert(MakeMember("a", "north"), &out).ok());
  v1::BatchUpsertMembersResponse resp;
  ASSERT_TRUE(
      BatchUpsert({MakeMember("a", "south"), MakeMember("b", "north")}, &resp)
          .ok());
  EXPECT_EQ(resp.created_count(), 1);
  EXPECT_EQ(resp.updated_count(), 1);
  auto admin = v1::AdminService::NewStub(channel_);
  for (const auto& [id, detail] :
       std::map<std::string, std::string>{{"a", "updated"}, {"b", "created"}}) {
    grpc::ClientContext ctx;
    v1::ListAuditEventsRequest req;
    req.set_target(absl::StrCat("member:", id));
    v1::ListAuditEventsResponse events;
    ASSERT_TRUE(admin->ListAuditEvents(&ctx, req, &events).ok());
    ASSERT_FALSE(events.events().empty()) << id;
    EXPECT_EQ(events.events(0).method(),
              "/rapport.v1.ActivityService/BatchUpsertMembers");
    EXPECT_EQ(events.events(0).detail(), detail);
  }
}

}  // namespace
}  // namespace rapport::testing
