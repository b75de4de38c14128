#include "client/cli/jsonl.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "client/cli/json.h"

namespace rapport::cli {

absl::StatusOr<bool> JsonLinesReader::Next(google::protobuf::Message* message) {
  while (std::getline(in_, buffer_)) {
    ++line_;
    bytes_ += static_cast<int64_t>(buffer_.size()) + 1;
    const absl::string_view text = absl::StripAsciiWhitespace(buffer_);
    if (text.empty()) continue;
    message->Clear();
    if (absl::Status s = FromJson(text, message); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_, ": ", s.message()));
    }
    return true;
  }
  if (in_.bad()) {
    return absl::DataLossError(absl::StrCat("read error after line ", line_));
  }
  return false;
}

absl::StatusOr<ScanResult> ScanJsonLines(
    std::istream& in, google::protobuf::Message* scratch,
    absl::FunctionRef<void(google::protobuf::Message&, int64_t)> on_message,
    int max_errors) {
  ScanResult result;
  JsonLinesReader reader(in);
  while (true) {
    absl::StatusOr<bool> next = reader.Next(scratch);
    if (!next.ok()) {
      if (next.status().code() != absl::StatusCode::kInvalidArgument) {
        return next.status();
      }
      if (++result.bad_lines <= max_errors) {
        result.first_errors.emplace_back(next.status().message());
      }
      continue;
    }
    if (!*next) return result;
    ++result.messages;
    on_message(*scratch, reader.line());
  }
}

absl::Status ReportBadLines(const std::string& name, const ScanResult& scan,
                            std::ostream& err) {
  for (const std::string& e : scan.first_errors)
    err << name << ": " << e << "\n";
  if (scan.bad_lines > static_cast<int64_t>(scan.first_errors.size())) {
    err << name << ": ... and "
        << scan.bad_lines - static_cast<int64_t>(scan.first_errors.size())
        << " more invalid lines\n";
  }
  return absl::InvalidArgumentError(
      absl::StrCat(name, ": ", scan.bad_lines, " invalid line",
                   scan.bad_lines == 1 ? "" : "s", "; nothing was sent"));
}

bool WriteJsonLine(const google::protobuf::Message& message,
                   std::ostream& out) {
  out << ToJson(message) << '\n';
  return static_cast<bool>(out);
}

}  // namespace rapport::cli
