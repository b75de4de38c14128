#include "client/cli/json.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/json_util.h"

namespace rapport::cli {

std::string ToJson(const google::protobuf::Message& message) {
  std::string out;
  // Printing a valid message cannot fail; an empty object is the fallback.
  if (!google::protobuf::util::MessageToJsonString(message, &out).ok()) {
    return "{}";
  }
  return out;
}

absl::Status FromJson(absl::string_view json,
                      google::protobuf::Message* message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), message,
      options);
  if (!status.ok()) {
    // The parser appends the input and a caret on further lines; the first
    // line says what is wrong.
    const std::string message(status.message());
    return absl::InvalidArgumentError(message.substr(0, message.find('\n')));
  }
  return absl::OkStatus();
}

std::string JsonQuote(absl::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

JsonObject& JsonObject::Add(absl::string_view key, absl::string_view value) {
  return AddRaw(key, JsonQuote(value));
}

JsonObject& JsonObject::Add(absl::string_view key, const char* value) {
  return Add(key, absl::string_view(value));
}

JsonObject& JsonObject::Add(absl::string_view key, int64_t value) {
  return AddRaw(key, absl::StrCat(value));
}

JsonObject& JsonObject::Add(absl::string_view key, int value) {
  return AddRaw(key, absl::StrCat(value));
}

JsonObject& JsonObject::Add(absl::string_view key, bool value) {
  return AddRaw(key, value ? "true" : "false");
}

JsonObject& JsonObject::AddDouble(absl::string_view key, double value) {
  return AddRaw(key,
                std::isfinite(value) ? absl::StrFormat("%.6g", value) : "null");
}

JsonObject& JsonObject::AddRaw(absl::string_view key, absl::string_view json) {
  if (!body_.empty()) body_ += ",";
  absl::StrAppend(&body_, JsonQuote(key), ":", json);
  return *this;
}

JsonObject& JsonObject::AddStrings(absl::string_view key,
                                   const std::vector<std::string>& values) {
  std::string array = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    absl::StrAppend(&array, i > 0 ? "," : "", JsonQuote(values[i]));
  }
  return AddRaw(key, array + "]");
}

JsonObject& JsonObject::AddObjects(absl::string_view key,
                                   const std::vector<JsonObject>& values) {
  std::string array = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    absl::StrAppend(&array, i > 0 ? "," : "", values[i].ToString());
  }
  return AddRaw(key, array + "]");
}

std::string JsonObject::ToString() const { return "{" + body_ + "}"; }

}  // namespace rapport::cli
