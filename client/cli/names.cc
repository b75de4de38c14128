#include "client/cli/names.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace rapport::cli {
namespace {

// "CHANNEL_LINKEDIN_MESSAGE" without "CHANNEL_", lowercased; "-" for the
// _UNSPECIFIED value and for numbers without a name.
std::string Short(const std::string& full, absl::string_view prefix) {
  if (full.empty() || absl::EndsWith(full, "_UNSPECIFIED")) return "-";
  absl::string_view name = full;
  absl::ConsumePrefix(&name, prefix);
  return absl::AsciiStrToLower(name);
}

}  // namespace

std::string ChannelName(rapport::v1::Channel channel) {
  return Short(rapport::v1::Channel_Name(channel), "CHANNEL_");
}

std::string SeniorityName(rapport::v1::Seniority seniority) {
  return Short(rapport::v1::Seniority_Name(seniority), "SENIORITY_");
}

std::string CategoryName(rapport::v1::NetworkCategory category) {
  return Short(rapport::v1::NetworkCategory_Name(category),
               "NETWORK_CATEGORY_");
}

std::string EventTypeName(rapport::v1::EventType type) {
  return Short(rapport::v1::EventType_Name(type), "EVENT_TYPE_");
}

std::string PillarName(rapport::v1::Pillar pillar) {
  switch (pillar) {
    case rapport::v1::PILLAR_PROFESSIONAL_BRAND:
      return "brand";
    case rapport::v1::PILLAR_FIND_RIGHT_PEOPLE:
      return "find";
    case rapport::v1::PILLAR_ENGAGE_WITH_INSIGHTS:
      return "engage";
    case rapport::v1::PILLAR_BUILD_RELATIONSHIPS:
      return "relationships";
    default:
      return "total";
  }
}

std::string PillarTitle(rapport::v1::Pillar pillar) {
  switch (pillar) {
    case rapport::v1::PILLAR_PROFESSIONAL_BRAND:
      return "Professional brand";
    case rapport::v1::PILLAR_FIND_RIGHT_PEOPLE:
      return "Find the right people";
    case rapport::v1::PILLAR_ENGAGE_WITH_INSIGHTS:
      return "Engage with insights";
    case rapport::v1::PILLAR_BUILD_RELATIONSHIPS:
      return "Build relationships";
    default:
      return "Total";
  }
}

absl::StatusOr<rapport::v1::Pillar> ParsePillar(absl::string_view name) {
  for (int i = rapport::v1::Pillar_MIN; i <= rapport::v1::Pillar_MAX; ++i) {
    const auto pillar = static_cast<rapport::v1::Pillar>(i);
    if (!rapport::v1::Pillar_IsValid(i)) continue;
    if (name == PillarName(pillar) ||
        name == rapport::v1::Pillar_Name(pillar)) {
      return pillar;
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown pillar \"", name,
                   "\"; use brand, find, engage, relationships or total"));
}

}  // namespace rapport::cli
