#include "server/config/config_file.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"

namespace rapport::config {
namespace {

// Keeps the first text-format error as "line L, column C: message".
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (error_.empty()) {
      error_ = absl::StrCat("line ", line + 1, ", column ", column + 1, ": ",
                            message);
    }
  }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
};

}  // namespace

absl::StatusOr<ConfigFormat> FormatOfPath(const std::string& path) {
  if (absl::EndsWith(path, ".json")) return ConfigFormat::kJson;
  if (absl::EndsWith(path, ".textproto") || absl::EndsWith(path, ".txtpb")) {
    return ConfigFormat::kTextproto;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": the name must end in .json, .textproto or .txtpb"));
}

absl::StatusOr<std::string> ReadConfigFile(const std::string& path) {
  std::error_code error;
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path, error)) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot be read"));
  }
  std::string text{std::istreambuf_iterator<char>(in),
                   std::istreambuf_iterator<char>()};
  if (in.bad()) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot be read"));
  }
  return text;
}

absl::Status ParseConfigText(absl::string_view text, ConfigFormat format,
                             google::protobuf::Message& message) {
  if (format == ConfigFormat::kJson) {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    const auto status = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(text.data(), text.size()), &message,
        options);
    if (!status.ok()) {
      // The parser's message may go on with a caret diagram: keep line one.
      const absl::string_view reason(status.message().data(),
                                     status.message().size());
      return absl::InvalidArgumentError(
          absl::StrCat("invalid JSON: ", reason.substr(0, reason.find('\n'))));
    }
    return absl::OkStatus();
  }
  google::protobuf::TextFormat::Parser parser;
  FirstError errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(text), &message)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid textproto: ", errors.error()));
  }
  return absl::OkStatus();
}

}  // namespace rapport::config
