// Maps a call to the tenant (organisation) it acts for. Until authentication
// lands every call belongs to the default tenant; this is the one function
// that will then read the caller's credentials.
#ifndef RAPPORT_SERVER_API_TENANT_H_
#define RAPPORT_SERVER_API_TENANT_H_

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "server/store/store.h"

namespace rapport::api {

inline constexpr char kDefaultTenant[] = "default";

// The tenant of the call; UNAUTHENTICATED / PERMISSION_DENIED once
// authentication exists.
absl::StatusOr<store::TenantId> TenantOf(
    const grpc::CallbackServerContext& context);

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_TENANT_H_
