// JSON lines: one protobuf message per line in the proto3 JSON mapping.
#ifndef RAPPORT_CLIENT_CLI_JSONL_H_
#define RAPPORT_CLIENT_CLI_JSONL_H_

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace rapport::cli {

// Reads messages from a stream, one per line; blank lines are skipped but
// counted, so line numbers match the file. Not thread-safe; does not own the
// stream.
class JsonLinesReader {
 public:
  explicit JsonLinesReader(std::istream& in) : in_(in) {}

  // Reads the next message into *message (cleared first). Returns true, or
  // false at the end of the input; INVALID_ARGUMENT "line N: <reason>" for a
  // line that is not a valid message, after which reading may continue with
  // the next line; DATA_LOSS when the stream fails.
  absl::StatusOr<bool> Next(google::protobuf::Message* message);

  // The 1-based number of the line last read; 0 before the first.
  int64_t line() const { return line_; }
  // Bytes consumed so far (for progress).
  int64_t bytes() const { return bytes_; }

 private:
  std::istream& in_;
  std::string buffer_;
  int64_t line_ = 0;
  int64_t bytes_ = 0;
};

// What ScanJsonLines found.
struct ScanResult {
  int64_t messages = 0;   // Valid lines.
  int64_t bad_lines = 0;  // Invalid lines.
  // "line N: <reason>" for the first few invalid lines.
  std::vector<std::string> first_errors;
};

// Reads every line of in into *scratch and calls on_message(*scratch, line)
// for each valid one (the callback may move from it). Returns DATA_LOSS when
// the stream fails.
absl::StatusOr<ScanResult> ScanJsonLines(
    std::istream& in, google::protobuf::Message* scratch,
    absl::FunctionRef<void(google::protobuf::Message&, int64_t)> on_message,
    int max_errors = 20);

// Prints "<name>: line N: <reason>" for each listed error on err and returns
// INVALID_ARGUMENT "<name>: N invalid lines; nothing was sent".
absl::Status ReportBadLines(const std::string& name, const ScanResult& scan,
                            std::ostream& err);

// Writes message as one JSON line. Returns false when the stream failed.
bool WriteJsonLine(const google::protobuf::Message& message, std::ostream& out);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_JSONL_H_
