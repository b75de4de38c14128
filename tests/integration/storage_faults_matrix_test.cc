// The storage fault matrix: the real server in-process on loopback over a
// SqliteStore on the fault-injecting VFS (tests/common/fault_vfs.h), called
// through generated gRPC stubs. For each fault (a full disk on every write
// or on the write-ahead log only, fsync failing, reads failing, the device
// gone and back, the write lock held by another process) and each operation
// (an ingest batch, a member upsert, a member deletion, the daily history
// write, a read, a score), it records the status the client saw and health
// during and after the fault, and checks that:
// - the status is UNAVAILABLE or RESOURCE_EXHAUSTED with the store's text
//   for the cause (never INTERNAL, UNKNOWN or DATA_LOSS: nothing is damaged);
// - health (overall and per service) turns NOT_SERVING while storage fails
//   and SERVING again once it is healed, without a restart;
// - every acknowledged event is in the file afterwards, a failed batch left
//   nothing, and every member's daily counts equal a recount of its events;
// - the operation works again after the fault.
// The matrix is printed as a Markdown table.
#include <functional>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "rapport/v1/scoring.grpc.pb.h"
#include "server/api/gatekeeper.h"
#include "server/store/errors.h"
#include "server/store/sqlite_store.h"
#include "tests/common/fault_vfs.h"
#include "tests/integration/server_fixture.h"
#include "tests/integration/storage_checks.h"

namespace rapport::testing {
namespace {

constexpr char kTenant[] = "default";  // Authentication is off.
constexpr char kService[] = "rapport.v1.ActivityService";
constexpr int kEnospc = 28;
constexpr int kEio = 5;

std::string CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    default:
      return absl::StrCat("code ", static_cast<int>(code));
  }
}

grpc::Status ToGrpc(const absl::Status& s) {
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()),
                      std::string(s.message()));
}

struct Fault {
  std::string name;
  // Storage fails under it (health must turn NOT_SERVING); a held lock is
  // not a failure of storage.
  bool failing;
  // The status every write must get under it; OK when writes may pass.
  grpc::StatusCode write_code;
  std::string write_message;
  std::function<bool(std::string* why)> apply;
  std::function<void()> heal;
};

struct Cell {
  std::string fault;
  std::string op;
  grpc::Status status;
  std::string health_during;
  std::string health_after;
  size_t lost = 0;
  size_t half_applied = 0;
  std::string retry;
};

class StorageFaultMatrixTest : public ServerTest {
 protected:
  void SetUp() override {
    vfs_ = &FaultVfs::Install();
    vfs_->Heal();
    db_path_ = dir_.File("rapport.db");
    store::SqliteStoreOptions store_options;
    store_options.path = db_path_;
    store_options.vfs = FaultVfs::kName;
    store_options.reader_connections = 2;
    store_options.busy_timeout = absl::Milliseconds(300);
    auto sqlite = store::SqliteStore::Open(store_options);
    ASSERT_TRUE(sqlite.ok()) << sqlite.status();

    app::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.board.refresh_interval = absl::ZeroDuration();
    options.history_interval = absl::ZeroDuration();
    options.score_changes_interval = absl::ZeroDuration();
    options.retention_interval = absl::ZeroDuration();
    options.storage_health.probe_interval = absl::Milliseconds(50);
    options.storage_health.idle_probe_interval = absl::Milliseconds(100);
    auto server =
        app::RapportServer::Start(options, &clock_, *std::move(sqlite));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
    activity_ = v1::ActivityService::NewStub(channel_);
    scoring_ = v1::ScoringService::NewStub(channel_);
    health_ = std::make_unique<grpc::GenericStub>(channel_);

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
    ASSERT_TRUE(IngestAcknowledged(events).ok());
    ASSERT_EQ(AwaitHealth(*health_, "", "SERVING", absl::Seconds(20)),
              "SERVING");
  }

  void TearDown() override {
    vfs_->Heal();
    if (server_ != nullptr) server_->Shutdown(absl::Seconds(1));
    server_.reset();
  }

  // Ingests `events` in one batch; remembers them as acknowledged when the
  // server said so.
  grpc::Status IngestAcknowledged(const std::vector<v1::Event>& events) {
    v1::IngestEventsResponse resp;
    grpc::Status s = Ingest({events}, &resp);
    if (s.ok()) {
      for (const v1::Event& e : events) acknowledged_.insert(e.event_id());
    }
    return s;
  }

  std::vector<Fault> Faults() {
    std::vector<Fault> faults;
    auto rule = [this](FaultRule r) {
      return [this, r](std::string*) {
        vfs_->Add(r);
        return true;
      };
    };
    auto heal = [this] { vfs_->Heal(); };
    faults.push_back({"ENOSPC on every write", true,
                      grpc::StatusCode::RESOURCE_EXHAUSTED,
                      std::string(store::kStorageFull),
                      rule({.ops = kFaultWrite, .error = kEnospc}), heal});
    faults.push_back(
        {"ENOSPC on the WAL", true, grpc::StatusCode::RESOURCE_EXHAUSTED,
         std::string(store::kStorageFull),
         rule({.ops = kFaultWrite, .files = kFaultWal, .error = kEnospc}),
         heal});
    faults.push_back({"EIO on fsync", true, grpc::StatusCode::UNAVAILABLE,
                      std::string(store::kStorageIoError),
                      rule({.ops = kFaultSync, .error = kEio}), heal});
    // A write may find every page it needs cached: no code is required.
    faults.push_back({"EIO on read", true, grpc::StatusCode::OK, "",
                      rule({.ops = kFaultRead, .error = kEio}), heal});
    faults.push_back({"device gone, then back", true,
                      grpc::StatusCode::UNAVAILABLE,
                      std::string(store::kStorageIoError),
                      [this](std::string*) {
                        vfs_->DeviceGone();
                        return true;
                      },
                      heal});
    faults.push_back({"write lock held by another process", false,
                      grpc::StatusCode::UNAVAILABLE,
                      std::string(store::kStorageBusy),
                      [this](std::string* why) {
                        return lock_.Start(db_path_, dir_.path(), why);
                      },
                      [this] { lock_.Release(); }});
    return faults;
  }

  struct Op {
    std::string name;
    bool writes;
    // Before the fault: whatever the operation needs.
    std::function<void(int cell)> prepare;
    std::function<grpc::Status(int cell)> run;
    // After the fault is healed: what the file must hold given the status;
    // adds a failure description to `problems`.
    std::function<void(int cell, const grpc::Status&, DbInspector&,
                       std::vector<std::string>& problems)>
        verify;
  };

  std::vector<Op> Ops() {
    std::vector<Op> ops;
    ops.push_back(
        {"IngestEvents batch", true, [](int) {},
         [this](int cell) { return IngestAcknowledged(CellEvents(cell)); },
         [this](int cell, const grpc::Status& s, DbInspector& db,
                std::vector<std::string>& problems) {
           std::set<std::string> ids = db.EventIds(kTenant);
           size_t present = 0;
           for (const v1::Event& e : CellEvents(cell)) {
             present += ids.count(e.event_id());
           }
           if (!s.ok() && present != 0) {
             problems.push_back(absl::StrCat("a failed batch left ", present,
                                             " of its events"));
           }
         }});
    ops.push_back({"UpsertMember", true, [](int) {},
                   [this](int cell) {
                     v1::Member m = MakeMember("m5", "alpha");
                     m.set_display_name(absl::StrCat("Rep cell ", cell));
                     v1::UpsertMemberResponse resp;
                     return Upsert(m, &resp);
                   },
                   [](int cell, const grpc::Status& s, DbInspector& db,
                      std::vector<std::string>& problems) {
                     const bool stored = db.DisplayName(kTenant, "m5") ==
                                         absl::StrCat("Rep cell ", cell);
                     if (stored != s.ok()) {
                       problems.push_back(absl::StrCat(
                           "upsert stored=", stored, " but the client saw ",
                           CodeName(s.error_code())));
                     }
                   }});
    ops.push_back(
        {"DeleteMember", true,
         [this](int cell) {
           const std::string id = absl::StrCat("gone", cell);
           v1::UpsertMemberResponse resp;
           ASSERT_TRUE(Upsert(MakeMember(id, "beta"), &resp).ok());
           std::vector<v1::Event> events;
           for (int k = 0; k < 3; ++k) {
             events.push_back(MakeEvent(absl::StrCat(id, "-e", k), id,
                                        clock_.Now() - absl::Hours(k + 1)));
           }
           v1::IngestEventsResponse ingested;
           ASSERT_TRUE(Ingest({events}, &ingested).ok());
         },
         [this](int cell) {
           grpc::ClientContext ctx;
           v1::DeleteMemberRequest req;
           req.set_member_id(absl::StrCat("gone", cell));
           v1::DeleteMemberResponse resp;
           return activity_->DeleteMember(&ctx, req, &resp);
         },
         [](int cell, const grpc::Status& s, DbInspector& db,
            std::vector<std::string>& problems) {
           const std::string id = absl::StrCat("gone", cell);
           const bool member = db.DisplayName(kTenant, id).has_value();
           size_t events = 0;
           for (const std::string& e : db.EventIds(kTenant)) {
             events += e.rfind(id + "-", 0) == 0 ? 1 : 0;
           }
           // All of the member or none of it.
           const bool whole = member ? events == 3 : events == 0;
           if (!whole || member == s.ok()) {
             problems.push_back(absl::StrCat(
                 "after ", CodeName(s.error_code()), " the member is ",
                 member ? "there" : "gone", " with ", events, " events"));
           }
         }});
    ops.push_back(
        {"history write", true,
         [this](int) { clock_.Advance(absl::Hours(24)); },
         [this](int) { return ToGrpc(server_->RecordHistory().status()); },
         nullptr});
    ops.push_back({"ListMembers (read)", false, [](int) {},
                   [this](int) {
                     grpc::ClientContext ctx;
                     v1::ListMembersRequest req;
                     req.set_page_size(50);
                     v1::ListMembersResponse resp;
                     return activity_->ListMembers(&ctx, req, &resp);
                   },
                   nullptr});
    ops.push_back({"GetScore (score)", false,
                   // A new day: the cached board is stale, the score is
                   // built from storage.
                   [this](int) { clock_.Advance(absl::Hours(24)); },
                   [this](int) {
                     grpc::ClientContext ctx;
                     v1::GetScoreRequest req;
                     req.set_member_id("m3");
                     v1::GetScoreResponse resp;
                     return scoring_->GetScore(&ctx, req, &resp);
                   },
                   nullptr});
    return ops;
  }

  std::vector<v1::Event> CellEvents(int cell) {
    std::vector<v1::Event> events;
    for (int k = 1; k <= 4; ++k) {
      events.push_back(MakeEvent(absl::StrCat("cell", cell, "-", k),
                                 absl::StrCat("m", k),
                                 clock_.Now() - absl::Minutes(10 * k)));
    }
    return events;
  }

  std::string BothHealth() {
    const std::string overall = HealthOf(*health_);
    const std::string service = HealthOf(*health_, kService);
    return overall == service ? overall : absl::StrCat(overall, " / ", service);
  }

  FaultVfs* vfs_ = nullptr;
  LockHolder lock_;
  std::unique_ptr<v1::ScoringService::Stub> scoring_;
  std::unique_ptr<grpc::GenericStub> health_;
  std::set<std::string> acknowledged_;
};

TEST_F(StorageFaultMatrixTest, EveryFaultTimesEveryOperation) {
  std::vector<Cell> cells;
  int cell_id = 0;
  for (const Fault& fault : Faults()) {
    for (const Op& op : Ops()) {
      const int id = ++cell_id;
      SCOPED_TRACE(absl::StrCat(fault.name, " x ", op.name));
      ASSERT_EQ(AwaitHealth(*health_, "", "SERVING", absl::Seconds(20)),
                "SERVING");
      op.prepare(id);
      std::string why;
      if (!fault.apply(&why)) {
        // Said in the output, never a silent pass.
        ADD_FAILURE() << "cannot set up the fault: " << why;
        continue;
      }
      Cell cell;
      cell.fault = fault.name;
      cell.op = op.name;
      cell.status = op.run(id);
      if (fault.failing) {
        // Either the failed call or the probe tells health.
        AwaitHealth(*health_, "", "NOT_SERVING", absl::Seconds(3));
        AwaitHealth(*health_, kService, "NOT_SERVING", absl::Seconds(1));
      }
      cell.health_during = BothHealth();
      fault.heal();
      AwaitHealth(*health_, "", "SERVING", absl::Seconds(20));
      AwaitHealth(*health_, kService, "SERVING", absl::Seconds(5));
      cell.health_after = BothHealth();

      const grpc::StatusCode code = cell.status.error_code();
      EXPECT_TRUE(code == grpc::StatusCode::OK ||
                  code == grpc::StatusCode::UNAVAILABLE ||
                  code == grpc::StatusCode::RESOURCE_EXHAUSTED)
          << CodeName(code) << ": " << cell.status.error_message();
      if (!cell.status.ok()) {
        // The history recorder is called in-process: its status says what
        // it was doing before the store's text.
        std::string message = cell.status.error_message();
        if (op.name == "history write" && message.rfind(": ") != message.npos) {
          message = message.substr(message.rfind(": ") + 2);
        }
        EXPECT_TRUE(store::IsStorageMessage(message)) << message;
      }
      if (op.writes && fault.write_code != grpc::StatusCode::OK) {
        const bool checked = op.name != "history write";
        if (checked) {
          EXPECT_EQ(CodeName(code), CodeName(fault.write_code))
              << cell.status.error_message();
          EXPECT_EQ(cell.status.error_message(), fault.write_message);
        }
      }
      if (fault.failing && !cell.status.ok()) {
        EXPECT_EQ(cell.health_during, "NOT_SERVING");
      }
      if (!fault.failing) {
        EXPECT_EQ(cell.health_during, "SERVING");
      }
      EXPECT_EQ(cell.health_after, "SERVING");

      // What the file holds, on a connection of its own.
      DbInspector db(db_path_);
      ASSERT_EQ(db.error(), "");
      std::vector<std::string> problems;
      if (op.verify) op.verify(id, cell.status, db, problems);
      const std::set<std::string> ids = db.EventIds(kTenant);
      for (const std::string& e : acknowledged_) cell.lost += ids.count(e) == 0;
      const std::set<std::string> miscounted = db.MiscountedMembers(kTenant);
      cell.half_applied = miscounted.size() + problems.size();
      EXPECT_EQ(cell.lost, 0u);
      EXPECT_TRUE(miscounted.empty()) << *miscounted.begin();
      EXPECT_TRUE(problems.empty()) << problems.front();
      ASSERT_EQ(db.error(), "");

      // No restart: the operation works again.
      grpc::Status retry = cell.status.ok() ? grpc::Status::OK : op.run(id);
      if (op.name == "DeleteMember" &&
          retry.error_code() == grpc::StatusCode::NOT_FOUND) {
        retry = grpc::Status::OK;  // The first attempt had deleted it.
      }
      cell.retry = CodeName(retry.error_code());
      EXPECT_TRUE(retry.ok())
          << CodeName(retry.error_code()) << " " << retry.error_message();
      cells.push_back(cell);
    }
  }

  std::ostringstream table;
  table << "\n| fault | operation | client saw | health during | health after"
           " | acknowledged lost | half-applied | retry after |\n"
           "|---|---|---|---|---|---|---|---|\n";
  for (const Cell& c : cells) {
    table << "| " << c.fault << " | " << c.op << " | "
          << CodeName(c.status.error_code())
          << (c.status.ok() ? ""
                            : absl::StrCat(" '", c.status.error_message(), "'"))
          << " | " << c.health_during << " | " << c.health_after << " | "
          << c.lost << " | " << c.half_applied << " | " << c.retry << " |\n";
  }
  std::cout << table.str()
            << "acknowledged events checked: " << acknowledged_.size()
            << ", VFS failures injected: " << vfs_->failures() << "\n";
}

}  // namespace
}  // namespace rapport::testing
