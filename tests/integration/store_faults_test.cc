// Storage failures as clients see them: the real server, over a FaultStore
// whose methods fail with the statuses SqliteStore gives for busy, I/O,
// corrupt and full databases and for anything else, called through real
// gRPC stubs. Each RPC must return the storage status's code, with a
// message free of internals (no SQL, no file paths), and work again once
// storage recovers.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "rapport/v1/outreach.grpc.pb.h"
#include "rapport/v1/recommendation.grpc.pb.h"
#include "rapport/v1/scoring.grpc.pb.h"
#include "server/store/sqlite_store.h"
#include "tests/common/fault_store.h"
#include "tests/integration/server_fixture.h"

namespace rapport::testing {
namespace {

struct Fault {
  absl::StatusCode code;
  std::string message;
};

// What SqliteStore returns for SQLite's failures (server/store/
// sqlite_status.cc): BUSY/LOCKED, IOERR/CANTOPEN, CORRUPT/NOTADB, FULL, and
// any other code.
const Fault kFaults[] = {
    {absl::StatusCode::kUnavailable, "storage is busy; retry later"},
    {absl::StatusCode::kUnavailable, "storage I/O error"},
    {absl::StatusCode::kDataLoss, "storage is corrupt"},
    {absl::StatusCode::kResourceExhausted, "storage is full"},
    {absl::StatusCode::kInternal, "internal storage error"},
};

// True when `message` shows no SQL and no path.
bool FreeOfInternals(const std::string& message) {
  std::string m = absl::AsciiStrToLower(message);
  absl::StrReplaceAll({{"i/o", "io"}}, &m);  // Not a path.
  for (const char* needle :
       {"select ", "insert ", "update ", "delete from", "sqlite", " from ",
        " where ", "/", "\\", ".db", "rapport_"}) {
    if (absl::StrContains(m, needle)) return false;
  }
  return true;
}

class StoreFaultsTest : public ServerTest {
 protected:
  void SetUp() override {
    store::SqliteStoreOptions store_options;
    store_options.path = dir_.File("rapport.db");
    auto sqlite = store::SqliteStore::Open(store_options);
    ASSERT_TRUE(sqlite.ok()) << sqlite.status();
    auto faults = std::make_unique<FaultStore>(*std::move(sqlite));
    faults_ = faults.get();  // Owned by the server from here on.

    app::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.board.refresh_interval = absl::ZeroDuration();
    options.history_interval = absl::ZeroDuration();
    auto server =
        app::RapportServer::Start(options, &clock_, std::move(faults));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
    activity_ = v1::ActivityService::NewStub(channel_);
    scoring_ = v1::ScoringService::NewStub(channel_);
    outreach_ = v1::OutreachService::NewStub(channel_);
    recommend_ = v1::RecommendationService::NewStub(channel_);

    std::vector<v1::Event> events;
    for (int i = 1; i <= 6; ++i) {
      const std::string id = absl::StrCat("m", i);
      v1::UpsertMemberResponse upserted;
      ASSERT_TRUE(Upsert(MakeMember(id, "alpha"), &upserted).ok());
      for (int k = 0; k < i; ++k) {
        events.push_back(MakeEvent(absl::StrCat(id, "-e", k), id,
                                   clock_.Now() - absl::Hours(5 * k + 1)));
      }
    }
    v1::IngestEventsResponse ingested;
    ASSERT_TRUE(Ingest({events}, &ingested).ok());
    ASSERT_EQ(ingested.accepted_count(), static_cast<int64_t>(events.size()));
    ASSERT_TRUE(server_->RecordHistory().ok());
  }

  // One call of each RPC that reads or writes storage, by name.
  std::vector<std::pair<std::string, grpc::Status>> CallEach() {
    std::vector<std::pair<std::string, grpc::Status>> out;
    {
      v1::UpsertMemberResponse resp;
      v1::Member m = MakeMember("m1", "alpha");
      m.set_display_name(absl::StrCat("Renamed ", ++renames_));
      out.emplace_back("UpsertMember", Upsert(m, &resp));
    }
    {
      v1::IngestEventsResponse resp;
      out.emplace_back(
          "IngestEvents",
          Ingest({{MakeEvent(absl::StrCat("late-", ++late_events_), "m2",
                             clock_.Now() - absl::Hours(2))}},
                 &resp));
    }
    {
      grpc::ClientContext ctx;
      v1::GetScoreRequest req;
      req.set_member_id("m3");
      v1::GetScoreResponse resp;
      out.emplace_back("GetScore", scoring_->GetScore(&ctx, req, &resp));
    }
    {
      grpc::ClientContext ctx;
      v1::GetLeaderboardRequest req;
      req.set_team("alpha");
      v1::GetLeaderboardResponse resp;
      out.emplace_back("GetLeaderboard",
                       scoring_->GetLeaderboard(&ctx, req, &resp));
    }
    {
      grpc::ClientContext ctx;
      v1::GetScoreHistoryRequest req;
      req.set_member_id("m4");
      v1::GetScoreHistoryResponse resp;
      out.emplace_back("GetScoreHistory",
                       scoring_->GetScoreHistory(&ctx, req, &resp));
    }
    {
      grpc::ClientContext ctx;
      v1::GetOutreachEffectivenessRequest req;
      req.set_member_id("m5");
      v1::GetOutreachEffectivenessResponse resp;
      out.emplace_back("GetOutreachEffectiveness",
                       outreach_->GetOutreachEffectiveness(&ctx, req, &resp));
    }
    {
      grpc::ClientContext ctx;
      v1::GetRecommendationsRequest req;
      req.set_member_id("m6");
      v1::GetRecommendationsResponse resp;
      out.emplace_back("GetRecommendations",
                       recommend_->GetRecommendations(&ctx, req, &resp));
    }
    return out;
  }

  FaultStore* faults_ = nullptr;
  std::unique_ptr<v1::ScoringService::Stub> scoring_;
  std::unique_ptr<v1::OutreachService::Stub> outreach_;
  std::unique_ptr<v1::RecommendationService::Stub> recommend_;
  int renames_ = 0;
  int late_events_ = 0;
};

TEST_F(StoreFaultsTest, EveryRpcWorksWithHealthyStorage) {
  for (const auto& [rpc, status] : CallEach()) {
    EXPECT_TRUE(status.ok())
        << rpc << ": " << status.error_code() << " " << status.error_message();
  }
}

TEST_F(StoreFaultsTest, StorageFailuresReachClientsWithTheirCode) {
  for (const Fault& fault : kFaults) {
    SCOPED_TRACE(fault.message);
    // A new day: cached boards are of yesterday, so reads go to storage.
    clock_.Advance(absl::Hours(24));
    faults_->FailAll(absl::Status(fault.code, fault.message));
    for (const auto& [rpc, status] : CallEach()) {
      EXPECT_EQ(status.error_code(), static_cast<grpc::StatusCode>(fault.code))
          << rpc << ": " << status.error_message();
      EXPECT_EQ(status.error_message(), fault.message) << rpc;
      EXPECT_TRUE(FreeOfInternals(status.error_message()))
          << rpc << ": " << status.error_message();
    }
    faults_->HealAll();
    for (const auto& [rpc, status] : CallEach()) {
      EXPECT_TRUE(status.ok())
          << "after recovery, " << rpc << ": " << status.error_code() << " "
          << status.error_message();
    }
  }
}

// Each RPC fails with the code of the one storage method it needs, even
// when every other method works: no failure is masked or re-coded on the
// way (for example as NOT_FOUND or INVALID_ARGUMENT).
TEST_F(StoreFaultsTest, OneFailingMethodIsEnoughAndKeepsItsCode) {
  struct Case {
    StoreOp op;
    std::vector<std::string> rpcs;  // The RPCs that must fail.
  };
  const Case cases[] = {
      {StoreOp::kUpsertMember, {"UpsertMember"}},
      {StoreOp::kAppendEvents, {"IngestEvents"}},
      {StoreOp::kReadActivity,
       {"GetScore", "GetLeaderboard", "GetOutreachEffectiveness",
        "GetRecommendations"}},
      {StoreOp::kReadScoreHistory, {"GetScoreHistory"}},
  };
  for (const Case& c : cases) {
    for (const Fault& fault : kFaults) {
      SCOPED_TRACE(absl::StrCat(static_cast<int>(c.op), " ", fault.message));
      clock_.Advance(absl::Hours(24));
      faults_->Fail(c.op, absl::Status(fault.code, fault.message));
      for (const auto& [rpc, status] : CallEach()) {
        const bool must_fail =
            std::find(c.rpcs.begin(), c.rpcs.end(), rpc) != c.rpcs.end();
        if (!must_fail) continue;
        EXPECT_EQ(status.error_code(),
                  static_cast<grpc::StatusCode>(fault.code))
            << rpc << ": " << status.error_message();
        EXPECT_EQ(status.error_message(), fault.message) << rpc;
      }
      faults_->HealAll();
    }
  }
}

// A batch that storage fails to commit ends the stream with the storage
// code and leaves nothing behind: the same event is new on a retry.
TEST_F(StoreFaultsTest, FailedIngestBatchStoresNothing) {
  faults_->Fail(StoreOp::kAppendEvents,
                absl::ResourceExhaustedError("storage is full"));
  v1::IngestEventsResponse resp;
  grpc::Status s = Ingest({{MakeEvent("x1", "m1", clock_.Now())}}, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(s.error_message(), "storage is full");
  faults_->HealAll();
  // Retrying the same event is accepted once storage recovers: nothing of
  // the failed batch was stored.
  grpc::Status again = Ingest({{MakeEvent("x1", "m1", clock_.Now())}}, &resp);
  ASSERT_TRUE(again.ok()) << again.error_message();
  EXPECT_EQ(resp.accepted_count(), 1);
  EXPECT_EQ(resp.duplicate_count(), 0);
}

// A store that forwarded its driver's text (SQL, paths) still leaks none of
// it: the edge passes only the Store's client texts (store/errors.h) of a
// server-side code and answers any other with a generic text of the code.
TEST_F(StoreFaultsTest, DriverTextFromStorageNeverReachesClients) {
  clock_.Advance(absl::Hours(24));
  faults_->FailAll(absl::UnavailableError(
      "disk I/O error in /var/lib/rapport/rapport.db while running "
      "INSERT INTO events (tenant, event_id) VALUES (?, ?)"));
  for (const auto& [rpc, status] : CallEach()) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << rpc;
    EXPECT_TRUE(FreeOfInternals(status.error_message()))
        << rpc << ": " << status.error_message();
  }
}

}  // namespace
}  // namespace rapport::testing
