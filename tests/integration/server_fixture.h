// Starts a RapportServer in-process on a loopback port chosen by the kernel,
// over a fresh database file, with a fake clock, and gives generated stubs.
#ifndef RAPPORT_TESTS_INTEGRATION_SERVER_FIXTURE_H_
#define RAPPORT_TESTS_INTEGRATION_SERVER_FIXTURE_H_

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "rapport/v1/activity.grpc.pb.h"
#include "server/api/convert.h"
#include "server/app/server.h"
#include "server/common/clock.h"
#include "tests/common/temp_dir.h"
#include "tests/integration/test_data.h"

namespace rapport::testing {

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(); }

  void StartServer() {
    if (db_path_.empty()) db_path_ = dir_.File("rapport.db");
    app::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.db_path = db_path_;
    options.activity.max_batch_events = 100;
    options.max_message_bytes = 64 * 1024;
    options.board.refresh_interval = absl::ZeroDuration();
    options.history_interval =
        absl::ZeroDuration();  // RecordHistory() instead.
    // TrackScoreChanges() instead.
    options.score_changes_interval = absl::ZeroDuration();
    Customize(options);
    auto server = app::RapportServer::Start(options, &clock_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
    activity_ = v1::ActivityService::NewStub(channel_);
  }

  void RestartServer() {
    server_->Shutdown(absl::Seconds(1));
    server_.reset();
    StartServer();
  }

  virtual void Customize(app::ServerOptions&) {}

  grpc::Status Upsert(const v1::Member& m, v1::UpsertMemberResponse* out) {
    grpc::ClientContext ctx;
    v1::UpsertMemberRequest req;
    *req.mutable_member() = m;
    return activity_->UpsertMember(&ctx, req, out);
  }

  // Streams `batches` in one IngestEvents call.
  grpc::Status Ingest(const std::vector<std::vector<v1::Event>>& batches,
                      v1::IngestEventsResponse* out) {
    grpc::ClientContext ctx;
    auto writer = activity_->IngestEvents(&ctx, out);
    for (const auto& batch : batches) {
      v1::IngestEventsRequest req;
      for (const auto& e : batch) *req.add_events() = e;
      if (!writer->Write(req)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  }

  // Ingests `events` in batches of at most 100 (the fixture's
  // max_batch_events) in one call, and expects every one accepted.
  void Load(const std::vector<v1::Event>& events) {
    std::vector<std::vector<v1::Event>> batches;
    for (size_t i = 0; i < events.size(); i += 100) {
      batches.emplace_back(events.begin() + i,
                           events.begin() + std::min(events.size(), i + 100));
    }
    v1::IngestEventsResponse resp;
    ASSERT_TRUE(Ingest(batches, &resp).ok());
    ASSERT_EQ(resp.rejected_count(), 0) << resp.ShortDebugString();
  }

  TempDir dir_;
  FakeClock clock_{kTestNow};
  std::string db_path_;
  std::unique_ptr<app::RapportServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ActivityService::Stub> activity_;
};

}  // namespace rapport::testing

#endif  // RAPPORT_TESTS_INTEGRATION_SERVER_FIXTURE_H_
