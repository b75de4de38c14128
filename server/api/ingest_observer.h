// A hook that sees what ingestion does, for metrics. Called on the writer
// thread after each committed batch.
#ifndef RAPPORT_SERVER_API_INGEST_OBSERVER_H_
#define RAPPORT_SERVER_API_INGEST_OBSERVER_H_

#include <cstdint>

#include "absl/time/time.h"

namespace rapport::api {

class IngestObserver {
 public:
  virtual ~IngestObserver() = default;
  // One batch: its outcome counts and how long the store took to commit it.
  virtual void OnBatch(int64_t accepted, int64_t duplicate, int64_t rejected,
                       absl::Duration store_latency) = 0;
};

// Observes nothing.
class NoopIngestObserver final : public IngestObserver {
 public:
  void OnBatch(int64_t, int64_t, int64_t, absl::Duration) override {}
};

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_INGEST_OBSERVER_H_
