// Derives a thread's and a contact's state from their events. Pure: the
// result depends only on the set of events, never on the order they were
// ingested in, which is what makes out-of-order ingestion exact.
//
// Both functions take the events sorted by (occur_time, event_id), the order
// the store reads them in; that order breaks ties between simultaneous events
// deterministically. Events of other types are ignored.
#ifndef RAPPORT_SERVER_STORE_ACTIVITY_STATE_H_
#define RAPPORT_SERVER_STORE_ACTIVITY_STATE_H_

#include "absl/types/span.h"
#include "server/model/activity.h"
#include "server/model/event.h"

namespace rapport::store::internal {

// The state of the thread made of `events` (its messages and follow-ups,
// model::IsThreadEvent). thread_id, contact_id and channel come from the first
// message; seniority and category are the latest non-default values.
// first_reply_time is the first inbound message strictly after the first
// outbound one; first_answer_time the first outbound one strictly after the
// first inbound one; follow_ups_before_reply counts follow-ups strictly
// before first_reply_time, or all of them when there is no reply.
model::ThreadState DeriveThreadState(absl::Span<const model::Event> events);

// The state of the contact involved in `events` (model::IsContactEvent).
// seniority, category, industry and region are the latest non-default values;
// met_at_event_time is the latest kContactMetAtEvent, and
// followed_up_after_event_time the first outbound message or follow-up at or
// after it; connection times are the first request / acceptance.
model::ContactState DeriveContactState(absl::Span<const model::Event> events);

// Folding: the state of earlier events plus `later` ones, without the
// earlier events. `later` is sorted by (occur_time, event_id) and each of its
// events of the relevant types is strictly later than every earlier one of
// those types (ties are ordered by event_id, which the state does not keep);
// `has_earlier` says whether there were any (if not, `state` is
// default-constructed). Under those conditions the result is exactly what
// Derive*State returns for the earlier events followed by `later`.
// `later` points at the events (ingest folds a batch's events in place).
void FoldThreadEvents(absl::Span<const model::Event* const> later,
                      bool has_earlier, model::ThreadState& state);
void FoldContactEvents(absl::Span<const model::Event* const> later,
                       bool has_earlier, model::ContactState& state);

}  // namespace rapport::store::internal

#endif  // RAPPORT_SERVER_STORE_ACTIVITY_STATE_H_
