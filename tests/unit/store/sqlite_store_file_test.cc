// On-disk behaviour: durability across close and crash, WAL concurrency,
// lock contention and open errors.
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "server/store/sqlite_connection.h"
#include "server/store/sqlite_store.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::store {
namespace {

using model::EventType;
using testing::At;
using testing::Describe;
using testing::MakeContact;
using testing::MakeContactEvent;
using testing::MakeEvent;
using testing::MakeMember;
using testing::MakeMessage;
using testing::OpenStore;
using testing::TempDir;

std::vector<model::Event> SomeEvents(const std::string& member,
                                     const std::string& prefix, int n) {
  std::vector<model::Event> events;
  model::Contact c = MakeContact("c-" + prefix);
  for (int i = 0; i < n; ++i) {
    std::string id = absl::StrCat(prefix, "-", i);
    switch (i % 3) {
      case 0:
        events.push_back(MakeMessage(id, member, "t-" + prefix, c,
                                     EventType::kMessageSent, At(i)));
        break;
      case 1:
        events.push_back(MakeMessage(id, member, "t-" + prefix, c,
                                     EventType::kMessageReceived, At(i)));
        break;
      default:
        events.push_back(
            MakeEvent(id, member, EventType::kReactionReceived, At(i), 2));
    }
  }
  return events;
}

std::unique_ptr<internal::Connection> RawConnection(const std::string& path) {
  auto conn = internal::Connection::Open(
      path, internal::Connection::Access::kReadWrite, absl::Seconds(1));
  EXPECT_TRUE(conn.ok()) << conn.status();
  return conn.ok() ? *std::move(conn) : nullptr;
}

TEST(FileStoreTest, DataSurvivesCloseAndReopen) {
  TempDir dir;
  const std::string path = dir.path() + "/store.db";
  std::string written;
  {
    std::unique_ptr<SqliteStore> store = OpenStore(path);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->UpsertMember("acme", MakeMember("m1"), At(0)).ok());
    ASSERT_TRUE(store->AppendEvents("acme", SomeEvents("m1", "a", 10)).ok());
    written = Describe(*store->ReadActivity("acme", "m1", At(0), At(100)));
  }
  std::unique_ptr<SqliteStore> store = OpenStore(path);
  ASSERT_NE(store, nullptr);
  auto member = store->GetMember("acme", "m1");
  ASSERT_TRUE(member.ok()) << member.status();
  EXPECT_EQ(member->event_count, 10);
  EXPECT_EQ(member->display_name, "Rep m1");
  auto activity = store->ReadActivity("acme", "m1", At(0), At(100));
  ASSERT_TRUE(activity.ok()) << activity.status();
  EXPECT_EQ(Describe(*activity), written);
  EXPECT_EQ(activity->threads.size(), 1u);
}

TEST(FileStoreTest, IdempotentAcrossReopen) {
  TempDir dir;
  const std::string path = dir.path() + "/store.db";
  std::vector<model::Event> events = SomeEvents("m1", "a", 4);
  {
    std::unique_ptr<SqliteStore> store = OpenStore(path);
    ASSERT_TRUE(store->UpsertMember("acme", MakeMember("m1"), At(0)).ok());
    ASSERT_TRUE(store->AppendEvents("acme", events).ok());
  }
  std::unique_ptr<SqliteStore> store = OpenStore(path);
  auto outcomes = store->AppendEvents("acme", events);
  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  EXPECT_EQ(*outcomes,
            std::vector<AppendOutcome>(4, AppendOutcome::kDuplicate));
  EXPECT_EQ(store->GetMember("acme", "m1")->event_count, 4);
}

TEST(FileStoreTest, DatabaseUsesWriteAheadLog) {
  TempDir dir;
  const std::string path = dir.path() + "/store.db";
  ASSERT_NE(OpenStore(path), nullptr);
  auto conn = RawConnection(path);
  auto mode = conn->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok());
  ASSERT_TRUE(*mode->Step());
  EXPECT_EQ(mode->ColumnText(0), "wal");
}

// Another process holds the write lock with uncommitted changes: reads go on
// (and do not see them); a write waits busy_timeout, then fails UNAVAILABLE
// having stored nothing.
TEST(FileStoreTest, ReadsProceedAndWritesFailUnavailableWhileLocked) {
  TempDir dir;
  const std::string path = dir.path() + "/store.db";
  SqliteStoreOptions options;
  options.path = path;
  options.busy_timeout = absl::Milliseconds(50);
  auto opened = SqliteStore::Open(options);
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::unique_ptr<SqliteStore> store = *std::move(opened);
  ASSERT_TRUE(store->UpsertMember("acme", MakeMember("m1"), At(0)).ok());

  auto other = RawConnection(path);
  ASSERT_TRUE(other->Exec("BEGIN IMMEDIATE").ok());
  ASSERT_TRUE(other
                  ->Exec("UPDATE members SET display_name = 'uncommitted' "
                         "WHERE member_id = 'm1'")
                  .ok());

  auto member = store->GetMember("acme", "m1");
  ASSERT_TRUE(member.ok()) << member.status();
  EXPECT_EQ(member->display_name, "Rep m1");
  EXPECT_TRUE(store->ReadActivity("acme", "m1", At(0), At(10)).ok());

  std::vector<model::Event> events = SomeEvents("m1", "a", 3);
  auto blocked = store->AppendEvents("acme", events);
  EXPECT_EQ(blocked.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(blocked.status().message().find(path), std::string::npos);
  EXPECT_EQ(blocked.status().message().find("INSERT"), std::string::npos);
  EXPECT_EQ(
      store->UpsertMember("acme", MakeMember("m2"), At(0)).status().code(),
      absl::StatusCode::kUnavailable);

  ASSERT_TRUE(other->Exec("ROLLBACK").ok());
  auto retried = store->AppendEvents("acme", events);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(*retried, std::vector<AppendOutcome>(3, AppendOutcome::kAccepted));
}

// A failure in the middle of a batch (here an injected trigger) rolls the
// whole batch back and reports INTERNAL without SQLite's message.
TEST(FileStoreTest, FailureMidBatchStoresNothing) {
  TempDir dir;
  const std::string path = dir.path() + "/store.db";
  std::unique_ptr<SqliteStore> store = OpenStore(path);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->UpsertMember("acme", MakeMember("m1"), At(0)).ok());
  {
    auto other = RawConnection(path);
    ASSERT_TRUE(other
                    ->Exec("CREATE TRIGGER boom BEFORE INSERT ON events "
                           "WHEN NEW.event_id = 'boom' "
                           "BEGIN SELECT RAISE(ABORT, 'injected'); END")
                    .ok());
  }
  std::vector<model::Event> events = SomeEvents("m1", "a", 5);
  events.push_back(MakeEvent("boom", "m1", EventType::kPostPublished, At(9)));
  auto failed = store->AppendEvents("acme", events);
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(failed.status().message().find("injected"), std::string::npos);

  EXPECT_EQ(store->GetMember("acme", "m1")->event_count, 0);
  auto activity = store->ReadActivity("acme", "m1", At(0), At(100));
  ASSERT_TRUE(activity.ok());
  EXPECT_EQ(Describe(*activity), "");
  events.pop_back();
  auto retried = store->AppendEvents("acme", events);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(*retried, std::vector<AppendOutcome>(5, AppendOutcome::kAccepted));
}

TEST(FileStoreTest, ConcurrentWritersAndReaders) {
  TempDir dir;
  const std::string path = dir.path() + "/store.db";
  std::unique_ptr<SqliteStore> store = OpenStore(path);
  ASSERT_NE(store, nullptr);
  constexpr int kWriters = 2;
  constexpr int kBatches = 20;
  constexpr int kBatchSize = 9;
  for (int w = 0; w < kWriters; ++w) {
    ASSERT_TRUE(
        store->UpsertMember("acme", MakeMember(absl::StrCat("m", w)), At(0))
            .ok());
  }
  std::atomic<bool> failed{false};
  std::atomic<int> writers_done{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      std::string member = absl::StrCat("m", w);
      for (int b = 0; b < kBatches; ++b) {
        auto events =
            SomeEvents(member, absl::StrCat(member, "b", b), kBatchSize);
        if (!store->AppendEvents("acme", events).ok()) failed = true;
      }
      ++writers_done;
    });
  }
  for (int r = 0; r < 3; ++r) {
    threads.emplace_back([&, r] {
      std::string member = absl::StrCat("m", r % kWriters);
      do {
        if (!store->ReadActivity("acme", member, At(0), At(100)).ok() ||
            !store->ListMembers("acme", ListMembersQuery{}).ok()) {
          failed = true;
        }
      } while (writers_done < kWriters);
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_FALSE(failed);
  for (int w = 0; w < kWriters; ++w) {
    EXPECT_EQ(store->GetMember("acme", absl::StrCat("m", w))->event_count,
              kBatches * kBatchSize);
  }
}

// A writer killed with SIGKILL loses no acknowledged batch and leaves no
// partial one. Each batch goes to its own member, so the member's
// event_count tells whether the batch is there: all of it or none.
TEST(FileStoreTest, KilledWriterLosesNoAcknowledgedBatch) {
  TempDir dir;
  const std::string path = dir.path() + "/store.db";
  constexpr int kBatches = 400;
  constexpr int kBatchSize = 12;
  {
    std::unique_ptr<SqliteStore> store = OpenStore(path);
    for (int b = 0; b < kBatches; ++b) {
      ASSERT_TRUE(
          store->UpsertMember("acme", MakeMember(absl::StrCat("m", b)), At(0))
              .ok());
    }
  }
  int acks[2];
  ASSERT_EQ(pipe(acks), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(acks[0]);
    std::unique_ptr<SqliteStore> store = OpenStore(path);
    for (int b = 0; store != nullptr && b < kBatches; ++b) {
      std::string member = absl::StrCat("m", b);
      if (!store->AppendEvents("acme", SomeEvents(member, member, kBatchSize))
               .ok()) {
        break;
      }
      if (write(acks[1], &b, sizeof b) != sizeof b) break;
    }
    _exit(0);
  }
  close(acks[1]);
  int acked = -1;
  int b;
  while (read(acks[0], &b, sizeof b) == sizeof b) {
    acked = b;
    if (b == 40) kill(child, SIGKILL);  // Mid-stream.
  }
  close(acks[0]);
  int wstatus;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  ASSERT_GE(acked, 40);

  std::unique_ptr<SqliteStore> store = OpenStore(path);
  ASSERT_NE(store, nullptr);
  for (int b = 0; b < kBatches; ++b) {
    auto member = store->GetMember("acme", absl::StrCat("m", b));
    ASSERT_TRUE(member.ok()) << member.status();
    if (b <= acked) {
      EXPECT_EQ(member->event_count, kBatchSize) << "acknowledged batch " << b;
    } else {
      EXPECT_TRUE(member->event_count == 0 || member->event_count == kBatchSize)
          << "torn batch " << b << ": " << member->event_count;
    }
  }
}

TEST(FileStoreTest, OpenErrors) {
  SqliteStoreOptions options;
  EXPECT_EQ(SqliteStore::Open(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.path = ":memory:";
  options.reader_connections = 0;
  EXPECT_EQ(SqliteStore::Open(options).status().code(),
            absl::StatusCode::kInvalidArgument);

  options.reader_connections = 1;
  TempDir dir;
  options.path = dir.path() + "/no/such/dir/store.db";
  auto missing_dir = SqliteStore::Open(options);
  EXPECT_EQ(missing_dir.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(missing_dir.status().message().find("/no/such"), std::string::npos);

  options.path = dir.path() + "/garbage.db";
  {
    std::ofstream garbage(options.path);
    garbage << std::string(8192, 'x');
  }
  EXPECT_EQ(SqliteStore::Open(options).status().code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace rapport::store
