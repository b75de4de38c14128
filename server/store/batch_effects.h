// What a batch of accepted events changes in a store's aggregates, gathered
// once per member, daily bucket, thread and contact, so that each store
// applies it with one write of each; and the audit detail of an ingest
// batch. Shared by the SQLite and the PostgreSQL store: what ingest changes
// is defined once.
#ifndef RAPPORT_SERVER_STORE_BATCH_EFFECTS_H_
#define RAPPORT_SERVER_STORE_BATCH_EFFECTS_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/span.h"
#include "server/model/event.h"
#include "server/store/daily_count_table.h"
#include "server/store/store.h"

namespace rapport::store::internal {

// A member and one of its threads or contacts.
using MemberKey = std::pair<std::string, std::string>;

// The events of threads and contacts are pointers to those given to Add:
// the batch must outlive its effects.
struct BatchEffects {
  struct MemberDelta {
    int64_t events = 0;
    absl::Time earliest = absl::InfiniteFuture();
    absl::Time latest = absl::InfinitePast();
  };
  std::map<std::string, MemberDelta> members;
  std::map<MemberKey, std::vector<const model::Event*>> threads;
  std::map<MemberKey, std::vector<const model::Event*>> contacts;
  std::map<DailyBucket, int64_t> buckets;

  // Counts one accepted event: its member's delta, its daily bucket, and its
  // thread and contact when it belongs to them.
  void Add(const model::Event& e);
};

// Sorts a thread's or contact's new events as the stores read them: by
// (occur_time, event_id).
void SortAsStored(std::vector<model::Event>& events);
void SortAsStored(std::vector<const model::Event*>& events);

// The audit detail of an ingest batch: "events=4 accepted=3 duplicates=1"
// with the outcomes that occurred, in the order of AppendOutcome.
std::string IngestAuditDetail(absl::Span<const AppendOutcome> outcomes);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_BATCH_EFFECTS_H_
