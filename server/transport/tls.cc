#include "server/transport/tls.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"
#include "server/common/status_macros.h"
#include "server/transport/pem.h"

namespace rapport::transport {
namespace {

constexpr char kCertFlag[] = "--tls_cert_file";
constexpr char kKeyFlag[] = "--tls_key_file";
constexpr char kCaFlag[] = "--tls_client_ca_file";

// The leaf certificate of `cert_file`, checked against the key of
// `key_file`.
absl::Status CheckIdentity(const std::string& cert_file,
                           absl::string_view cert_flag,
                           const std::string& key_file,
                           absl::string_view key_flag) {
  RAPPORT_ASSIGN_OR_RETURN(std::string cert_pem,
                           internal::ReadFile(cert_file, cert_flag));
  RAPPORT_ASSIGN_OR_RETURN(std::vector<internal::X509Ptr> certs,
                           internal::ParseCertificates(cert_pem, cert_flag));
  RAPPORT_ASSIGN_OR_RETURN(std::string key_pem,
                           internal::ReadFile(key_file, key_flag));
  RAPPORT_ASSIGN_OR_RETURN(internal::PkeyPtr key,
                           internal::ParsePrivateKey(key_pem, key_flag));
  return internal::CheckKeyMatches(certs.front().get(), key.get(), key_flag);
}

absl::Status CheckCaFile(const std::string& path, absl::string_view flag) {
  RAPPORT_ASSIGN_OR_RETURN(std::string pem, internal::ReadFile(path, flag));
  return internal::ParseCertificates(pem, flag).status();
}

}  // namespace

absl::StatusOr<TlsOptions::ClientAuth> ParseClientAuth(absl::string_view name) {
  if (name == "none") return TlsOptions::ClientAuth::kNone;
  if (name == "request") return TlsOptions::ClientAuth::kRequest;
  if (name == "require") return TlsOptions::ClientAuth::kRequire;
  return absl::InvalidArgumentError(
      absl::StrCat("--tls_client_auth: \"", name,
                   "\" is not one of none, request, require"));
}

absl::Status CheckTlsFiles(const TlsOptions& options) {
  if (!options.enabled()) {
    if (!options.key_file.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(kKeyFlag, " is set without ", kCertFlag));
    }
    if (!options.client_ca_file.empty() ||
        options.client_auth != TlsOptions::ClientAuth::kNone) {
      return absl::InvalidArgumentError(absl::StrCat(
          kCaFlag, " and --tls_client_auth need ", kCertFlag, " (TLS)"));
    }
    return absl::OkStatus();
  }
  if (options.key_file.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kKeyFlag, " is required with ", kCertFlag));
  }
  RAPPORT_RETURN_IF_ERROR(
      CheckIdentity(options.cert_file, kCertFlag, options.key_file, kKeyFlag));
  if (options.client_ca_file.empty()) {
    if (options.client_auth != TlsOptions::ClientAuth::kNone) {
      return absl::InvalidArgumentError(
          absl::StrCat(kCaFlag,
                       " is required to verify client certificates "
                       "(--tls_client_auth=request or require)"));
    }
    return absl::OkStatus();
  }
  return CheckCaFile(options.client_ca_file, kCaFlag);
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> GrpcServerCredentials(
    const TlsOptions& options) {
  RAPPORT_RETURN_IF_ERROR(CheckTlsFiles(options));
  if (!options.enabled()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kCertFlag, " is required for TLS"));
  }
  const auto refresh_seconds = static_cast<unsigned int>(
      std::max<int64_t>(1, absl::ToInt64Seconds(options.refresh_interval)));
  std::shared_ptr<grpc::experimental::CertificateProviderInterface> provider;
  if (options.client_ca_file.empty()) {
    provider =
        std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
            options.key_file, options.cert_file, refresh_seconds);
  } else {
    provider =
        std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
            options.key_file, options.cert_file, options.client_ca_file,
            refresh_seconds);
  }
  grpc::experimental::TlsServerCredentialsOptions tls(provider);
  tls.watch_identity_key_cert_pairs();
  if (!options.client_ca_file.empty()) tls.watch_root_certs();
  switch (options.client_auth) {
    case TlsOptions::ClientAuth::kNone:
      tls.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
      break;
    case TlsOptions::ClientAuth::kRequest:
      tls.set_cert_request_type(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
      break;
    case TlsOptions::ClientAuth::kRequire:
      tls.set_cert_request_type(
          GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
      break;
  }
  std::shared_ptr<grpc::ServerCredentials> credentials =
      grpc::experimental::TlsServerCredentials(tls);
  if (credentials == nullptr) {
    return absl::InternalError("gRPC could not create the TLS credentials");
  }
  return credentials;
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
GrpcChannelCredentials(const std::string& ca_file, const std::string& cert_file,
                       const std::string& key_file) {
  grpc::SslCredentialsOptions ssl;
  if (!ca_file.empty()) {
    RAPPORT_ASSIGN_OR_RETURN(ssl.pem_root_certs,
                             internal::ReadFile(ca_file, "--tls_ca_file"));
    RAPPORT_RETURN_IF_ERROR(
        internal::ParseCertificates(ssl.pem_root_certs, "--tls_ca_file")
            .status());
  }
  if (cert_file.empty() != key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls_cert_file and --tls_key_file go together");
  }
  if (!cert_file.empty()) {
    RAPPORT_RETURN_IF_ERROR(CheckIdentity(cert_file, "--tls_cert_file",
                                          key_file, "--tls_key_file"));
    RAPPORT_ASSIGN_OR_RETURN(ssl.pem_cert_chain,
                             internal::ReadFile(cert_file, "--tls_cert_file"));
    RAPPORT_ASSIGN_OR_RETURN(ssl.pem_private_key,
                             internal::ReadFile(key_file, "--tls_key_file"));
  }
  return grpc::SslCredentials(ssl);
}

}  // namespace rapport::transport
