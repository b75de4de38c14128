// Gatekeeper: authentication and the access table on every gRPC call.
//
// Its AuthMetadataProcessor runs on the server credentials, before any
// handler, for every method of every service on the port: health checking
// passes, reflection follows ReflectionAccess, a method without a rule in
// auth::MethodRules() is refused (default deny), and any other call needs a
// principal holding the method's permission. Handlers then ask
// PrincipalOf() for the principal (to scope what they read) — the same
// verification, answered from the key cache.
#ifndef RAPPORT_SERVER_API_GATEKEEPER_H_
#define RAPPORT_SERVER_API_GATEKEEPER_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/security/auth_context.h"
#include "grpcpp/security/auth_metadata_processor.h"
#include "grpcpp/server_context.h"
#include "server/auth/authenticator.h"
#include "server/auth/principal.h"

namespace rapport::api {

enum class ReflectionAccess {
  kOpen,           // Anyone may list the services.
  kAuthenticated,  // Any principal may.
  kOff,            // Not served.
};

// Parses "open", "authenticated", "off".
absl::StatusOr<ReflectionAccess> ParseReflectionAccess(absl::string_view name);

inline constexpr char kDefaultTenant[] = "default";

class Gatekeeper {
 public:
  // Authentication off (loopback only): every call acts as an admin of
  // `tenant`.
  static std::unique_ptr<Gatekeeper> Off(std::string tenant = kDefaultTenant);
  // Authentication on; `authenticator` must outlive the gatekeeper.
  static std::unique_ptr<Gatekeeper> On(
      const auth::Authenticator* authenticator, ReflectionAccess reflection);

  bool enabled() const { return authenticator_ != nullptr; }

  // The processor to install on the server credentials; null when off.
  std::shared_ptr<grpc::AuthMetadataProcessor> Processor();

  // The verdict on a call to `method` (":path") with `credentials`: OK, or
  // UNAUTHENTICATED (only kUnauthenticatedMessage), PERMISSION_DENIED
  // naming the permission, UNAVAILABLE.
  absl::Status Admit(absl::string_view method,
                     const auth::Credentials& credentials) const;

  // Whether client certificates can identify callers (rules exist).
  bool ReadsCertificates() const {
    return enabled() && authenticator_->uses_client_certificates();
  }

  // The principal of a call the processor admitted.
  absl::StatusOr<auth::Principal> PrincipalOf(
      const grpc::ServerContextBase& context) const;

 private:
  Gatekeeper(const auth::Authenticator* authenticator,
             ReflectionAccess reflection, std::string tenant);

  absl::StatusOr<auth::Principal> Authenticate(
      const auth::Credentials& credentials) const;

  const auth::Authenticator* const authenticator_;  // Null: off.
  const ReflectionAccess reflection_;
  const std::string local_tenant_;
};

// The credentials of a call: its `authorization` metadata and the client
// certificate's identities in `auth_context` (may be null).
auth::Credentials CredentialsOf(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
    const grpc::AuthContext* auth_context);

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_GATEKEEPER_H_
