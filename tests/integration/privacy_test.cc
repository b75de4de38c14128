// Protecting the people in the data, through the real server: the audit
// trail records every change with its principal and nothing for a failed
// one; erasing a member leaves no trace in any table, in the database file,
// in /metrics or on the page, and their events sent again are refused;
// event ids reused with another payload are counted as conflicts.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapport/v1/scoring.grpc.pb.h"
#include "tests/common/db_trace.h"
#include "tests/common/tls_client.h"
#include "tests/integration/access_fixture.h"

namespace rapport::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

class PrivacyTest : public AccessFixture {
 protected:
  void Customize(app::ServerOptions& options) override {
    options.metrics_listen = "127.0.0.1:0";
  }

  std::string PrincipalOf(Who who) {
    return absl::StrCat("key:", auth::ParseApiKey(keys_[who])->key_id);
  }

  // Every audit entry of the caller's tenant matching `request`, newest
  // first, following pages.
  std::vector<v1::AuditEvent> Audit(Who who,
                                    v1::ListAuditEventsRequest request = {}) {
    std::vector<v1::AuditEvent> all;
    while (true) {
      grpc::ClientContext ctx;
      Authorize(ctx, who);
      v1::ListAuditEventsResponse resp;
      grpc::Status status = admin_->ListAuditEvents(&ctx, request, &resp);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) return all;
      all.insert(all.end(), resp.events().begin(), resp.events().end());
      if (resp.next_page_token().empty()) return all;
      request.set_page_token(resp.next_page_token());
    }
  }
  int64_t LatestAuditId() {
    v1::ListAuditEventsRequest request;
    request.set_page_size(1);
    grpc::ClientContext ctx;
    Authorize(ctx, Who::kAdmin);
    v1::ListAuditEventsResponse resp;
    EXPECT_TRUE(admin_->ListAuditEvents(&ctx, request, &resp).ok());
    return resp.events().empty() ? 0 : resp.events(0).id();
  }
  std::vector<v1::AuditEvent> AuditSince(int64_t id) {
    std::vector<v1::AuditEvent> newer;
    for (const v1::AuditEvent& e : Audit(Who::kAdmin)) {
      if (e.id() > id) newer.push_back(e);
    }
    return newer;
  }

  grpc::Status Ingest(Who who, const std::vector<v1::Event>& events,
                      v1::IngestEventsResponse* response) {
    grpc::ClientContext ctx;
    Authorize(ctx, who);
    auto stream = activity_->IngestEvents(&ctx, response);
    v1::IngestEventsRequest batch;
    for (const v1::Event& e : events) *batch.add_events() = e;
    stream->Write(batch);
    stream->WritesDone();
    return stream->Finish();
  }

  grpc::Status Delete(Who who, const std::string& member_id) {
    grpc::ClientContext ctx;
    Authorize(ctx, who);
    v1::DeleteMemberRequest req;
    req.set_member_id(member_id);
    v1::DeleteMemberResponse resp;
    return activity_->DeleteMember(&ctx, req, &resp);
  }

  HttpResponse Get(const std::string& path, const std::string& key) {
    return HttpsGetWithKey(path, key);
  }

  // Events of `member` with `contact`, one a day before kTestNow.
  static std::vector<v1::Event> Conversation(const std::string& prefix,
                                             const std::string& member,
                                             const std::string& contact,
                                             int days) {
    std::vector<v1::Event> events;
    for (int d = 1; d <= days; ++d) {
      v1::Event e =
          MakeEvent(absl::StrCat(prefix, "-", d), member,
                    kTestNow - absl::Hours(24) * d + absl::Minutes(d));
      e.set_type(d % 2 == 0 ? v1::EVENT_TYPE_MESSAGE_RECEIVED
                            : v1::EVENT_TYPE_MESSAGE_SENT);
      e.set_channel(v1::CHANNEL_INMAIL);
      e.set_thread_id(absl::StrCat("t-", contact));
      e.mutable_contact()->set_contact_id(contact);
      e.mutable_contact()->set_seniority(v1::SENIORITY_DIRECTOR);
      events.push_back(e);
    }
    return events;
  }
};

TEST_F(PrivacyTest, EveryChangeIsAuditedWithItsPrincipalAndAFailedOneNot) {
  const int64_t before = LatestAuditId();
  // Changes, each by a different principal where the roles allow.
  Upsert(Who::kIntegration, MakeMember("a1", "north"));
  v1::IngestEventsResponse ingested;
  ASSERT_TRUE(
      Ingest(Who::kIntegration, Conversation("c", "a1", "p-1", 4), &ingested)
          .ok());
  const std::string key = NewKey(Who::kAdmin, v1::ROLE_METRICS);
  const std::string key_id(auth::ParseApiKey(key)->key_id);
  {
    grpc::ClientContext ctx;
    Authorize(ctx, Who::kAdmin);
    v1::RevokeApiKeyRequest req;
    req.set_key_id(key_id);
    v1::RevokeApiKeyResponse resp;
    ASSERT_TRUE(admin_->RevokeApiKey(&ctx, req, &resp).ok());
  }
  ASSERT_TRUE(Delete(Who::kAdmin, "n2").ok());

  // Failed changes: invalid, unknown, refused by role.
  {
    grpc::ClientContext ctx;
    Authorize(ctx, Who::kIntegration);
    v1::UpsertMemberRequest req;
    *req.mutable_member() = MakeMember("a2", "north");
    req.mutable_member()->set_display_name(std::string(300, 'x'));
    v1::UpsertMemberResponse resp;
    EXPECT_EQ(activity_->UpsertMember(&ctx, req, &resp).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  EXPECT_EQ(Delete(Who::kAdmin, "nobody").error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Delete(Who::kManager, "n1").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  {
    grpc::ClientContext ctx;
    Authorize(ctx, Who::kAdmin);
    v1::RevokeApiKeyRequest req;
    req.set_key_id("0000000000000000");
    v1::RevokeApiKeyResponse resp;
    EXPECT_EQ(admin_->RevokeApiKey(&ctx, req, &resp).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }

  struct Seen {
    std::string principal, role, method, target;
    bool operator==(const Seen&) const = default;
  };
  std::vector<Seen> seen;
  for (const v1::AuditEvent& e : AuditSince(before)) {
    seen.push_back({e.principal(), e.role(), e.method(), e.target()});
  }
  const std::string n2_erased = absl::StrCat(
      "member:sha256:",
      store::ErasureDigest("acme", store::ErasureKind::kMember, "n2"));
  // Newest first; exactly the successful changes.
  EXPECT_THAT(
      seen, ElementsAre(
                Seen{PrincipalOf(Who::kAdmin), "admin",
                     "/rapport.v1.ActivityService/DeleteMember", n2_erased},
                Seen{PrincipalOf(Who::kAdmin), "admin",
                     "/rapport.v1.AdminService/RevokeApiKey",
                     absl::StrCat("key:", key_id)},
                Seen{PrincipalOf(Who::kAdmin), "admin",
                     "/rapport.v1.AdminService/CreateApiKey",
                     absl::StrCat("key:", key_id)},
                Seen{PrincipalOf(Who::kIntegration), "integration",
                     "/rapport.v1.ActivityService/IngestEvents", "events"},
                Seen{PrincipalOf(Who::kIntegration), "integration",
                     "/rapport.v1.ActivityService/UpsertMember", "member:a1"}));
  const std::vector<v1::AuditEvent> batch = AuditSince(before);
  ASSERT_EQ(batch.size(), 5u);
  EXPECT_THAT(batch[3].detail(), HasSubstr("accepted=4"));

  // The other tenant's trail holds none of it.
  for (const v1::AuditEvent& e : Audit(Who::kOtherAdmin)) {
    EXPECT_GT(e.id(), 0);
    EXPECT_NE(e.principal(), PrincipalOf(Who::kAdmin)) << e.ShortDebugString();
    EXPECT_NE(e.principal(), PrincipalOf(Who::kIntegration));
  }
}

TEST_F(PrivacyTest, TheTrailPagesAndFiltersWithoutGapsOrRepeats) {
  const int64_t before = LatestAuditId();
  for (int i = 0; i < 23; ++i) {
    Upsert(i % 2 == 0 ? Who::kAdmin : Who::kIntegration,
           MakeMember(absl::StrCat("p", i), "north"));
    clock_.Advance(absl::Seconds(1));
  }
  v1::ListAuditEventsRequest paged;
  paged.set_page_size(4);
  std::vector<v1::AuditEvent> all = Audit(Who::kAdmin, paged);
  std::vector<int64_t> ids;
  for (const v1::AuditEvent& e : all) {
    if (e.id() > before) ids.push_back(e.id());
  }
  ASSERT_EQ(ids.size(), 23u);
  EXPECT_TRUE(std::is_sorted(ids.rbegin(), ids.rend()));
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());

  v1::ListAuditEventsRequest by_principal;
  by_principal.set_principal(PrincipalOf(Who::kIntegration));
  for (const v1::AuditEvent& e : Audit(Who::kAdmin, by_principal)) {
    EXPECT_EQ(e.principal(), PrincipalOf(Who::kIntegration));
  }
  v1::ListAuditEventsRequest by_target;
  by_target.set_target("member:p7");
  std::vector<v1::AuditEvent> p7 = Audit(Who::kAdmin, by_target);
  ASSERT_EQ(p7.size(), 1u);
  EXPECT_EQ(p7[0].principal(), PrincipalOf(Who::kIntegration));

  // Times: the entries of the last five seconds of upserts.
  v1::ListAuditEventsRequest recent;
  api::ToProtoTime(clock_.Now() - absl::Seconds(5),
                   recent.mutable_start_time());
  std::vector<v1::AuditEvent> last = Audit(Who::kAdmin, recent);
  ASSERT_EQ(last.size(), 5u);
  for (const v1::AuditEvent& e : last) {
    EXPECT_GE(api::FromProtoTime(e.time()), clock_.Now() - absl::Seconds(5));
  }

  // A token used with other filters is refused, naming the field.
  v1::ListAuditEventsRequest first;
  first.set_page_size(2);
  grpc::ClientContext ctx;
  Authorize(ctx, Who::kAdmin);
  v1::ListAuditEventsResponse resp;
  ASSERT_TRUE(admin_->ListAuditEvents(&ctx, first, &resp).ok());
  v1::ListAuditEventsRequest other = by_principal;
  other.set_page_token(resp.next_page_token());
  grpc::ClientContext ctx2;
  Authorize(ctx2, Who::kAdmin);
  grpc::Status status = admin_->ListAuditEvents(&ctx2, other, &resp);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_token"));
}

TEST_F(PrivacyTest, AnErasedMemberLeavesNoTraceAndStaysErased) {
  const std::string id = "erase-me-5c1d";
  Upsert(Who::kAdmin, MakeMember(id, "north"));
  const std::vector<v1::Event> events = Conversation(id, id, "p-9", 10);
  v1::IngestEventsResponse ingested;
  ASSERT_TRUE(Ingest(Who::kIntegration, events, &ingested).ok());
  ASSERT_EQ(ingested.accepted_count(), 10);
  NewKey(Who::kAdmin, v1::ROLE_REP, {}, id);
  // Another member names them as manager.
  v1::Member report = MakeMember("n3", "north");
  report.set_manager(id);
  Upsert(Who::kAdmin, report);
  ASSERT_THAT(Get("/metrics", keys_[Who::kMetrics]).body,
              HasSubstr(absl::StrCat("member=\"", id, "\"")));
  ASSERT_THAT(Get("/?team=north", keys_[Who::kAdmin]).body, HasSubstr(id));
  const std::string db = dir_.File("rapport.db");
  ASSERT_THAT(CellsContaining(db, id), Not(IsEmpty()));

  ASSERT_TRUE(Delete(Who::kAdmin, id).ok());

  EXPECT_THAT(CellsContaining(db, id), IsEmpty());
  EXPECT_THAT(FilesContaining(db, id), IsEmpty());
  EXPECT_THAT(Get("/metrics", keys_[Who::kMetrics]).body, Not(HasSubstr(id)));
  EXPECT_THAT(Get("/?team=north", keys_[Who::kAdmin]).body, Not(HasSubstr(id)));
  // The trail still shows what was done, under the digest.
  v1::ListAuditEventsRequest by_target;
  by_target.set_target(absl::StrCat("member:", id));
  std::vector<v1::AuditEvent> trail = Audit(Who::kAdmin, by_target);
  ASSERT_GE(trail.size(), 2u);  // The upsert and the erasure.
  for (const v1::AuditEvent& e : trail) {
    EXPECT_THAT(e.target(), HasSubstr("member:sha256:"));
  }

  // The CRM sends the events again: refused, naming the deletion.
  v1::IngestEventsResponse again;
  ASSERT_TRUE(Ingest(Who::kIntegration, events, &again).ok());
  EXPECT_EQ(again.accepted_count(), 0);
  ASSERT_EQ(again.rejected_size(), 10);
  for (const v1::RejectedEvent& r : again.rejected()) {
    EXPECT_EQ(r.code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(r.field(), "member_id");
    EXPECT_THAT(r.reason(), HasSubstr("was deleted at"));
  }
  EXPECT_THAT(CellsContaining(db, id), IsEmpty());

  // Created again on purpose, the member takes events again.
  Upsert(Who::kAdmin, MakeMember(id, "north"));
  ASSERT_TRUE(Ingest(Who::kIntegration, events, &again).ok());
  EXPECT_EQ(again.accepted_count(), 10);
}

TEST_F(PrivacyTest, AnEventIdReusedWithAnotherPayloadIsAConflict) {
  std::vector<v1::Event> events = Conversation("k", "n1", "p-2", 3);
  v1::IngestEventsResponse first;
  ASSERT_TRUE(Ingest(Who::kIntegration, events, &first).ok());
  ASSERT_EQ(first.accepted_count(), 3);
  std::vector<v1::Event> resent = events;
  resent[1].mutable_contact()->set_contact_id("p-other");
  api::ToProtoTime(kTestNow - absl::Hours(1), resent[2].mutable_occur_time());
  v1::IngestEventsResponse second;
  ASSERT_TRUE(Ingest(Who::kIntegration, resent, &second).ok());
  EXPECT_EQ(second.accepted_count(), 0);
  EXPECT_EQ(second.duplicate_count(), 1);
  EXPECT_EQ(second.conflicting_count(), 2);
  EXPECT_THAT(second.conflicting_event_ids(),
              ElementsAre(events[1].event_id(), events[2].event_id()));
}

class ReadAuditTest : public PrivacyTest {
 protected:
  void Customize(app::ServerOptions& options) override {
    PrivacyTest::Customize(options);
    options.audit_reads = true;
  }
};

TEST_F(ReadAuditTest, ScoreReadsAreRecordedWhenAsked) {
  auto scoring = v1::ScoringService::NewStub(channel_);
  for (Who who : {Who::kManager, Who::kRep}) {
    grpc::ClientContext ctx;
    Authorize(ctx, who);
    v1::GetScoreRequest req;
    req.set_member_id("n1");
    v1::GetScoreResponse resp;
    ASSERT_TRUE(scoring->GetScore(&ctx, req, &resp).ok());
  }
  v1::ListAuditEventsRequest reads;
  reads.set_target("member:n1");
  std::vector<std::string> readers;
  // Reads are written in batches within a second.
  for (int attempt = 0; attempt < 50 && readers.size() < 2; ++attempt) {
    absl::SleepFor(absl::Milliseconds(100));
    readers.clear();
    for (const v1::AuditEvent& e : Audit(Who::kAdmin, reads)) {
      if (e.method() == "/rapport.v1.ScoringService/GetScore") {
        readers.push_back(e.principal());
      }
    }
  }
  EXPECT_THAT(readers,
              ElementsAre(PrincipalOf(Who::kRep), PrincipalOf(Who::kManager)));
}

}  // namespace
}  // namespace rapport::testing
