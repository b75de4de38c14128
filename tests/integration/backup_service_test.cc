// AdminService.BackupDatabase through the real server (authentication off:
// the caller is an admin of the operator tenant "default"): the copy, the
// server without a backup directory, store failures as the client sees them,
// and a start refused for a backup directory that does not exist.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapport/v1/admin.grpc.pb.h"
#include "server/store/errors.h"
#include "server/store/sqlite_store.h"
#include "tests/common/fault_store.h"
#include "tests/integration/server_fixture.h"

namespace rapport::testing {
namespace {

using ::testing::HasSubstr;

class BackupServiceTest : public ServerTest {
 protected:
  void Customize(app::ServerOptions& options) override {
    std::filesystem::create_directory(dir_.File("backups"));
    options.backup_dir = dir_.File("backups");
  }

  grpc::Status Backup(const std::string& name,
                      v1::BackupDatabaseResponse* out) {
    auto admin = v1::AdminService::NewStub(channel_);
    grpc::ClientContext ctx;
    v1::BackupDatabaseRequest req;
    req.set_name(name);
    return admin->BackupDatabase(&ctx, req, out);
  }
};

TEST_F(BackupServiceTest, CopiesWhatWasAcknowledged) {
  v1::UpsertMemberResponse upserted;
  ASSERT_TRUE(Upsert(MakeMember("m1", "alpha"), &upserted).ok());
  std::vector<v1::Event> events;
  for (int i = 0; i < 12; ++i) {
    events.push_back(MakeEvent(absl::StrCat("e", i), "m1",
                               clock_.Now() - absl::Hours(1 + i)));
  }
  Load(events);
  v1::BackupDatabaseResponse resp;
  const grpc::Status status = Backup("one.db", &resp);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(resp.name(), "one.db");
  EXPECT_EQ(resp.event_count(), 12);
  EXPECT_EQ(api::FromProtoTime(resp.snapshot_time()), clock_.Now());
  const std::string path = dir_.File("backups/one.db");
  EXPECT_EQ(resp.size_bytes(),
            static_cast<int64_t>(std::filesystem::file_size(path)));
  store::SqliteStoreOptions options;
  options.path = path;
  auto copy = store::SqliteStore::Open(options);
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_EQ((*copy)->GetMember("default", "m1")->event_count, 12);
}

class NoBackupDirTest : public ServerTest {};

TEST_F(NoBackupDirTest, BackupsAreRefusedWithoutADirectory) {
  auto admin = v1::AdminService::NewStub(channel_);
  grpc::ClientContext ctx;
  v1::BackupDatabaseResponse resp;
  const grpc::Status status =
      admin->BackupDatabase(&ctx, v1::BackupDatabaseRequest(), &resp);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("--backup_dir"));
}

TEST(BackupDirFlagTest, AMissingDirectoryStopsTheStart) {
  TempDir dir;
  FakeClock clock(kTestNow);
  app::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.db_path = dir.File("rapport.db");
  options.backup_dir = dir.File("nowhere");
  auto server = app::RapportServer::Start(options, &clock);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(server.status().message(), HasSubstr("--backup_dir"));
}

TEST(BackupFaultsTest, StoreFailuresKeepTheirCodeAndClientText) {
  TempDir dir;
  FakeClock clock(kTestNow);
  std::filesystem::create_directory(dir.File("backups"));
  store::SqliteStoreOptions store_options;
  store_options.path = dir.File("rapport.db");
  auto sqlite = store::SqliteStore::Open(store_options);
  ASSERT_TRUE(sqlite.ok()) << sqlite.status();
  auto faults = std::make_unique<FaultStore>(*std::move(sqlite));
  FaultStore* fault = faults.get();
  app::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.backup_dir = dir.File("backups");
  options.history_interval = absl::ZeroDuration();
  auto server = app::RapportServer::Start(options, &clock, std::move(faults));
  ASSERT_TRUE(server.ok()) << server.status();
  auto admin = v1::AdminService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                          grpc::InsecureChannelCredentials()));
  for (const auto& [code, text] :
       std::vector<std::pair<absl::StatusCode, absl::string_view>>{
           {absl::StatusCode::kResourceExhausted, store::kBackupFull},
           {absl::StatusCode::kUnavailable, store::kBackupIoError}}) {
    fault->Fail(StoreOp::kBackup, absl::Status(code, text));
    grpc::ClientContext ctx;
    v1::BackupDatabaseRequest req;
    req.set_name("x.db");
    v1::BackupDatabaseResponse resp;
    const grpc::Status status = admin->BackupDatabase(&ctx, req, &resp);
    EXPECT_EQ(static_cast<int>(status.error_code()), static_cast<int>(code));
    EXPECT_EQ(status.error_message(), text);
  }
  fault->Heal(StoreOp::kBackup);
  grpc::ClientContext ctx;
  v1::BackupDatabaseRequest req;
  req.set_name("x.db");
  v1::BackupDatabaseResponse resp;
  EXPECT_TRUE(admin->BackupDatabase(&ctx, req, &resp).ok());
}

}  // namespace
}  // namespace rapport::testing
