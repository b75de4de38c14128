// `rapport ingest` and `rapport members upsert` files: JSON lines of
// rapport.v1.Event or rapport.v1.Member (client/cli/jsonl.h). The first
// byte picks the message type; the rest is the file. Checks:
//   - JsonLinesReader::Next errors are INVALID_ARGUMENT "line N: ..." with
//     the line being read, and reading goes on after them;
//   - ScanJsonLines counts the same valid and invalid lines as Next;
//   - every message read, written back with WriteJsonLine, reads back equal.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/cli/jsonl.h"
#include "google/protobuf/util/message_differencer.h"
#include "rapport/v1/activity.pb.h"
#include "tests/fuzz/fuzz_util.h"

namespace rapport::fuzz {
namespace {

template <typename T>
void ReadLines(const std::string& text) {
  std::istringstream in(text);
  cli::JsonLinesReader reader(in);
  T message;
  int64_t valid = 0, invalid = 0;
  for (int guard = 0; guard < 100000; ++guard) {
    absl::StatusOr<bool> next = reader.Next(&message);
    if (!next.ok()) {
      ExpectCodeIn(next.status(), {absl::StatusCode::kInvalidArgument},
                   "JsonLinesReader::Next");
      Check(absl::StartsWith(next.status().message(),
                             absl::StrCat("line ", reader.line(), ": ")),
            "a line error that does not name its line");
      ++invalid;
      continue;
    }
    if (!*next) break;
    ++valid;
    std::ostringstream out;
    Check(cli::WriteJsonLine(message, out), "WriteJsonLine");
    std::istringstream again_in(out.str());
    cli::JsonLinesReader again(again_in);
    T copy;
    absl::StatusOr<bool> read_back = again.Next(&copy);
    if (!read_back.ok())
      Fail("a written line does not read back", read_back.status());
    Check(*read_back, "a written line reads as the end");
    Check(google::protobuf::util::MessageDifferencer::Equals(message, copy),
          "a message changes through WriteJsonLine");
  }
  // The count takes every line as ended by a newline, the last one too.
  Check(reader.bytes() <= static_cast<int64_t>(text.size()) + 1, "bytes read");

  std::istringstream scan_in(text);
  T scratch;
  int64_t seen = 0;
  absl::StatusOr<cli::ScanResult> scan = cli::ScanJsonLines(
      scan_in, &scratch, [&](google::protobuf::Message&, int64_t) { ++seen; });
  if (!scan.ok()) Fail("ScanJsonLines of a string stream", scan.status());
  Check(scan->messages == valid && seen == valid,
        "ScanJsonLines and Next disagree on the valid lines");
  Check(scan->bad_lines == invalid,
        "ScanJsonLines and Next disagree on the invalid lines");
  if (scan->bad_lines > 0) {
    std::ostringstream err;
    ExpectCodeIn(cli::ReportBadLines("input.jsonl", *scan, err),
                 {absl::StatusCode::kInvalidArgument}, "ReportBadLines");
  }
}

}  // namespace
}  // namespace rapport::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rapport::fuzz;  // NOLINT: the entry point is global.
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] % 2 == 0) {
    ReadLines<rapport::v1::Event>(text);
  } else {
    ReadLines<rapport::v1::Member>(text);
  }
  return 0;
}
