// Storage at start-up and corruption told apart from I/O: a damaged
// database is refused (DATA_LOSS from SqliteStore::Open, exit code 3 from
// rapportd) by the quick and the full integrity check; a read that returned
// garbage once is an I/O error (UNAVAILABLE), not corruption, because a
// fresh connection finds the file sound; a disk that fills under the server
// (a small tmpfs) gives RESOURCE_EXHAUSTED 'storage is full' and
// NOT_SERVING, recovers without a restart once space is freed, and a
// restart on the full disk says the disk is full (exit code 4).
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "server/store/errors.h"
#include "server/store/sqlite_store.h"
#include "tests/common/fault_vfs.h"
#include "tests/integration/server_fixture.h"
#include "tests/integration/storage_checks.h"

namespace rapport::testing {
namespace {

constexpr char kTenant[] = "default";

struct Outcome {
  int exit_code = -1;
  std::string err;
};

// Runs rapportd on `db` (no HTTP port, authentication off, loopback) with
// `flags`; it must exit on its own (a start that succeeds is stopped after
// 20 s and reported as exit code 124).
Outcome RunRapportd(const std::string& db, const std::string& dir,
                    const std::string& flags) {
  const std::string err_file = absl::StrCat(dir, "/rapportd.err");
  const std::string command =
      absl::StrCat("timeout 20 '", RAPPORTD_PATH, "' --db='", db,
                   "' --listen=127.0.0.1:0 --metrics_listen= --auth=off ",
                   flags, " 2>'", err_file, "' >/dev/null");
  const int status = std::system(command.c_str());
  Outcome run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(err_file);
  std::stringstream text;
  text << in.rdbuf();
  run.err = text.str();
  return run;
}

// Overwrites the b-tree page header of `table`'s root page with bytes no
// page type has. Returns "" or what went wrong.
std::string DamageRootPage(const std::string& db_path,
                           const std::string& table) {
  sqlite3* db = nullptr;
  int64_t root = 0;
  int64_t page_size = 0;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  const std::string sql = absl::StrCat(
      "SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM "
      "sqlite_schema WHERE name = '",
      table, "'");
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    root = sqlite3_column_int64(stmt, 0);
    page_size = sqlite3_column_int64(stmt, 1);
  }
  sqlite3_finalize(stmt);
  sqlite3_close_v2(db);
  if (root < 2 || page_size <= 0) return "no root page found";
  std::fstream file(db_path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp((root - 1) * page_size);
  const std::string garbage(16, '\xFF');
  file.write(garbage.data(), garbage.size());
  return file.good() ? "" : "cannot write the file";
}

class SeededTest : public ServerTest {
 protected:
  // Members m1..m6 with three events each, through the server.
  void Seed() {
    std::vector<v1::Event> events;
    for (int i = 1; i <= 6; ++i) {
      const std::string id = absl::StrCat("m", i);
      v1::UpsertMemberResponse upserted;
      ASSERT_TRUE(Upsert(MakeMember(id, "alpha"), &upserted).ok());
      for (int k = 0; k < 3; ++k) {
        events.push_back(MakeEvent(absl::StrCat(id, "-e", k), id,
                                   clock_.Now() - absl::Hours(5 * k + 1)));
      }
    }
    Load(events);
  }
};

class StorageStartTest : public SeededTest {
 protected:
  // Seeds, then the server stops (the database is checkpointed and closed).
  void SetUp() override {
    ServerTest::SetUp();
    Seed();
    server_->Shutdown(absl::Seconds(1));
    server_.reset();
  }

  absl::Status OpenStore(store::IntegrityCheck check,
                         const std::string& vfs = "") {
    store::SqliteStoreOptions options;
    options.path = db_path_;
    options.integrity_check = check;
    options.vfs = vfs;
    return store::SqliteStore::Open(options).status();
  }
};

TEST_F(StorageStartTest, SoundDatabaseOpensAtEveryLevel) {
  for (auto check : {store::IntegrityCheck::kOff, store::IntegrityCheck::kQuick,
                     store::IntegrityCheck::kFull}) {
    EXPECT_TRUE(OpenStore(check).ok()) << static_cast<int>(check);
  }
}

// A small table (members) damaged: every check but "off" refuses the file,
// and with the check off the damage is found by the first read that meets
// it, confirmed on a fresh connection: DATA_LOSS.
TEST_F(StorageStartTest, DamagedSmallTableIsRefused) {
  ASSERT_EQ(DamageRootPage(db_path_, "members"), "");
  for (auto check :
       {store::IntegrityCheck::kQuick, store::IntegrityCheck::kFull}) {
    absl::Status s = OpenStore(check);
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
    EXPECT_EQ(s.message(), store::kStorageCorrupt);
  }
  store::SqliteStoreOptions options;
  options.path = db_path_;
  options.integrity_check = store::IntegrityCheck::kOff;
  auto unchecked = store::SqliteStore::Open(options);
  ASSERT_TRUE(unchecked.ok()) << unchecked.status();
  absl::StatusOr<model::Member> member = (*unchecked)->GetMember(kTenant, "m1");
  EXPECT_EQ(member.status().code(), absl::StatusCode::kDataLoss)
      << member.status();

  const Outcome run = RunRapportd(db_path_, dir_.path(), "");
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_TRUE(absl::StrContains(run.err, "is damaged")) << run.err;
}

// The root of a large table (events) is read by the quick check too.
TEST_F(StorageStartTest, DamagedLargeTableRootIsRefused) {
  ASSERT_EQ(DamageRootPage(db_path_, "events"), "");
  for (auto check :
       {store::IntegrityCheck::kQuick, store::IntegrityCheck::kFull}) {
    absl::Status s = OpenStore(check);
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  }
  const Outcome run =
      RunRapportd(db_path_, dir_.path(), "--integrity_check=full");
  EXPECT_EQ(run.exit_code, 3) << run.err;
}

TEST_F(StorageStartTest, FileThatIsNoDatabaseIsRefused) {
  std::ofstream(db_path_, std::ios::trunc) << std::string(8192, 'x');
  absl::Status s = OpenStore(store::IntegrityCheck::kOff);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  const Outcome run = RunRapportd(db_path_, dir_.path(), "");
  EXPECT_EQ(run.exit_code, 3) << run.err;
}

TEST_F(StorageStartTest, BadIntegrityCheckFlagIsRefused) {
  const Outcome run =
      RunRapportd(db_path_, dir_.path(), "--integrity_check=some");
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_TRUE(absl::StrContains(run.err, "--integrity_check")) << run.err;
}

// A read that returned garbage once (the file itself is sound): the call
// that met it gets UNAVAILABLE, never DATA_LOSS, and the next call works.
TEST_F(StorageStartTest, GarbageReadIsAnIoErrorNotCorruption) {
  FaultVfs& vfs = FaultVfs::Install();
  vfs.Heal();
  store::SqliteStoreOptions options;
  options.path = db_path_;
  options.vfs = FaultVfs::kName;
  options.reader_connections = 1;
  auto store = store::SqliteStore::Open(options);
  ASSERT_TRUE(store.ok()) << store.status();
  for (int round = 0; round < 5; ++round) {
    SCOPED_TRACE(round);
    // A write makes the reader's cached pages stale: the read below goes
    // to the files.
    model::Member member;
    member.member_id = "m1";
    member.display_name = absl::StrCat("Round ", round);
    member.team = "alpha";
    ASSERT_TRUE(
        (*store)->UpsertMember(kTenant, member, kTestNow, nullptr).ok());
    const int64_t before = vfs.failures();
    vfs.Add(
        {.ops = kFaultRead, .error = kFaultGarbage, .skip = round, .count = 1});
    absl::StatusOr<model::Member> read = (*store)->GetMember(kTenant, "m1");
    vfs.Heal();
    if (vfs.failures() == before) {
      // The read needed fewer pages than `round` skips.
      EXPECT_TRUE(read.ok()) << read.status();
      continue;
    }
    EXPECT_NE(read.status().code(), absl::StatusCode::kDataLoss)
        << read.status();
    if (!read.ok()) {
      EXPECT_EQ(read.status().code(), absl::StatusCode::kUnavailable);
      EXPECT_EQ(read.status().message(), store::kStorageIoError);
    }
    absl::StatusOr<model::Member> again = (*store)->GetMember(kTenant, "m1");
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(again->display_name, absl::StrCat("Round ", round));
  }
}

// A device failing while the store opens (its WAL index cannot be mapped,
// a file cannot be opened or read): UNAVAILABLE 'storage I/O error', never
// DATA_LOSS or INTERNAL, and the same store opens once the device is back.
TEST_F(StorageStartTest, FaultsWhileOpeningAreUnavailable) {
  FaultVfs& vfs = FaultVfs::Install();
  const struct {
    const char* name;
    FaultRule rule;
  } kCases[] = {
      {"EIO mapping the WAL index", {.ops = kFaultShmMap, .error = 5}},
      {"ENOSPC growing the WAL index", {.ops = kFaultShmMap, .error = 28}},
      {"EIO opening the WAL", {.ops = kFaultOpen, .files = kFaultWal}},
      {"EIO opening the database", {.ops = kFaultOpen, .files = kFaultMainDb}},
      {"EIO reading the database", {.ops = kFaultRead, .files = kFaultMainDb}},
      {"EIO on the 3rd read", {.ops = kFaultRead, .skip = 2, .count = 1}},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.name);
    vfs.Heal();
    vfs.Add(c.rule);
    const int64_t before = vfs.failures();
    absl::Status s = OpenStore(store::IntegrityCheck::kQuick, FaultVfs::kName);
    vfs.Heal();
    if (vfs.failures() == before) {
      ADD_FAILURE() << "the fault was never met";
      continue;
    }
    EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
    EXPECT_EQ(s.message(), store::kStorageIoError);
    EXPECT_TRUE(OpenStore(store::IntegrityCheck::kQuick, FaultVfs::kName).ok());
  }
}

// A small tmpfs (needs CAP_SYS_ADMIN): the disk fills under the server.
class FullDiskTest : public SeededTest {
 protected:
  void SetUp() override {
    mount_dir_ = dir_.File("small");
    std::filesystem::create_directory(mount_dir_);
    if (mount("tmpfs", mount_dir_.c_str(), "tmpfs", 0, "size=4m") != 0) {
      cannot_mount_ = std::strerror(errno);
      return;
    }
    mounted_ = true;
    db_path_ = absl::StrCat(mount_dir_, "/rapport.db");
    ServerTest::SetUp();
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(absl::Seconds(1));
    server_.reset();
    if (mounted_) umount2(mount_dir_.c_str(), MNT_DETACH);
  }
  void Customize(app::ServerOptions& options) override {
    options.storage_health.probe_interval = absl::Milliseconds(50);
  }

  // Writes a filler file until the filesystem is full.
  void Fill() {
    const std::string filler = absl::StrCat(mount_dir_, "/filler");
    const int fd = open(filler.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    ASSERT_GE(fd, 0);
    const std::string block(64 * 1024, 'f');
    while (write(fd, block.data(), block.size()) > 0) {
    }
    while (write(fd, block.data(), 512) > 0) {
    }
    close(fd);
  }
  void Unfill() {
    std::filesystem::remove(absl::StrCat(mount_dir_, "/filler"));
  }

  std::string mount_dir_;
  bool mounted_ = false;
  std::string cannot_mount_;
};

TEST_F(FullDiskTest, FullDiskIsSaidAndRecoveredFromWithoutRestart) {
  if (!mounted_) {
    GTEST_SKIP() << "cannot mount a small tmpfs (" << cannot_mount_
                 << "; needs CAP_SYS_ADMIN): the full disk is covered by the "
                    "fault VFS only (storage_faults_matrix_test)";
  }
  grpc::GenericStub health(channel_);
  ASSERT_EQ(AwaitHealth(health, "", "SERVING", absl::Seconds(20)), "SERVING");
  std::set<std::string> acknowledged;
  auto ingest = [&](int batch) {
    std::vector<v1::Event> events;
    for (int k = 0; k < 50; ++k) {
      events.push_back(MakeEvent(absl::StrCat("b", batch, "-", k),
                                 absl::StrCat("m", 1 + k % 6),
                                 clock_.Now() - absl::Minutes(k + 1)));
    }
    v1::IngestEventsResponse resp;
    grpc::Status s = Ingest({events}, &resp);
    if (s.ok()) {
      for (const auto& e : events) acknowledged.insert(e.event_id());
    }
    return s;
  };
  Seed();
  ASSERT_TRUE(ingest(0).ok());

  Fill();
  grpc::Status failed;
  int batch = 1;
  // Space left in the write-ahead log may take a few batches.
  for (; batch < 200 && failed.ok(); ++batch) failed = ingest(batch);
  EXPECT_EQ(failed.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << failed.error_message();
  EXPECT_EQ(failed.error_message(), store::kStorageFull);
  EXPECT_EQ(AwaitHealth(health, "", "NOT_SERVING", absl::Seconds(10)),
            "NOT_SERVING");
  EXPECT_EQ(AwaitHealth(health, "rapport.v1.ScoringService", "NOT_SERVING",
                        absl::Seconds(1)),
            "NOT_SERVING");

  Unfill();
  EXPECT_EQ(AwaitHealth(health, "", "SERVING", absl::Seconds(20)), "SERVING");
  EXPECT_TRUE(ingest(batch++).ok());

  // A restart on the full disk says that the disk is full.
  Fill();
  server_->Shutdown(absl::Seconds(1));
  server_.reset();
  const Outcome run = RunRapportd(db_path_, dir_.path(), "");
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_TRUE(absl::StrContains(run.err, "is full")) << run.err;
  std::cout << "restart on the full disk: exit code " << run.exit_code << "\n"
            << run.err;

  Unfill();
  StartServer();
  grpc::GenericStub restarted(channel_);
  EXPECT_EQ(AwaitHealth(restarted, "", "SERVING", absl::Seconds(20)), "SERVING")
      << "after the restart";
  DbInspector db(db_path_);
  const std::set<std::string> ids = db.EventIds(kTenant);
  size_t lost = 0;
  for (const std::string& e : acknowledged) lost += ids.count(e) == 0;
  EXPECT_EQ(lost, 0u);
  EXPECT_TRUE(db.MiscountedMembers(kTenant).empty());
  EXPECT_EQ(db.error(), "");
  std::cout << "full disk (4 MiB tmpfs): " << acknowledged.size()
            << " acknowledged events, " << lost << " lost; first refused "
            << "batch: " << batch - 1 << "\n";
}

}  // namespace
}  // namespace rapport::testing
