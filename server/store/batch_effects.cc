#include "server/store/batch_effects.h"

#include <algorithm>
#include <iterator>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "server/model/enums.h"

namespace rapport::store::internal {

void BatchEffects::Add(const model::Event& e) {
  MemberDelta& delta = members[e.member_id];
  ++delta.events;
  delta.earliest = std::min(delta.earliest, e.occur_time);
  delta.latest = std::max(delta.latest, e.occur_time);
  buckets[BucketOf(e)] += e.quantity;
  if (model::IsThreadEvent(e.type) && !e.thread_id.empty()) {
    threads[{e.member_id, e.thread_id}].push_back(&e);
  }
  if (model::IsContactEvent(e.type) && !e.contact.contact_id.empty()) {
    contacts[{e.member_id, e.contact.contact_id}].push_back(&e);
  }
}

void SortAsStored(std::vector<model::Event>& events) {
  std::sort(events.begin(), events.end(),
            [](const model::Event& a, const model::Event& b) {
              return std::tie(a.occur_time, a.event_id) <
                     std::tie(b.occur_time, b.event_id);
            });
}

void SortAsStored(std::vector<const model::Event*>& events) {
  std::sort(events.begin(), events.end(),
            [](const model::Event* a, const model::Event* b) {
              return std::tie(a->occur_time, a->event_id) <
                     std::tie(b->occur_time, b->event_id);
            });
}

std::string IngestAuditDetail(absl::Span<const AppendOutcome> outcomes) {
  constexpr const char* kNames[] = {"accepted",       "duplicates",
                                    "unknown_member", "conflicts",
                                    "erased_member",  "erased_contact"};
  int64_t counts[std::size(kNames)] = {};
  for (AppendOutcome outcome : outcomes) ++counts[static_cast<int>(outcome)];
  std::string summary = absl::StrCat("events=", outcomes.size());
  for (size_t i = 0; i < std::size(kNames); ++i) {
    if (counts[i] > 0)
      absl::StrAppend(&summary, " ", kNames[i], "=", counts[i]);
  }
  return summary;
}

}  // namespace rapport::store::internal
