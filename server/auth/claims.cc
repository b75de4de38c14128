#include "server/auth/claims.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace rapport::auth {
namespace {

using ::google::protobuf::Struct;
using ::google::protobuf::Value;

// The string values of claim `name`: itself when a string, its string
// elements when an array; none when absent or of another type.
std::vector<absl::string_view> ClaimStrings(const Struct& claims,
                                            const std::string& name) {
  std::vector<absl::string_view> values;
  if (name.empty()) return values;
  const auto it = claims.fields().find(name);
  if (it == claims.fields().end()) return values;
  const Value& value = it->second;
  if (value.kind_case() == Value::kStringValue) {
    values.push_back(value.string_value());
  } else if (value.kind_case() == Value::kListValue) {
    for (const Value& element : value.list_value().values()) {
      if (element.kind_case() == Value::kStringValue) {
        values.push_back(element.string_value());
      }
    }
  }
  return values;
}

// The claim `name` when it is a non-empty string.
std::optional<std::string> StringClaim(const Struct& claims,
                                       const std::string& name) {
  if (name.empty()) return std::nullopt;
  const auto it = claims.fields().find(name);
  if (it == claims.fields().end() ||
      it->second.kind_case() != Value::kStringValue ||
      it->second.string_value().empty()) {
    return std::nullopt;
  }
  return it->second.string_value();
}

}  // namespace

absl::StatusOr<Principal> MapClaims(const config::v1::ClaimMapping& mapping,
                                    const Struct& claims, std::string id) {
  std::optional<Role> role;
  for (const absl::string_view value :
       ClaimStrings(claims, mapping.role_claim())) {
    const auto mapped = mapping.roles().find(std::string(value));
    if (mapped == mapping.roles().end()) continue;
    const std::optional<Role> candidate = ParseRole(mapped->second);
    // Roles are ordered from most to least privileged.
    if (candidate.has_value() && (!role.has_value() || *candidate < *role)) {
      role = candidate;
    }
  }
  if (!role.has_value()) {
    return absl::PermissionDeniedError("the identity has no Rapport role");
  }

  Principal principal;
  principal.id = std::move(id);
  principal.role = *role;
  if (!mapping.tenant().empty()) {
    principal.tenant = mapping.tenant();
  } else {
    std::optional<std::string> tenant =
        StringClaim(claims, mapping.tenant_claim());
    if (!tenant.has_value()) {
      return absl::PermissionDeniedError(absl::StrCat(
          "the identity has no tenant claim \"", mapping.tenant_claim(), "\""));
    }
    principal.tenant = *std::move(tenant);
  }

  if (*role == Role::kRep) {
    std::optional<std::string> member =
        StringClaim(claims, mapping.member_claim());
    if (!member.has_value()) {
      return absl::PermissionDeniedError(
          absl::StrCat("a rep identity needs the member claim \"",
                       mapping.member_claim(), "\""));
    }
    principal.member_id = *std::move(member);
  }

  if (*role == Role::kManager) {
    for (const absl::string_view value :
         ClaimStrings(claims, mapping.teams_claim())) {
      if (!absl::StartsWith(value, mapping.team_prefix())) continue;
      const absl::string_view team = value.substr(mapping.team_prefix().size());
      if (!team.empty()) principal.teams.emplace_back(team);
    }
    std::sort(principal.teams.begin(), principal.teams.end());
    principal.teams.erase(
        std::unique(principal.teams.begin(), principal.teams.end()),
        principal.teams.end());
    if (principal.teams.empty()) {
      return absl::PermissionDeniedError(absl::StrCat(
          "a manager identity needs at least one team in the claim \"",
          mapping.teams_claim(), "\"",
          mapping.team_prefix().empty()
              ? ""
              : absl::StrCat(" starting with \"", mapping.team_prefix(),
                             "\"")));
    }
  }
  return principal;
}

}  // namespace rapport::auth
