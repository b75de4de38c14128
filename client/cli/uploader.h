// Streams events to ActivityService.IngestEvents in batches, over one client
// stream per `events_per_stream` events, and maps the server's rejections
// (batch_index, event_index) back to the caller's own reference for each
// event: a line number for a file, an ordinal for generated events.
#ifndef RAPPORT_CLIENT_CLI_UPLOADER_H_
#define RAPPORT_CLIENT_CLI_UPLOADER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "client/cli/client.h"
#include "rapport/v1/activity.pb.h"

namespace rapport::cli {

struct UploadOptions {
  // Events per IngestEventsRequest; the server accepts up to its limit
  // (1000 by default).
  int batch_size = 500;
  // Events per stream; each stream's response acknowledges its events.
  int64_t events_per_stream = 50'000;
};

// A rejected event, with the reference the caller gave it.
struct Rejection {
  int64_t tag = 0;
  std::string event_id;
  std::string field;
  std::string reason;
};

struct UploadSummary {
  int64_t sent = 0;          // Events written to a stream.
  int64_t acknowledged = 0;  // Of those, in a stream that was answered.
  int64_t accepted = 0;
  int64_t duplicate = 0;
  int64_t conflicting = 0;  // Known event ids with another payload.
  int64_t rejected = 0;
  int streams = 0;
  int batches = 0;
  // The rejections the server listed (at most 1000 per stream), in stream
  // order (by tag within a stream).
  std::vector<Rejection> rejections;
  // The conflicting event ids the server listed, in stream order.
  std::vector<std::string> conflicting_event_ids;
};

// Not thread-safe. Does not own the client.
class EventUploader {
 public:
  EventUploader(Client& client, UploadOptions options);
  // Cancels a stream left open (events of an unsent batch are lost).
  ~EventUploader();

  // Queues the event; sends a batch when it is full and ends the stream after
  // events_per_stream events. Returns the RPC's error when a stream failed
  // (every stream before it stays committed, see summary()); the uploader
  // must not be used after an error.
  absl::Status Add(rapport::v1::Event event, int64_t tag);
  // Sends what is queued and ends the open stream.
  absl::Status Finish();

  const UploadSummary& summary() const { return summary_; }

 private:
  absl::Status SendBatch();
  absl::Status CloseStream();

  Client& client_;
  const UploadOptions options_;
  UploadSummary summary_;
  rapport::v1::IngestEventsRequest batch_;
  std::vector<int64_t> batch_tags_;
  // The open stream, if any, and the tags of each batch written to it.
  std::unique_ptr<grpc::ClientContext> context_;
  rapport::v1::IngestEventsResponse response_;
  std::unique_ptr<grpc::ClientWriterInterface<rapport::v1::IngestEventsRequest>>
      writer_;
  std::vector<std::vector<int64_t>> stream_tags_;
  int64_t stream_events_ = 0;
};

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_UPLOADER_H_
