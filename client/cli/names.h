// Names of the API's enums as the CLI shows and accepts them. Pure.
#ifndef RAPPORT_CLIENT_CLI_NAMES_H_
#define RAPPORT_CLIENT_CLI_NAMES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rapport/v1/activity.pb.h"
#include "rapport/v1/common.pb.h"

namespace rapport::cli {

// Short lowercase names: "linkedin_message", "c_suite", "power",
// "message_sent"; "-" for the unspecified value.
std::string ChannelName(rapport::v1::Channel channel);
std::string SeniorityName(rapport::v1::Seniority seniority);
std::string CategoryName(rapport::v1::NetworkCategory category);
std::string EventTypeName(rapport::v1::EventType type);
// "brand", "find", "engage", "relationships", or "total" for unspecified.
std::string PillarName(rapport::v1::Pillar pillar);
// "Professional brand", "Find the right people", ...
std::string PillarTitle(rapport::v1::Pillar pillar);
// The inverse of PillarName, also accepting "total" and the enum's full
// names. Returns INVALID_ARGUMENT for anything else.
absl::StatusOr<rapport::v1::Pillar> ParsePillar(absl::string_view name);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_NAMES_H_
