// TLS for rapportd's two ports: the options (from --tls_* flags), a check of
// the files at start-up, and the gRPC credentials of both ends.
//
// Certificates rotate without a restart: the gRPC server watches the files
// (grpc::experimental::FileWatcherCertificateProvider), the HTTP port
// re-reads them (see server_ssl_context.h). Replace them atomically (write
// new files, then rename them over the old ones, as cert-manager does).
#ifndef RAPPORT_SERVER_TRANSPORT_TLS_H_
#define RAPPORT_SERVER_TRANSPORT_TLS_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

namespace rapport::transport {

struct TlsOptions {
  // PEM files. The certificate file may hold the chain after the leaf.
  std::string cert_file;
  std::string key_file;
  // The CAs that client certificates must chain to.
  std::string client_ca_file;
  enum class ClientAuth {
    kNone,     // Never asks for a client certificate.
    kRequest,  // Asks; verifies one when presented, accepts none.
    kRequire,  // Fails the handshake without a verified certificate.
  };
  ClientAuth client_auth = ClientAuth::kNone;
  // How often the files are checked for a new version.
  absl::Duration refresh_interval = absl::Seconds(1);

  // TLS is on when a certificate is configured.
  bool enabled() const { return !cert_file.empty(); }
};

// "none", "request" or "require"; INVALID_ARGUMENT naming --tls_client_auth
// otherwise.
absl::StatusOr<TlsOptions::ClientAuth> ParseClientAuth(absl::string_view name);

// Reads the files now, so that a bad configuration stops rapportd at
// start-up rather than at the first handshake. NOT_FOUND when a file cannot
// be read, INVALID_ARGUMENT when it is not PEM of the right kind, when the
// key does not match the certificate, when a key or CA is given without a
// certificate, or when client_auth is request/require without a CA file.
// Each message names the flag (--tls_cert_file, --tls_key_file,
// --tls_client_ca_file). OK when TLS is off and nothing else is set.
absl::Status CheckTlsFiles(const TlsOptions& options);

// The gRPC server's credentials: the identity from cert_file/key_file and,
// when client_ca_file is set, the client CAs as roots, all watched for new
// versions every refresh_interval; client certificates as client_auth says.
// Runs CheckTlsFiles first and returns its error. The result is the
// credentials object itself (SetAuthMetadataProcessor may be called on it).
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> GrpcServerCredentials(
    const TlsOptions& options);

// A client's credentials (the CLI, tests): trusts the CAs of `ca_file` and,
// when `cert_file` is set, presents that certificate with `key_file`.
// NOT_FOUND naming the file when one cannot be read; INVALID_ARGUMENT when
// one is not PEM, when only one of cert and key is given, or when they do
// not match.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
GrpcChannelCredentials(const std::string& ca_file, const std::string& cert_file,
                       const std::string& key_file);

}  // namespace rapport::transport

#endif  // RAPPORT_SERVER_TRANSPORT_TLS_H_
