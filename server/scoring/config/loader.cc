#include "server/scoring/config/loader.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "rapport/config/v1/scoring_model.pb.h"
#include "server/scoring/config/convert.h"

namespace rapport::scoring {
namespace {

using ::rapport::config::v1::ScoringModelConfig;

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

absl::Status Parse(absl::string_view text, ConfigFormat format,
                   ScoringModelConfig& config) {
  if (format == ConfigFormat::kJson) {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    const auto status = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(text.data(), text.size()), &config,
        options);
    if (!status.ok()) {
      // The parser's message may go on with a caret diagram: keep line one.
      const absl::string_view message(status.message().data(),
                                      status.message().size());
      return absl::InvalidArgumentError(absl::StrCat(
          "invalid JSON: ", message.substr(0, message.find('\n'))));
    }
    return absl::OkStatus();
  }
  google::protobuf::TextFormat::Parser parser;
  FirstError errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(text), &config)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid textproto: ", errors.error()));
  }
  return absl::OkStatus();
}

absl::Status Prefixed(absl::string_view name, const absl::Status& status) {
  return absl::Status(status.code(),
                      absl::StrCat(name, ": ", status.message()));
}

// The shortest text that reads back as `v`; proto3 JSON's names for the
// non-finite values.
void AppendDouble(double v, std::string& out) {
  if (std::isnan(v)) {
    out += "\"NaN\"";
  } else if (std::isinf(v)) {
    out += v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  } else {
    char buf[32];
    const auto result = std::to_chars(buf, buf + sizeof(buf), v);
    out.append(buf, result.ptr);
  }
}

void AppendString(const std::string& s, std::string& out) {
  out += '"';
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppendFormat(&out, "\\u%04x", c);
    } else {
      out += c;
    }
  }
  out += '"';
}

// Proto3 JSON of `msg` in field-number order with two-space indentation:
// protobuf's own printer puts `optional` fields last, which would bury the
// version at the bottom of the file. Handles what the config holds: set
// scalar (string, int32, double) and message fields.
void AppendJson(const google::protobuf::Message& msg, int depth,
                std::string& out) {
  using google::protobuf::FieldDescriptor;
  const auto* descriptor = msg.GetDescriptor();
  const auto* reflection = msg.GetReflection();
  const std::string indent(2 * (depth + 1), ' ');
  out += "{";
  bool first = true;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (!reflection->HasField(msg, field)) continue;
    absl::StrAppend(&out, first ? "\n" : ",\n", indent, "\"", field->name(),
                    "\": ");
    first = false;
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE:
        AppendJson(reflection->GetMessage(msg, field), depth + 1, out);
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        AppendDouble(reflection->GetDouble(msg, field), out);
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        absl::StrAppend(&out, reflection->GetInt32(msg, field));
        break;
      case FieldDescriptor::CPPTYPE_STRING:
        AppendString(reflection->GetString(msg, field), out);
        break;
      default:
        out += "null";  // Not used by the config.
    }
  }
  absl::StrAppend(&out, first ? "" : "\n",
                  first ? "" : std::string(2 * depth, ' '), "}");
}

}  // namespace

absl::StatusOr<ScoringModel> ParseScoringModel(absl::string_view text,
                                               ConfigFormat format,
                                               absl::string_view name) {
  ScoringModelConfig config;
  if (absl::Status s = Parse(text, format, config); !s.ok()) {
    return Prefixed(name, s);
  }
  absl::StatusOr<ScoringModel> model = ConfigToModel(config);
  if (!model.ok()) return Prefixed(name, model.status());
  if (absl::Status s = ValidateModel(*model); !s.ok()) {
    return Prefixed(name, s);
  }
  return model;
}

absl::StatusOr<ScoringModel> LoadScoringModel(const std::string& path) {
  ConfigFormat format;
  if (absl::EndsWith(path, ".json")) {
    format = ConfigFormat::kJson;
  } else if (absl::EndsWith(path, ".textproto") ||
             absl::EndsWith(path, ".txtpb")) {
    format = ConfigFormat::kTextproto;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": the name must end in .json, .textproto or .txtpb"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot be read"));
  }
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot be read"));
  }
  return ParseScoringModel(text.str(), format, path);
}

std::string ScoringModelToJson(const ScoringModel& model) {
  std::string json;
  AppendJson(ModelToConfig(model), 0, json);
  json += "\n";
  return json;
}

}  // namespace rapport::scoring
