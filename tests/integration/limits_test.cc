// The writer's limits through the real server over a FaultStore whose
// writes can be held (a stalled disk): a full write queue answers
// RESOURCE_EXHAUSTED with a retry hint and stores nothing of the refused
// batches; a write whose caller's deadline passed while it waited is not
// applied; health and cached scores are answered while writes are held;
// and Shutdown returns while the store is stalled, refusing the queued
// writes, with every acknowledged write kept.
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "rapport/v1/scoring.grpc.pb.h"
#include "server/store/sqlite_store.h"
#include "tests/common/fault_store.h"
#include "tests/integration/server_fixture.h"

namespace rapport::testing {
namespace {

constexpr absl::Duration kPatience = absl::Seconds(30);
constexpr int kMaxQueuedWrites = 2;

struct WriteOutcome {
  grpc::Status status;
  v1::WriteEventsResponse response;
  std::optional<std::string> pushback_ms;
  // Set once the fields above are: they may be read from then on.
  std::atomic<bool> done{false};
};

class LimitsTest : public ServerTest {
 protected:
  // Members m1 and m2 through the fixture's server, then the server again
  // over a FaultStore on the same database.
  void SetUp() override {
    ServerTest::SetUp();
    for (const char* id : {"m1", "m2"}) {
      v1::UpsertMemberResponse upserted;
      ASSERT_TRUE(Upsert(MakeMember(id, "alpha"), &upserted).ok());
    }
    server_->Shutdown(absl::Seconds(1));
    server_.reset();
    store::SqliteStoreOptions store_options;
    store_options.path = db_path_;
    auto sqlite = store::SqliteStore::Open(store_options);
    ASSERT_TRUE(sqlite.ok()) << sqlite.status();
    auto faults = std::make_unique<FaultStore>(*std::move(sqlite));
    faults_ = faults.get();  // Owned by the server from here on.
    app::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.history_interval = absl::ZeroDuration();
    options.score_changes_interval = absl::ZeroDuration();
    options.retention_interval = absl::ZeroDuration();
    options.max_queued_writes = kMaxQueuedWrites;
    auto server =
        app::RapportServer::Start(options, &clock_, std::move(faults));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
    activity_ = v1::ActivityService::NewStub(channel_);
    scoring_ = v1::ScoringService::NewStub(channel_);
  }

  void TearDown() override {
    // A test that failed half-way may leave writes held.
    if (faults_ != nullptr) faults_->OpenWriteGate();
  }

  // `n` events of m1 named "<tag>-<i>".
  std::vector<v1::Event> Events(const std::string& tag, int n) {
    std::vector<v1::Event> events;
    for (int i = 0; i < n; ++i) {
      events.push_back(MakeEvent(absl::StrCat(tag, "-", i), "m1",
                                 clock_.Now() - absl::Hours(i + 1)));
    }
    return events;
  }

  void Write(const std::vector<v1::Event>& events, WriteOutcome* out,
             absl::Duration deadline = kPatience) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     absl::ToChronoMilliseconds(deadline));
    v1::WriteEventsRequest req;
    for (const v1::Event& e : events) *req.add_events() = e;
    out->status = activity_->WriteEvents(&ctx, req, &out->response);
    const auto& trailers = ctx.GetServerTrailingMetadata();
    if (auto it = trailers.find("grpc-retry-pushback-ms");
        it != trailers.end()) {
      out->pushback_ms = std::string(it->second.data(), it->second.size());
    }
    out->done = true;
  }

  // Starts a write of `events` on a thread of its own.
  std::thread WriteLater(std::vector<v1::Event> events, WriteOutcome* out) {
    return std::thread(
        [this, events = std::move(events), out] { Write(events, out); });
  }

  FaultStore* faults_ = nullptr;
  std::unique_ptr<v1::ScoringService::Stub> scoring_;
};

TEST_F(LimitsTest, AFullWriteQueueRefusesWithARetryHintAndStoresNothingOfIt) {
  faults_->CloseWriteGate();
  WriteOutcome held;
  std::thread first = WriteLater(Events("held", 3), &held);
  ASSERT_TRUE(faults_->AwaitWritesHeld(1, kPatience));
  // The writer is held: the next kMaxQueuedWrites wait, the others are
  // refused at once.
  constexpr int kMore = kMaxQueuedWrites + 3;
  std::vector<WriteOutcome> more(kMore);
  std::vector<std::thread> threads;
  for (int i = 0; i < kMore; ++i) {
    threads.push_back(WriteLater(Events(absl::StrCat("more", i), 2), &more[i]));
  }
  // The refused ones answer while the gate is still closed.
  std::vector<int> refused;
  const absl::Time give_up = absl::Now() + kPatience;
  while (static_cast<int>(refused.size()) < kMore - kMaxQueuedWrites &&
         absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(20));
    refused.clear();
    for (int i = 0; i < kMore; ++i) {
      if (more[i].done &&
          more[i].status.error_code() == grpc::RESOURCE_EXHAUSTED) {
        refused.push_back(i);
      }
    }
  }
  ASSERT_EQ(static_cast<int>(refused.size()), kMore - kMaxQueuedWrites);
  faults_->OpenWriteGate();
  first.join();
  for (std::thread& t : threads) t.join();
  EXPECT_TRUE(held.status.ok()) << held.status.error_message();
  EXPECT_EQ(held.response.accepted_count(), 3);
  for (int i = 0; i < kMore; ++i) {
    const WriteOutcome& o = more[i];
    if (o.status.error_code() == grpc::RESOURCE_EXHAUSTED) {
      EXPECT_TRUE(absl::StrContains(o.status.error_message(), "retry in"))
          << o.status.error_message();
      ASSERT_TRUE(o.pushback_ms.has_value());
      int ms = 0;
      EXPECT_TRUE(absl::SimpleAtoi(*o.pushback_ms, &ms)) << *o.pushback_ms;
      EXPECT_GT(ms, 0);
      // Nothing of a refused batch was stored: sent again, it is new.
      WriteOutcome again;
      Write(Events(absl::StrCat("more", i), 2), &again);
      ASSERT_TRUE(again.status.ok()) << again.status.error_message();
      EXPECT_EQ(again.response.accepted_count(), 2);
      EXPECT_EQ(again.response.duplicate_count(), 0);
    } else {
      ASSERT_TRUE(o.status.ok()) << o.status.error_message();
      EXPECT_EQ(o.response.accepted_count(), 2);
    }
  }
}

TEST_F(LimitsTest, AWriteWhoseDeadlinePassedWhileQueuedIsNotApplied) {
  faults_->CloseWriteGate();
  WriteOutcome held;
  std::thread first = WriteLater(Events("held", 1), &held);
  ASSERT_TRUE(faults_->AwaitWritesHeld(1, kPatience));
  const int appends_before = faults_->append_events_calls();
  // Waits behind the held write until its deadline passes.
  WriteOutcome late;
  Write(Events("late", 4), &late, absl::Milliseconds(300));
  EXPECT_EQ(late.status.error_code(), grpc::DEADLINE_EXCEEDED);
  faults_->OpenWriteGate();
  first.join();
  ASSERT_TRUE(held.status.ok()) << held.status.error_message();
  // The late batch never reached the store: sent again, every event is new.
  WriteOutcome again;
  Write(Events("late", 4), &again);
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  EXPECT_EQ(again.response.accepted_count(), 4);
  EXPECT_EQ(again.response.duplicate_count(), 0);
  // The held write and the retry; not the late one.
  EXPECT_EQ(faults_->append_events_calls() - appends_before, 2);
}

// Extends ServingTest's promise to a stalled writer: writes held and queued
// do not hold gRPC's callback threads.
TEST_F(LimitsTest, HealthAndScoresAnswerWhileWritesAreHeld) {
  faults_->CloseWriteGate();
  // One write held by the store, then a full queue behind it.
  std::vector<WriteOutcome> outcomes(kMaxQueuedWrites + 1);
  std::vector<std::thread> threads;
  threads.push_back(WriteLater(Events("w0", 1), &outcomes[0]));
  ASSERT_TRUE(faults_->AwaitWritesHeld(1, kPatience));
  for (int i = 1; i <= kMaxQueuedWrites; ++i) {
    threads.push_back(
        WriteLater(Events(absl::StrCat("w", i), 1), &outcomes[i]));
  }
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     absl::ToChronoMilliseconds(kPatience));
    v1::GetScoreRequest req;
    req.set_member_id("m2");
    v1::GetScoreResponse got;
    grpc::Status s = scoring_->GetScore(&ctx, req, &got);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(got.score().member_id(), "m2");
  }
  faults_->OpenWriteGate();
  for (std::thread& t : threads) t.join();
  for (const WriteOutcome& o : outcomes) {
    EXPECT_TRUE(o.status.ok()) << o.status.error_message();
  }
}

TEST_F(LimitsTest, ShutdownReturnsWhileTheStoreIsStalledAndKeepsAcknowledged) {
  WriteOutcome acknowledged;
  Write(Events("acked", 5), &acknowledged);
  ASSERT_TRUE(acknowledged.status.ok()) << acknowledged.status.error_message();
  faults_->CloseWriteGate();
  WriteOutcome held;
  std::thread first = WriteLater(Events("held", 1), &held);
  ASSERT_TRUE(faults_->AwaitWritesHeld(1, kPatience));
  std::vector<WriteOutcome> queued(kMaxQueuedWrites);
  std::vector<std::thread> threads;
  for (int i = 0; i < kMaxQueuedWrites; ++i) {
    threads.push_back(
        WriteLater(Events(absl::StrCat("queued", i), 1), &queued[i]));
  }
  absl::SleepFor(absl::Milliseconds(200));  // Lets them reach the queue.
  absl::Notification returned;
  bool stopped = true;
  std::thread stopper([&] {
    stopped = server_->Shutdown(absl::Milliseconds(300));
    returned.Notify();
  });
  // A watchdog, not a timing: the store stays stalled until Shutdown
  // returns, so without the bound it would never return.
  const bool in_time = returned.WaitForNotificationWithTimeout(kPatience);
  faults_->OpenWriteGate();
  stopper.join();
  first.join();
  for (std::thread& t : threads) t.join();
  ASSERT_TRUE(in_time) << "Shutdown waited for the stalled store";
  EXPECT_FALSE(stopped) << "the store was still stalled";
  for (const WriteOutcome& o : queued) {
    EXPECT_EQ(o.status.error_code(), grpc::UNAVAILABLE);
    EXPECT_TRUE(absl::StrContains(o.status.error_message(), "shutting down"))
        << o.status.error_message();
  }
  EXPECT_EQ(held.status.error_code(), grpc::UNAVAILABLE);
  server_.reset();
  faults_ = nullptr;

  // Every acknowledged event is there after a restart: sent again, each is
  // a duplicate.
  StartServer();
  WriteOutcome again;
  Write(Events("acked", 5), &again);
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  EXPECT_EQ(again.response.duplicate_count(), 5);
  EXPECT_EQ(again.response.accepted_count(), 0);
}

}  // namespace
}  // namespace rapport::testing
