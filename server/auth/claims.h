// The claims of a verified identity (an OIDC token's payload, or a trusted
// proxy's identity headers) turned into a principal by a ClaimMapping of the
// auth config. Pure; thread-safe.
#ifndef RAPPORT_SERVER_AUTH_CLAIMS_H_
#define RAPPORT_SERVER_AUTH_CLAIMS_H_

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/struct.pb.h"
#include "rapport/config/v1/auth.pb.h"
#include "server/auth/principal.h"

namespace rapport::auth {

// The principal `claims` make under `mapping`, with id `id`:
// - tenant: mapping.tenant, or else the string claim mapping.tenant_claim;
// - role: of the role_claim's values (a string, or the strings of an array)
//   those `mapping.roles` maps, the most privileged;
// - manager: teams from teams_claim's values that start with team_prefix,
//   prefix removed, sorted and unique;
// - rep: member_id from the string claim member_claim.
// Values of other JSON types are ignored; operator_admin stays false.
// Returns PERMISSION_DENIED (the identity is genuine but has no place in
// Rapport) when no value maps to a role ("the identity has no Rapport
// role"), when the tenant claim is missing or empty, when a rep has no
// member claim, or when a manager has no team.
absl::StatusOr<Principal> MapClaims(const config::v1::ClaimMapping& mapping,
                                    const google::protobuf::Struct& claims,
                                    std::string id);

}  // namespace rapport::auth

#endif  // RAPPORT_SERVER_AUTH_CLAIMS_H_
