// Counters of ingestion and the latency of store commits.
#ifndef RAPPORT_SERVER_METRICS_INGEST_METRICS_H_
#define RAPPORT_SERVER_METRICS_INGEST_METRICS_H_

#include "prometheus/counter.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "server/api/ingest_observer.h"

namespace rapport::metrics {

// Registers its families in `registry` at construction. Thread-safe.
class IngestMetrics final : public api::IngestObserver {
 public:
  explicit IngestMetrics(prometheus::Registry& registry);
  void OnBatch(int64_t accepted, int64_t duplicate, int64_t rejected,
               absl::Duration store_latency) override;

 private:
  prometheus::Counter& accepted_;
  prometheus::Counter& duplicate_;
  prometheus::Counter& rejected_;
  prometheus::Counter& batches_;
  prometheus::Histogram& commit_seconds_;
};

}  // namespace rapport::metrics

#endif  // RAPPORT_SERVER_METRICS_INGEST_METRICS_H_
