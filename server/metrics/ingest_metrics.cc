#include "server/metrics/ingest_metrics.h"

namespace rapport::metrics {
namespace {

prometheus::Family<prometheus::Counter>& EventsFamily(
    prometheus::Registry& registry) {
  return prometheus::BuildCounter()
      .Name("rapport_ingest_events_total")
      .Help("Events received by IngestEvents, by outcome.")
      .Register(registry);
}

}  // namespace

IngestMetrics::IngestMetrics(prometheus::Registry& registry)
    : accepted_(EventsFamily(registry).Add({{"outcome", "accepted"}})),
      duplicate_(EventsFamily(registry).Add({{"outcome", "duplicate"}})),
      rejected_(EventsFamily(registry).Add({{"outcome", "rejected"}})),
      batches_(prometheus::BuildCounter()
                   .Name("rapport_ingest_batches_total")
                   .Help("Event batches committed by IngestEvents.")
                   .Register(registry)
                   .Add({})),
      commit_seconds_(
          prometheus::BuildHistogram()
              .Name("rapport_store_commit_seconds")
              .Help("Time the store took to commit one event batch.")
              .Register(registry)
              .Add({}, prometheus::Histogram::BucketBoundaries{
                           0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                           0.25, 0.5, 1, 2.5})) {}

void IngestMetrics::OnBatch(int64_t accepted, int64_t duplicate,
                            int64_t rejected, absl::Duration store_latency) {
  accepted_.Increment(static_cast<double>(accepted));
  duplicate_.Increment(static_cast<double>(duplicate));
  rejected_.Increment(static_cast<double>(rejected));
  batches_.Increment();
  commit_seconds_.Observe(absl::ToDoubleSeconds(store_latency));
}

}  // namespace rapport::metrics
