#include "server/api/tenant.h"

namespace rapport::api {

absl::StatusOr<store::TenantId> TenantOf(
    const grpc::CallbackServerContext& /*context*/) {
  return store::TenantId(kDefaultTenant);
}

}  // namespace rapport::api
