// Helpers of the erasure and retention tests: random but valid event sets
// over several members, contacts and threads, and a dump of every aggregate
// a file store holds for a tenant, to compare a store that had events removed
// with a fresh store that never had them.
#ifndef RAPPORT_TESTS_UNIT_STORE_REMOVAL_TEST_UTIL_H_
#define RAPPORT_TESTS_UNIT_STORE_REMOVAL_TEST_UTIL_H_

#include <sqlite3.h>

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/model/event.h"
#include "server/store/sqlite_store.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::store::testing {

struct EventMix {
  std::vector<std::string> members;
  std::vector<std::string> contacts;
  int threads_per_member = 4;
  absl::Time start;
  int days = 10;
  std::string id_prefix = "e";
};

// `n` events of random types, members and times in [start, start + days).
// Thread messages mostly go to the thread's own contact and sometimes to
// another (a thread whose events involve two contacts); about one event in
// eight shares the time of the event before it.
inline std::vector<model::Event> RandomEvents(std::mt19937& rng, int n,
                                              const EventMix& mix) {
  auto pick = [&rng](int size) {
    return std::uniform_int_distribution<int>(0, size - 1)(rng);
  };
  const char* kIndustries[] = {"finance", "retail", ""};
  const char* kRegions[] = {"eu", "us", ""};
  std::vector<model::Event> events;
  absl::Time previous = mix.start;
  for (int i = 0; i < n; ++i) {
    model::Event e;
    e.event_id = absl::StrCat(mix.id_prefix, i);
    const int member = pick(mix.members.size());
    e.member_id = mix.members[member];
    e.type = static_cast<model::EventType>(1 + pick(model::kMaxEventType));
    e.occur_time = pick(8) == 0
                       ? previous
                       : mix.start + absl::Minutes(pick(mix.days * 1440)) +
                             absl::Seconds(pick(60));
    previous = e.occur_time;
    if (model::IsContactEvent(e.type)) {
      int contact = pick(mix.contacts.size());
      if (model::IsThreadEvent(e.type)) {
        const int thread = pick(mix.threads_per_member);
        e.thread_id = absl::StrCat("t", thread);
        if (pick(4) != 0) {
          contact = (member * 7 + thread) % mix.contacts.size();
        }
      }
      e.contact.contact_id = mix.contacts[contact];
      e.contact.seniority =
          static_cast<model::Seniority>(pick(model::kMaxSeniority + 1));
      e.contact.category = static_cast<model::NetworkCategory>(
          pick(model::kMaxNetworkCategory + 1));
      e.contact.industry = kIndustries[pick(3)];
      e.contact.region = kRegions[pick(3)];
    }
    if (model::NeedsChannel(e.type)) {
      e.channel = static_cast<model::Channel>(1 + pick(model::kMaxChannel));
    }
    e.quantity = model::IsCountedEvent(e.type) ? 1 + pick(4) : 1;
    events.push_back(std::move(e));
  }
  return events;
}

// Creates the members and appends the events in batches of `batch`.
inline void Feed(SqliteStore& store, const TenantId& tenant,
                 const std::vector<std::string>& members,
                 const std::vector<model::Event>& events, size_t batch = 97) {
  for (const std::string& m : members) {
    ASSERT_TRUE(store.UpsertMember(tenant, MakeMember(m), At(0)).ok());
  }
  for (size_t i = 0; i < events.size(); i += batch) {
    const size_t end = std::min(events.size(), i + batch);
    auto outcomes = store.AppendEvents(
        tenant, absl::MakeConstSpan(events.data() + i, end - i));
    ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  }
}

// Every row `sql` returns (?1 bound to `tenant`), one line per row, columns
// separated by '|', NULL as "NULL".
inline std::string DumpRows(sqlite3* db, const std::string& sql,
                            const std::string& tenant) {
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  if (stmt == nullptr) return "";
  sqlite3_bind_text(stmt, 1, tenant.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<std::string> lines;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::vector<std::string> cols;
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      const unsigned char* text = sqlite3_column_text(stmt, c);
      cols.push_back(text == nullptr ? "NULL"
                                     : reinterpret_cast<const char*>(text));
    }
    lines.push_back(absl::StrJoin(cols, "|"));
  }
  sqlite3_finalize(stmt);
  return absl::StrJoin(lines, "\n");
}

// The tenant's events and every aggregate ingest maintains for them, as
// stored in the database file at `path` (read through its own connection).
inline std::string DumpAggregates(const std::string& path,
                                  const TenantId& tenant) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  std::string dump;
  for (const char* sql :
       {"SELECT member_id, event_count, last_event_time FROM members "
        "WHERE tenant = ?1 ORDER BY member_id",
        // Every column but id, the row's place in ingest order.
        "SELECT tenant, event_id, member_id, occur_time, type, channel, "
        "contact_id, seniority, contact_industry, contact_region, "
        "contact_category, thread_id, content_id, quantity "
        "FROM events WHERE tenant = ?1 ORDER BY event_id",
        "SELECT * FROM daily_counts WHERE tenant = ?1 "
        "ORDER BY member_id, day, type, channel, seniority",
        "SELECT * FROM threads WHERE tenant = ?1 ORDER BY member_id, thread_id",
        "SELECT * FROM contacts WHERE tenant = ?1 "
        "ORDER BY member_id, contact_id"}) {
    absl::StrAppend(&dump, sql, "\n", DumpRows(db, sql, tenant), "\n");
  }
  sqlite3_close(db);
  return dump;
}

// What the Store interface shows of each member: the maintained fields and
// the activity over [from, to].
inline std::string DescribeMembers(SqliteStore& store, const TenantId& tenant,
                                   const std::vector<std::string>& members,
                                   absl::Time from, absl::Time to) {
  std::string out;
  for (const std::string& m : members) {
    auto member = store.GetMember(tenant, m);
    EXPECT_TRUE(member.ok()) << member.status();
    if (!member.ok()) continue;
    auto activity = store.ReadActivity(tenant, m, from, to);
    EXPECT_TRUE(activity.ok()) << activity.status();
    if (!activity.ok()) continue;
    absl::StrAppend(&out, m, " events=", member->event_count,
                    " last=", Str(member->last_event_time), "\n",
                    Describe(*activity), "\n");
  }
  return out;
}

}  // namespace rapport::store::testing

#endif  // RAPPORT_TESTS_UNIT_STORE_REMOVAL_TEST_UTIL_H_
