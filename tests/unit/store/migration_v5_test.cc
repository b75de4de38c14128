// Schema versions 5 (the events table rebuilt with fewer indexes) and 8 (one
// covering member index in place of the thread and contact indexes) applied
// to a database written by version 4: every event is kept, the idempotency
// key still holds, and threads and contacts read through the member index.
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/store/event_table.h"
#include "server/store/member_table.h"
#include "server/store/migrations.h"
#include "server/store/sqlite_connection.h"
#include "server/store/sqlite_store.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::store::internal {
namespace {

using ::rapport::store::testing::At;
using ::rapport::store::testing::MakeContact;
using ::rapport::store::testing::MakeContactEvent;
using ::rapport::store::testing::MakeEvent;
using ::rapport::store::testing::MakeMember;
using ::rapport::store::testing::MakeMessage;
using ::rapport::store::testing::OpenStore;
using ::rapport::store::testing::TempDir;

std::vector<model::Event> Events() {
  const model::Contact ann = MakeContact("ann");
  return {
      MakeMessage("e1", "m1", "t1", ann, model::EventType::kMessageSent, At(1)),
      MakeMessage("e2", "m1", "t1", ann, model::EventType::kMessageReceived,
                  At(5)),
      MakeContactEvent("e3", "m1", ann,
                       model::EventType::kConnectionRequestSent, At(2)),
      MakeEvent("e4", "m1", model::EventType::kPostPublished, At(3)),
  };
}

// Writes a version-4 database at `path` with member m1 and Events().
void WriteVersion4Database(const std::string& path) {
  auto conn =
      Connection::Open(path, Connection::Access::kReadWrite, absl::Seconds(1));
  ASSERT_TRUE(conn.ok()) << conn.status();
  ASSERT_TRUE(ApplyMigrations(**conn, StoreMigrations().subspan(0, 4)).ok());
  ASSERT_EQ(*SchemaVersion(**conn), 4);
  ASSERT_TRUE(InTransaction(**conn, TransactionKind::kWrite, [&] {
                absl::StatusOr<UpsertResult> put =
                    PutMember(**conn, "acme", MakeMember("m1"), At(0));
                if (!put.ok()) return put.status();
                for (const model::Event& e : Events()) {
                  absl::StatusOr<bool> inserted =
                      InsertEvent(**conn, "acme", e);
                  if (!inserted.ok()) return inserted.status();
                }
                return absl::OkStatus();
              }).ok());
}

std::vector<std::string> EventIndexes(Connection& conn) {
  auto select = conn.Prepare(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND "
      "tbl_name = 'events' ORDER BY name");
  EXPECT_TRUE(select.ok());
  std::vector<std::string> names;
  while (select.ok() && *select->Step()) names.push_back(select->ColumnText(0));
  return names;
}

TEST(MigrationV5Test, RebuildsEventsKeepingEveryEvent) {
  TempDir dir;
  const std::string path = dir.File("store.db");
  WriteVersion4Database(path);

  std::unique_ptr<SqliteStore> store = OpenStore(path);
  ASSERT_NE(store, nullptr);
  auto conn =
      Connection::Open(path, Connection::Access::kReadOnly, absl::Seconds(1));
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ(*SchemaVersion(**conn), static_cast<int>(StoreMigrations().size()));
  EXPECT_EQ(EventIndexes(**conn),
            (std::vector<std::string>{"events_by_id", "events_by_member"}));
  for (const model::Event& e : Events()) {
    auto found = FindEvent(**conn, "acme", e.event_id);
    ASSERT_TRUE(found.ok()) << found.status();
    ASSERT_TRUE(found->has_value()) << e.event_id;
    EXPECT_TRUE(SamePayload(**found, e)) << e.event_id;
  }
  MemberKeys keys;
  keys.threads.insert("t1");
  keys.contacts.insert("ann");
  auto loaded = LoadKeyedEvents(**conn, "acme", "m1", keys);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const std::vector<model::Event>& thread = loaded->threads["t1"];
  ASSERT_EQ(thread.size(), 2u);
  EXPECT_EQ(thread[0].event_id, "e1");
  EXPECT_EQ(thread[1].event_id, "e2");
  const std::vector<model::Event>& contact = loaded->contacts["ann"];
  ASSERT_EQ(contact.size(), 3u);
  EXPECT_EQ(contact[0].event_id, "e1");
  EXPECT_EQ(contact[1].event_id, "e3");
  EXPECT_EQ(contact[2].event_id, "e2");

  // The idempotency key survived: the same event again is a duplicate, a
  // different payload under its id a conflict.
  std::vector<model::Event> again = {Events()[3], Events()[2]};
  again[1].occur_time = At(4);
  auto outcomes = store->AppendEvents("acme", again);
  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  EXPECT_EQ(*outcomes, (std::vector<AppendOutcome>{AppendOutcome::kDuplicate,
                                                   AppendOutcome::kConflict}));
}

}  // namespace
}  // namespace rapport::store::internal
