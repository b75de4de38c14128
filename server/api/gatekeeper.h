// Gatekeeper: authentication and the access table on every gRPC call.
//
// Its AuthMetadataProcessor runs on the server credentials, before any
// handler, for every method of every service on the port: health checking
// passes, reflection follows ReflectionAccess, a method without a rule in
// auth::MethodRules() is refused (default deny), and any other call needs a
// principal holding the method's permission. Handlers then ask
// PrincipalOf() for the principal (to scope what they read) — the same
// verification, answered from the key cache.
//
// Calls through the server's in-process channel (the Connect protocol on
// the HTTP port) skip the processor: their caller is identified on the
// HTTP port and admitted with AdmitIdentified, and the principal reaches
// the handlers through a pass (Vouch) that PrincipalOf honours only on a
// call through the in-process transport (IsInProcessCall), which no
// network caller can claim.
#ifndef RAPPORT_SERVER_API_GATEKEEPER_H_
#define RAPPORT_SERVER_API_GATEKEEPER_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
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

// The metadata key of an in-process pass; no network call can use it.
inline constexpr char kInProcessPassKey[] = "rapport-in-process-pass";
// The peer of a call through grpc::Server::InProcessChannel, as
// grpc::ServerContextBase::peer() gives it in gRPC 1.51 (the in-process
// transport has no address); such a call's auth context also has no
// transport security type, which every network connection has ("insecure",
// "local" or "ssl").
inline constexpr char kInProcessPeer[] = "unknown";

// Whether `context` is a call through the server's in-process channel.
bool IsInProcessCall(const grpc::ServerContextBase& context);

class Gatekeeper;

// A principal vouched for on in-process calls carrying
// {kInProcessPassKey, value()}; valid until destroyed. Thread-safe.
class InProcessPass {
 public:
  ~InProcessPass();
  InProcessPass(const InProcessPass&) = delete;
  InProcessPass& operator=(const InProcessPass&) = delete;

  // 256 random bits, hex-encoded.
  const std::string& value() const { return value_; }

 private:
  friend class Gatekeeper;
  InProcessPass(const Gatekeeper* gatekeeper, std::string value)
      : gatekeeper_(gatekeeper), value_(std::move(value)) {}

  const Gatekeeper* const gatekeeper_;
  const std::string value_;
};

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

  // The verdict on a call to `method` by a caller identified by other means
  // (`identified`, for example the HTTP port's gate): the principal, or
  // the errors of Admit with the same messages. Off: `identified` is
  // ignored and the caller is an admin of the local tenant, as every gRPC
  // call is.
  absl::StatusOr<auth::Principal> AdmitIdentified(
      absl::string_view method,
      const absl::StatusOr<auth::Principal>& identified) const;

  // A pass for in-process calls made on behalf of `principal` (already
  // admitted): PrincipalOf answers `principal` for a call through the
  // in-process channel carrying the pass, while the pass lives. Must not
  // outlive the gatekeeper.
  std::unique_ptr<InProcessPass> Vouch(auth::Principal principal) const;

  // Whether client certificates can identify callers (rules exist).
  bool ReadsCertificates() const {
    return enabled() && authenticator_->uses_client_certificates();
  }

  // The principal of a call the processor admitted, or of an in-process
  // call carrying a live pass (see Vouch). A pass on a call from any other
  // peer is ignored: the call is judged by its own credentials.
  absl::StatusOr<auth::Principal> PrincipalOf(
      const grpc::ServerContextBase& context) const;

 private:
  friend class InProcessPass;
  // The principal of a live pass; nullopt for an unknown one.
  std::optional<auth::Principal> Vouched(absl::string_view pass) const;

  Gatekeeper(const auth::Authenticator* authenticator,
             ReflectionAccess reflection, std::string tenant);

  absl::StatusOr<auth::Principal> Authenticate(
      const auth::Credentials& credentials) const;

  const auth::Authenticator* const authenticator_;  // Null: off.
  const ReflectionAccess reflection_;
  const std::string local_tenant_;
  mutable absl::Mutex passes_mu_;
  mutable absl::flat_hash_map<std::string, auth::Principal> passes_
      ABSL_GUARDED_BY(passes_mu_);
};

// The credentials of a call: its `authorization` metadata and the client
// certificate's identities in `auth_context` (may be null).
auth::Credentials CredentialsOf(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
    const grpc::AuthContext* auth_context);

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_GATEKEEPER_H_
