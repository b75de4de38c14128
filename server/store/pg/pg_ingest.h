// Applies a batch of events inside the caller's PostgreSQL transaction, as
// the SQLite store's IngestEvents (server/store/event_ingest.h) does, in a
// few whole-batch statements.
#ifndef RAPPORT_SERVER_STORE_PG_PG_INGEST_H_
#define RAPPORT_SERVER_STORE_PG_PG_INGEST_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "server/model/event.h"
#include "server/store/pg/pg_connection.h"
#include "server/store/store.h"

namespace rapport::store::pg {

struct IngestResult {
  std::vector<AppendOutcome> outcomes;  // One per event, in order.
  std::vector<std::string> members;     // With accepted events, ordered.
};

// One outcome per event (see Store::AppendEvents and internal::IngestEvents):
// stores the new events, grows daily_counts and the members' event_count and
// last_event_time, folds or recomputes the touched threads and contacts,
// and enqueues history work with one new version. Locks the batch's member
// rows first (in member_id order), so that concurrent batches of a tenant
// touching one member apply one after the other and each sees the other's
// events. On error the caller must roll back.
absl::StatusOr<IngestResult> IngestEvents(
    Connection& conn, const TenantId& tenant,
    absl::Span<const model::Event> events);

}  // namespace rapport::store::pg

#endif  // RAPPORT_SERVER_STORE_PG_PG_INGEST_H_
