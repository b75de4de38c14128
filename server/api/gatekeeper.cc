#include "server/api/gatekeeper.h"

#include <openssl/rand.h>

#include <iterator>
#include <optional>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpc/grpc_security_constants.h"
#include "server/auth/access.h"

namespace rapport::api {
namespace {

constexpr absl::string_view kHealthPrefix = "/grpc.health.v1.Health/";
constexpr absl::string_view kReflectionPrefix = "/grpc.reflection.";

absl::string_view ViewOf(const grpc::string_ref& ref) {
  return absl::string_view(ref.data(), ref.size());
}

// Callers learn only that authentication failed, never why.
absl::Status ForCaller(const absl::Status& status) {
  if (absl::IsUnauthenticated(status)) {
    return absl::UnauthenticatedError(auth::kUnauthenticatedMessage);
  }
  if (absl::IsUnavailable(status)) {
    return absl::UnavailableError("credentials cannot be verified now");
  }
  return status;
}

class Processor final : public grpc::AuthMetadataProcessor {
 public:
  explicit Processor(const Gatekeeper* gatekeeper) : gatekeeper_(gatekeeper) {}

  // Every check is answered from memory (keys are cached), so the processor
  // runs inline on gRPC's thread.
  bool IsBlocking() const override { return false; }

  grpc::Status Process(const InputMetadata& metadata,
                       grpc::AuthContext* context, OutputMetadata*,
                       OutputMetadata*) override {
    absl::string_view method;
    auto path = metadata.find(":path");
    if (path != metadata.end()) method = ViewOf(path->second);
    const absl::Status verdict = gatekeeper_->Admit(
        method,
        CredentialsOf(metadata,
                      gatekeeper_->ReadsCertificates() ? context : nullptr));
    if (verdict.ok()) return grpc::Status::OK;
    return grpc::Status(static_cast<grpc::StatusCode>(verdict.code()),
                        std::string(verdict.message()));
  }

 private:
  const Gatekeeper* const gatekeeper_;
};

}  // namespace

bool IsInProcessCall(const grpc::ServerContextBase& context) {
  if (context.peer() != kInProcessPeer) return false;
  const std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  return auth != nullptr &&
         auth->FindPropertyValues(GRPC_TRANSPORT_SECURITY_TYPE_PROPERTY_NAME)
             .empty();
}

absl::StatusOr<ReflectionAccess> ParseReflectionAccess(absl::string_view name) {
  if (name == "open") return ReflectionAccess::kOpen;
  if (name == "authenticated") return ReflectionAccess::kAuthenticated;
  if (name == "off") return ReflectionAccess::kOff;
  return absl::InvalidArgumentError(
      absl::StrCat("reflection access \"", name,
                   "\" is not one of open, authenticated, off"));
}

auth::Credentials CredentialsOf(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
    const grpc::AuthContext* auth_context) {
  auth::Credentials credentials;
  auto authorization = metadata.find("authorization");
  if (authorization != metadata.end()) {
    credentials.authorization = ViewOf(authorization->second);
  }
  if (auth_context != nullptr) {
    for (const grpc::string_ref& uri :
         auth_context->FindPropertyValues(GRPC_PEER_URI_PROPERTY_NAME)) {
      credentials.cert_uris.emplace_back(uri.data(), uri.size());
    }
    for (const grpc::string_ref& san :
         auth_context->FindPropertyValues(GRPC_X509_SAN_PROPERTY_NAME)) {
      if (absl::StrContains(ViewOf(san), "://")) {
        credentials.cert_uris.emplace_back(san.data(), san.size());
      }
    }
    std::vector<grpc::string_ref> subject =
        auth_context->FindPropertyValues(GRPC_X509_SUBJECT_PROPERTY_NAME);
    if (!subject.empty()) {
      credentials.cert_subject.assign(subject.front().data(),
                                      subject.front().size());
    }
  }
  return credentials;
}

Gatekeeper::Gatekeeper(const auth::Authenticator* authenticator,
                       ReflectionAccess reflection, std::string tenant)
    : authenticator_(authenticator),
      reflection_(reflection),
      local_tenant_(std::move(tenant)) {}

std::unique_ptr<Gatekeeper> Gatekeeper::Off(std::string tenant) {
  return std::unique_ptr<Gatekeeper>(
      new Gatekeeper(nullptr, ReflectionAccess::kOpen, std::move(tenant)));
}

std::unique_ptr<Gatekeeper> Gatekeeper::On(
    const auth::Authenticator* authenticator, ReflectionAccess reflection) {
  return std::unique_ptr<Gatekeeper>(
      new Gatekeeper(authenticator, reflection, ""));
}

std::shared_ptr<grpc::AuthMetadataProcessor> Gatekeeper::Processor() {
  if (!enabled()) return nullptr;
  return std::make_shared<rapport::api::Processor>(this);
}

absl::StatusOr<auth::Principal> Gatekeeper::Authenticate(
    const auth::Credentials& credentials) const {
  if (!enabled()) return auth::LocalAdmin(local_tenant_);
  absl::StatusOr<auth::Principal> principal =
      authenticator_->Authenticate(credentials);
  if (!principal.ok()) return ForCaller(principal.status());
  return principal;
}

absl::Status Gatekeeper::Admit(absl::string_view method,
                               const auth::Credentials& credentials) const {
  if (absl::StartsWith(method, kHealthPrefix)) return absl::OkStatus();
  if (absl::StartsWith(method, kReflectionPrefix)) {
    if (reflection_ == ReflectionAccess::kOpen) return absl::OkStatus();
    if (reflection_ == ReflectionAccess::kOff) {
      return absl::PermissionDeniedError("server reflection is off");
    }
    return Authenticate(credentials).status();
  }
  if (!auth::RequiredPermission(method).has_value()) {
    return AdmitIdentified(method, absl::UnauthenticatedError("")).status();
  }
  return AdmitIdentified(method, Authenticate(credentials)).status();
}

absl::StatusOr<auth::Principal> Gatekeeper::AdmitIdentified(
    absl::string_view method,
    const absl::StatusOr<auth::Principal>& identified) const {
  std::optional<auth::Permission> permission = auth::RequiredPermission(method);
  if (!permission.has_value()) {
    return absl::PermissionDeniedError(
        absl::StrCat("no access rule admits ", method));
  }
  const absl::StatusOr<auth::Principal> principal =
      enabled() ? identified : auth::LocalAdmin(local_tenant_);
  if (!principal.ok()) return ForCaller(principal.status());
  if (absl::Status s = auth::Authorize(*principal, *permission); !s.ok()) {
    return s;
  }
  return *principal;
}

std::unique_ptr<InProcessPass> Gatekeeper::Vouch(
    auth::Principal principal) const {
  unsigned char bytes[32];
  // RAND_bytes fails only without entropy; a pass nobody can present then.
  const bool random = RAND_bytes(bytes, sizeof(bytes)) == 1;
  std::string value = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
  if (random) {
    absl::MutexLock lock(&passes_mu_);
    passes_.emplace(value, std::move(principal));
  }
  return std::unique_ptr<InProcessPass>(new InProcessPass(this, value));
}

std::optional<auth::Principal> Gatekeeper::Vouched(
    absl::string_view pass) const {
  absl::MutexLock lock(&passes_mu_);
  auto it = passes_.find(pass);
  if (it == passes_.end()) return std::nullopt;
  return it->second;
}

InProcessPass::~InProcessPass() {
  absl::MutexLock lock(&gatekeeper_->passes_mu_);
  gatekeeper_->passes_.erase(value_);
}

absl::StatusOr<auth::Principal> Gatekeeper::PrincipalOf(
    const grpc::ServerContextBase& context) const {
  if (!enabled()) return auth::LocalAdmin(local_tenant_);
  if (IsInProcessCall(context)) {
    const auto [first, last] =
        context.client_metadata().equal_range(kInProcessPassKey);
    if (first != last && std::next(first) == last) {
      if (std::optional<auth::Principal> vouched =
              Vouched(ViewOf(first->second))) {
        return *std::move(vouched);
      }
    }
  }
  if (!ReadsCertificates()) {
    return Authenticate(CredentialsOf(context.client_metadata(), nullptr));
  }
  const std::shared_ptr<const grpc::AuthContext> auth_context =
      context.auth_context();
  return Authenticate(
      CredentialsOf(context.client_metadata(), auth_context.get()));
}

}  // namespace rapport::api
