// Loads the scoring model from a versioned config file: the JSON or
// textproto form of rapport.config.v1.ScoringModelConfig
// (proto/rapport/config/v1/scoring_model.proto), as selected by the
// server's --model_config flag. Reads the file system; thread-safe.
#ifndef RAPPORT_SERVER_SCORING_CONFIG_LOADER_H_
#define RAPPORT_SERVER_SCORING_CONFIG_LOADER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/config/config_file.h"
#include "server/scoring/model.h"

namespace rapport::scoring {

using ConfigFormat = config::ConfigFormat;

// Reads, converts and validates the model in `path`: JSON when the name ends
// in ".json", textproto for ".textproto" or ".txtpb". Every message starts
// with "<path>: " and names the field at fault:
// - NOT_FOUND when the file cannot be read;
// - INVALID_ARGUMENT for another extension, a syntax error or unknown field,
//   a missing field ("<path>: find_right_people.reply_rate.target:
//   required"), or a model ValidateModel() rejects.
absl::StatusOr<ScoringModel> LoadScoringModel(const std::string& path);

// As LoadScoringModel, from `text` in `format`; `name` starts the messages.
absl::StatusOr<ScoringModel> ParseScoringModel(absl::string_view text,
                                               ConfigFormat format,
                                               absl::string_view name);

// `model` as the JSON the deploy/scoring/ files hold: every field, names as
// in the .proto, two-space indentation, a final newline.
std::string ScoringModelToJson(const ScoringModel& model);

}  // namespace rapport::scoring

#endif  // RAPPORT_SERVER_SCORING_CONFIG_LOADER_H_
