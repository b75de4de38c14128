// JSON for the CLI: protobuf messages in the proto3 JSON mapping, and a small
// ordered object builder for the CLI's own summaries (whose keys follow the
// same lowerCamelCase convention).
#ifndef RAPPORT_CLIENT_CLI_JSON_H_
#define RAPPORT_CLIENT_CLI_JSON_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace rapport::cli {

// The message on one line in the proto3 JSON mapping (lowerCamelCase names,
// enums by name, default values omitted).
std::string ToJson(const google::protobuf::Message& message);

// Parses one JSON object into message, rejecting unknown fields. Returns
// INVALID_ARGUMENT with the parser's reason.
absl::Status FromJson(absl::string_view json,
                      google::protobuf::Message* message);

// A JSON string literal, quotes included.
std::string JsonQuote(absl::string_view text);

// Builds one JSON object, keys in insertion order. Not thread-safe.
class JsonObject {
 public:
  JsonObject& Add(absl::string_view key, absl::string_view value);
  JsonObject& Add(absl::string_view key, const char* value);
  JsonObject& Add(absl::string_view key, int64_t value);
  JsonObject& Add(absl::string_view key, int value);
  JsonObject& Add(absl::string_view key, bool value);
  // Printed with up to 6 significant digits; non-finite values as null.
  JsonObject& AddDouble(absl::string_view key, double value);
  // value must already be JSON (an object, an array, a number).
  JsonObject& AddRaw(absl::string_view key, absl::string_view json);
  JsonObject& AddStrings(absl::string_view key,
                         const std::vector<std::string>& values);
  JsonObject& AddObjects(absl::string_view key,
                         const std::vector<JsonObject>& values);

  std::string ToString() const;

 private:
  std::string body_;
};

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_JSON_H_
