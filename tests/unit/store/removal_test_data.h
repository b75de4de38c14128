// Helpers of the erasure and retention tests, for any Store: random but
// valid event sets over several members, contacts and threads, and what the
// Store interface shows of members, to compare a store that had events
// removed with a fresh store that never had them.
#ifndef RAPPORT_TESTS_UNIT_STORE_REMOVAL_TEST_DATA_H_
#define RAPPORT_TESTS_UNIT_STORE_REMOVAL_TEST_DATA_H_

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/model/event.h"
#include "server/store/store.h"
#include "tests/unit/store/store_test_data.h"

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
inline void Feed(Store& store, const TenantId& tenant,
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

// What the Store interface shows of each member: the maintained fields and
// the activity over [from, to].
inline std::string DescribeMembers(Store& store, const TenantId& tenant,
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

#endif  // RAPPORT_TESTS_UNIT_STORE_REMOVAL_TEST_DATA_H_
