// SqliteStore::Backup and RestoreDatabase: consistent copies while writes go
// on, the name and disk errors, and restoring (refusing a database in use or
// a damaged backup, and handling the replaced database's log).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/clock.h"
#include "server/store/restore.h"
#include "server/store/sqlite_connection.h"
#include "server/store/sqlite_store.h"
#include "tests/common/fault_vfs.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::store {
namespace {

using model::EventType;
using ::rapport::testing::FaultVfs;
using testing::At;
using ::testing::HasSubstr;
using testing::MakeContact;
using testing::MakeMember;
using testing::MakeMessage;
using testing::OpenStore;
using testing::TempDir;

// Batch `b` of member `member`: `n` events, ids "<member>-b<b>-<i>".
std::vector<model::Event> Batch(const std::string& member, int b, int n) {
  std::vector<model::Event> events;
  const model::Contact contact = MakeContact(absl::StrCat("c-", b % 7));
  for (int i = 0; i < n; ++i) {
    events.push_back(MakeMessage(
        absl::StrCat(member, "-b", b, "-", i), member, absl::StrCat("t-", b),
        contact,
        i % 2 == 0 ? EventType::kMessageSent : EventType::kMessageReceived,
        At(b * 10 + i)));
  }
  return events;
}

std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::unique_ptr<internal::Connection> Raw(const std::string& path) {
  auto conn = internal::Connection::Open(
      path, internal::Connection::Access::kReadWrite, absl::Seconds(1));
  EXPECT_TRUE(conn.ok()) << conn.status();
  return conn.ok() ? *std::move(conn) : nullptr;
}

// Every event id in the database at `path`.
std::set<std::string> EventIds(const std::string& path) {
  std::set<std::string> ids;
  auto conn = Raw(path);
  auto select = conn->Prepare("SELECT tenant || '/' || event_id FROM events");
  EXPECT_TRUE(select.ok());
  while (*select->Step()) ids.insert(select->ColumnText(0));
  return ids;
}

// Members whose maintained event_count differs from their events.
std::vector<std::string> MiscountedMembers(const std::string& path) {
  std::vector<std::string> bad;
  auto conn = Raw(path);
  auto select = conn->Prepare(
      "SELECT m.tenant, m.member_id, m.event_count, "
      "(SELECT count(*) FROM events e WHERE e.tenant = m.tenant AND "
      "e.member_id = m.member_id) FROM members m");
  EXPECT_TRUE(select.ok());
  while (*select->Step()) {
    if (select->ColumnInt64(2) != select->ColumnInt64(3)) {
      bad.push_back(
          absl::StrCat(select->ColumnText(0), "/", select->ColumnText(1)));
    }
  }
  return bad;
}

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directory(backups_);
    store_ = OpenStore(db_);
    ASSERT_NE(store_, nullptr);
    for (const std::string tenant : {"acme", "globex"}) {
      for (int m = 0; m < 3; ++m) {
        const std::string member = absl::StrCat("m", m);
        ASSERT_TRUE(
            store_->UpsertMember(tenant, MakeMember(member), At(0)).ok());
        ASSERT_TRUE(store_->AppendEvents(tenant, Batch(member, m, 5)).ok());
      }
    }
  }

  TempDir dir_;
  const std::string db_ = dir_.File("rapport.db");
  const std::string backups_ = dir_.File("backups");
  FakeClock clock_{At(1000)};
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(BackupTest, CopiesEveryTenantIntoOneCheckedFile) {
  absl::StatusOr<BackupResult> backup =
      store_->Backup(backups_, "first.db", clock_);
  ASSERT_TRUE(backup.ok()) << backup.status();
  const std::string path = backups_ + "/first.db";
  EXPECT_EQ(FilesIn(backups_), std::vector<std::string>{"first.db"})
      << "one file: no journal, log or temporary file beside it";
  EXPECT_EQ(backup->size_bytes,
            static_cast<int64_t>(std::filesystem::file_size(path)));
  EXPECT_EQ(backup->event_count, 30);
  EXPECT_EQ(backup->snapshot_time, clock_.Now());
  EXPECT_EQ(EventIds(path), EventIds(db_));
  // A store opens the copy and serves what the original served.
  std::unique_ptr<SqliteStore> copy = OpenStore(path);
  ASSERT_NE(copy, nullptr);
  for (const std::string tenant : {"acme", "globex"}) {
    for (const std::string member : {"m0", "m1", "m2"}) {
      EXPECT_EQ(testing::Describe(
                    *copy->ReadActivity(tenant, member, At(0), At(100))),
                testing::Describe(
                    *store_->ReadActivity(tenant, member, At(0), At(100))));
    }
  }
}

TEST_F(BackupTest, NamesAreCheckedAndNeverReused) {
  for (const std::string& bad : std::vector<std::string>{
           "", ".hidden", "a/b", "../up", "sp ace", "tab\t",
           std::string(101, 'a'), "caf\xc3\xa9"}) {
    absl::StatusOr<BackupResult> backup = store_->Backup(backups_, bad, clock_);
    EXPECT_EQ(backup.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_THAT(backup.status().message(), HasSubstr("name")) << bad;
  }
  ASSERT_TRUE(store_->Backup(backups_, std::string(100, 'a'), clock_).ok());
  ASSERT_TRUE(store_->Backup(backups_, "Weekly_2026-11-30.v1.db", clock_).ok());
  const std::uintmax_t size =
      std::filesystem::file_size(backups_ + "/Weekly_2026-11-30.v1.db");
  ASSERT_TRUE(store_->AppendEvents("acme", Batch("m0", 50, 5)).ok());
  EXPECT_EQ(store_->Backup(backups_, "Weekly_2026-11-30.v1.db", clock_)
                .status()
                .code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(std::filesystem::file_size(backups_ + "/Weekly_2026-11-30.v1.db"),
            size)
      << "the existing backup is untouched";
  EXPECT_EQ(FilesIn(backups_).size(), 2u);
  EXPECT_EQ(
      store_->Backup(dir_.File("missing"), "x.db", clock_).status().code(),
      absl::StatusCode::kFailedPrecondition);
}

TEST_F(BackupTest, AFullDiskLeavesNothingBehindAndTheStoreServesOn) {
  for (int b = 100; b < 140; ++b) {
    ASSERT_TRUE(store_->AppendEvents("acme", Batch("m1", b, 20)).ok());
  }
  store_.reset();
  {
    // Past 16 pages the backup directory's disk is full; the database's
    // own disk is not.
    FaultVfs& vfs = FaultVfs::Install();
    SqliteStoreOptions options;
    options.path = db_;
    options.reader_connections = 2;
    options.vfs = FaultVfs::kName;
    absl::StatusOr<std::unique_ptr<SqliteStore>> store =
        SqliteStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    const int64_t failed_before = vfs.failures();
    vfs.Add({.ops = ::rapport::testing::kFaultWrite,
             .path_prefix = backups_ + "/",
             .error = ENOSPC,
             .skip = 16});
    absl::StatusOr<BackupResult> backup =
        (*store)->Backup(backups_, "full.db", clock_);
    vfs.Heal();
    EXPECT_EQ(backup.status().code(), absl::StatusCode::kResourceExhausted)
        << backup.status();
    EXPECT_THAT(backup.status().message(), HasSubstr("full"));
    EXPECT_GT(vfs.failures(), failed_before);
    EXPECT_TRUE(FilesIn(backups_).empty()) << "the partial file is removed";
    EXPECT_TRUE((*store)->AppendEvents("acme", Batch("m2", 200, 3)).ok());
  }
  // With room again the same name works.
  store_ = OpenStore(db_);
  ASSERT_NE(store_, nullptr);
  EXPECT_TRUE(store_->Backup(backups_, "full.db", clock_).ok());
}

// A clock that notes, when the backup reads it (its snapshot), how many
// batches had returned and how many had begun.
class SnapshotClock final : public Clock {
 public:
  SnapshotClock(const std::atomic<int>* acked, const std::atomic<int>* begun)
      : acked_(acked), begun_(begun) {}
  absl::Time Now() const override {
    acked_at_ = acked_->load();
    begun_at_ = begun_->load();
    return At(5000);
  }
  int acked_at() const { return acked_at_; }
  int begun_at() const { return begun_at_; }

 private:
  const std::atomic<int>* acked_;
  const std::atomic<int>* begun_;
  mutable std::atomic<int> acked_at_{-1};
  mutable std::atomic<int> begun_at_{-1};
};

TEST_F(BackupTest, ABackupTakenWhileAnotherThreadWritesIsOneSnapshot) {
  // Enough data that the copy takes a while.
  for (int b = 10; b < 60; ++b) {
    ASSERT_TRUE(store_->AppendEvents("globex", Batch("m0", b, 200)).ok());
  }
  std::atomic<int> begun{0}, acked{0};
  std::atomic<bool> stop{false};
  constexpr int kPerBatch = 7;
  std::thread writer([&] {
    for (int b = 0; !stop.load(); ++b) {
      begun.store(b + 1);
      const std::string member = absl::StrCat("m", b % 3);
      ASSERT_TRUE(
          store_->AppendEvents("acme", Batch(member, 1000 + b, kPerBatch))
              .ok());
      acked.store(b + 1);
    }
  });
  while (acked.load() < 5) std::this_thread::yield();
  SnapshotClock clock(&acked, &begun);
  absl::StatusOr<BackupResult> backup =
      store_->Backup(backups_, "busy.db", clock);
  const int acked_after = acked.load();
  stop.store(true);
  writer.join();
  ASSERT_TRUE(backup.ok()) << backup.status();
  const std::string path = backups_ + "/busy.db";
  const std::set<std::string> ids = EventIds(path);
  EXPECT_EQ(backup->event_count, static_cast<int64_t>(ids.size()));
  // Every batch that returned before the snapshot is whole in the copy; none
  // that began after it is there; none is there in part.
  for (int b = 0; b < acked_after; ++b) {
    int present = 0;
    const std::string member = absl::StrCat("m", b % 3);
    for (int i = 0; i < kPerBatch; ++i) {
      present +=
          ids.count(absl::StrCat("acme/", member, "-b", 1000 + b, "-", i));
    }
    if (b < clock.acked_at()) {
      EXPECT_EQ(present, kPerBatch) << "batch " << b << " was acknowledged";
    } else if (b >= clock.begun_at()) {
      EXPECT_EQ(present, 0) << "batch " << b << " began after the snapshot";
    } else {
      EXPECT_TRUE(present == 0 || present == kPerBatch) << "batch " << b;
    }
  }
  EXPECT_TRUE(MiscountedMembers(path).empty())
      << "aggregates agree with the events copied";
  EXPECT_GE(clock.acked_at(), 5);
}

TEST(MemoryBackupTest, AnInMemoryStoreIsCopiedToo) {
  TempDir dir;
  std::unique_ptr<SqliteStore> store = testing::OpenMemoryStore();
  ASSERT_TRUE(store->UpsertMember("acme", MakeMember("m1"), At(0)).ok());
  ASSERT_TRUE(store->AppendEvents("acme", Batch("m1", 1, 4)).ok());
  FakeClock clock(At(10));
  absl::StatusOr<BackupResult> backup =
      store->Backup(dir.path(), "m.db", clock);
  ASSERT_TRUE(backup.ok()) << backup.status();
  EXPECT_EQ(backup->event_count, 4);
  EXPECT_EQ(EventIds(dir.File("m.db")).size(), 4u);
}

class RestoreTest : public BackupTest {
 protected:
  void SetUp() override {
    BackupTest::SetUp();
    ASSERT_TRUE(store_->Backup(backups_, "b.db", clock_).ok());
    backup_ = backups_ + "/b.db";
    backed_up_ = EventIds(backup_);
  }
  std::string backup_;
  std::set<std::string> backed_up_;
};

TEST_F(RestoreTest, IntoAFreshPathGivesTheBackupsData) {
  RestoreOptions options{.backup = backup_, .db = dir_.File("new.db")};
  absl::StatusOr<RestoreResult> restored = RestoreDatabase(options);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_TRUE(restored->previous.empty());
  EXPECT_EQ(restored->contents.event_count, 30);
  ASSERT_EQ(restored->contents.tenants.size(), 2u);
  EXPECT_EQ(restored->contents.tenants[0].tenant, "acme");
  EXPECT_EQ(restored->contents.tenants[0].members, 3);
  EXPECT_EQ(restored->contents.tenants[0].events, 15);
  EXPECT_EQ(EventIds(options.db), backed_up_);
  EXPECT_NE(OpenStore(options.db), nullptr);
}

TEST_F(RestoreTest, RefusesADatabaseInUseAndLeavesItAlone) {
  RestoreOptions options{.backup = backup_, .db = db_};
  ASSERT_TRUE(store_->AppendEvents("acme", Batch("m0", 77, 3)).ok());
  const std::set<std::string> live = EventIds(db_);
  absl::StatusOr<RestoreResult> restored = RestoreDatabase(options);
  EXPECT_EQ(restored.status().code(), absl::StatusCode::kAborted)
      << restored.status();
  EXPECT_THAT(restored.status().message(), HasSubstr("in use"));
  EXPECT_EQ(EventIds(db_), live);
  EXPECT_FALSE(std::filesystem::exists(db_ + ".before-restore"));
  // Once the server is stopped the restore goes ahead.
  store_.reset();
  restored = RestoreDatabase(options);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->previous, db_ + ".before-restore");
  EXPECT_EQ(EventIds(db_), backed_up_);
  EXPECT_EQ(EventIds(db_ + ".before-restore"), live);
  // A second restore would overwrite the kept database: refused.
  EXPECT_EQ(RestoreDatabase(options).status().code(),
            absl::StatusCode::kAlreadyExists);
  options.keep_previous = false;
  EXPECT_TRUE(RestoreDatabase(options).ok());
}

TEST_F(RestoreTest, RefusesDamagedOrForeignBackups) {
  store_.reset();
  const std::set<std::string> before = EventIds(db_);
  const std::string truncated = dir_.File("truncated.db");
  std::filesystem::copy_file(backup_, truncated);
  std::filesystem::resize_file(truncated,
                               std::filesystem::file_size(backup_) / 2);
  const std::string garbage = dir_.File("garbage.db");
  std::ofstream(garbage) << std::string(8192, 'x');
  const std::string foreign = dir_.File("foreign.db");
  ASSERT_TRUE(Raw(foreign)->Exec("CREATE TABLE t (x)").ok());
  const std::string flipped = dir_.File("flipped.db");
  {
    // A damaged page in the middle of the file.
    std::filesystem::copy_file(backup_, flipped);
    std::fstream f(flipped, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(
        static_cast<std::streamoff>(std::filesystem::file_size(flipped) / 2));
    f << std::string(4096, '\xff');
  }
  for (const std::string& bad :
       {truncated, garbage, foreign, flipped, dir_.File("none.db")}) {
    absl::StatusOr<RestoreResult> restored =
        RestoreDatabase({.backup = bad, .db = db_});
    EXPECT_EQ(restored.status().code(), absl::StatusCode::kInvalidArgument)
        << bad << ": " << restored.status();
    EXPECT_EQ(EventIds(db_), before) << bad;
    EXPECT_FALSE(std::filesystem::exists(db_ + ".before-restore")) << bad;
  }
  for (const std::string& name : FilesIn(dir_.path())) {
    EXPECT_THAT(name, ::testing::Not(HasSubstr("restore-")))
        << "no temporary file is left";
  }
}

// A server killed with committed writes still in its log: the kept database
// keeps them, and the log is never replayed onto the restored one.
TEST_F(RestoreTest, TheLogOfAKilledServerStaysWithTheReplacedDatabase) {
  store_.reset();
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::unique_ptr<SqliteStore> store = OpenStore(db_);
    bool ok = store != nullptr &&
              store->AppendEvents("acme", Batch("m2", 300, 9)).ok();
    _exit(ok ? 0 : 1);  // No close, no checkpoint: as kill -9 leaves it.
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_TRUE(std::filesystem::exists(db_ + "-wal"));
  absl::StatusOr<RestoreResult> restored =
      RestoreDatabase({.backup = backup_, .db = db_});
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_FALSE(std::filesystem::exists(db_ + "-wal"));
  EXPECT_EQ(EventIds(db_), backed_up_);
  EXPECT_EQ(EventIds(db_ + ".before-restore").count("acme/m2-b300-8"), 1u);
  EXPECT_TRUE(MiscountedMembers(db_).empty());
}

TEST_F(RestoreTest, ADamagedDatabaseIsReplacedOnlyWithForce) {
  store_.reset();
  std::filesystem::remove(db_);
  std::ofstream(db_) << std::string(8192, 'z');
  RestoreOptions options{.backup = backup_, .db = db_};
  EXPECT_EQ(RestoreDatabase(options).status().code(),
            absl::StatusCode::kFailedPrecondition);
  options.force = true;
  absl::StatusOr<RestoreResult> restored = RestoreDatabase(options);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(EventIds(db_), backed_up_);
  EXPECT_EQ(std::filesystem::file_size(db_ + ".before-restore"), 8192u);
}

}  // namespace
}  // namespace rapport::store
