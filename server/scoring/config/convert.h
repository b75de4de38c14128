// Conversions between the config message rapport.config.v1.ScoringModelConfig
// and ScoringModel. Pure; thread-safe.
#ifndef RAPPORT_SERVER_SCORING_CONFIG_CONVERT_H_
#define RAPPORT_SERVER_SCORING_CONFIG_CONVERT_H_

#include "absl/status/statusor.h"
#include "rapport/config/v1/scoring_model.pb.h"
#include "server/scoring/model.h"

namespace rapport::scoring {

// The model a config states. Every field of the config is required:
// INVALID_ARGUMENT "<field path>: required" names the first one missing
// (depth first, in field-number order). Does not run ValidateModel().
absl::StatusOr<ScoringModel> ConfigToModel(
    const rapport::config::v1::ScoringModelConfig& config);

// The config stating `model`, every field set: ConfigToModel() of it gives
// `model` back.
rapport::config::v1::ScoringModelConfig ModelToConfig(
    const ScoringModel& model);

}  // namespace rapport::scoring

#endif  // RAPPORT_SERVER_SCORING_CONFIG_CONVERT_H_
