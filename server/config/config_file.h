// Config files of rapportd (the scoring model, the auth config): a protobuf
// message as JSON (".json") or textproto (".textproto", ".txtpb"), unknown
// fields refused. Messages are written for the operator who edits the file.
#ifndef RAPPORT_SERVER_CONFIG_CONFIG_FILE_H_
#define RAPPORT_SERVER_CONFIG_CONFIG_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace rapport::config {

enum class ConfigFormat {
  kJson,       // Proto3 JSON; field names as in the .proto or lowerCamelCase.
  kTextproto,  // Protobuf text format.
};

// The format the name of `path` selects; INVALID_ARGUMENT "<path>: the name
// must end in .json, .textproto or .txtpb" otherwise.
absl::StatusOr<ConfigFormat> FormatOfPath(const std::string& path);

// The whole file; NOT_FOUND "<path>: cannot be read" (also for a
// directory).
absl::StatusOr<std::string> ReadConfigFile(const std::string& path);

// Parses `text` into `message`: INVALID_ARGUMENT "invalid JSON: <the
// parser's first line>" or "invalid textproto: line L, column C: <message>".
absl::Status ParseConfigText(absl::string_view text, ConfigFormat format,
                             google::protobuf::Message& message);

}  // namespace rapport::config

#endif  // RAPPORT_SERVER_CONFIG_CONFIG_FILE_H_
