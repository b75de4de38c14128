#include "server/scoring/config/loader.h"

#include <charconv>
#include <cmath>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "rapport/config/v1/scoring_model.pb.h"
#include "server/config/config_file.h"
#include "server/scoring/config/convert.h"

namespace rapport::scoring {
namespace {

using ::rapport::config::v1::ScoringModelConfig;

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
  if (absl::Status s = config::ParseConfigText(text, format, config); !s.ok()) {
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
  absl::StatusOr<ConfigFormat> format = config::FormatOfPath(path);
  if (!format.ok()) return format.status();
  absl::StatusOr<std::string> text = config::ReadConfigFile(path);
  if (!text.ok()) return text.status();
  return ParseScoringModel(*text, *format, path);
}

std::string ScoringModelToJson(const ScoringModel& model) {
  std::string json;
  AppendJson(ModelToConfig(model), 0, json);
  json += "\n";
  return json;
}

}  // namespace rapport::scoring
