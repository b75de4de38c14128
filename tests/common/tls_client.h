// A minimal blocking TLS client (OpenSSL) for tests of rapportd's ports:
// an HTTPS GET, and the certificate a server presents. It verifies the
// server against a CA file and the address 127.0.0.1 (or the host name).
// Not for production: no session reuse, the whole body read into memory.
#ifndef RAPPORT_TESTS_COMMON_TLS_CLIENT_H_
#define RAPPORT_TESTS_COMMON_TLS_CLIENT_H_

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "tests/common/http_get.h"

namespace rapport::testing {

struct TlsClientOptions {
  std::string ca_file;  // Required: the server is always verified.
  // Optional client certificate.
  std::string cert_file;
  std::string key_file;
  // Offers ALPN "h2", as gRPC servers require.
  bool offer_h2 = false;
};

// What a TLS connection saw of the server.
struct ServedCertificate {
  std::string common_name;
  std::string serial_hex;
};

namespace internal {

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};

inline std::string SslErrorText() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "no OpenSSL error";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof(buffer));
  return buffer;
}

// A TLS connection to host:port, handshake done.
class TlsConnection {
 public:
  static absl::StatusOr<std::unique_ptr<TlsConnection>> Open(
      const std::string& host, int port, const TlsClientOptions& options) {
    auto connection = std::unique_ptr<TlsConnection>(new TlsConnection());
    connection->ctx_.reset(SSL_CTX_new(TLS_client_method()));
    SSL_CTX* ctx = connection->ctx_.get();
    if (ctx == nullptr || SSL_CTX_load_verify_locations(
                              ctx, options.ca_file.c_str(), nullptr) != 1) {
      return absl::InternalError("cannot load the CA: " + SslErrorText());
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    static constexpr unsigned char kH2[] = {2, 'h', '2'};
    if (options.offer_h2 && SSL_CTX_set_alpn_protos(ctx, kH2, sizeof(kH2))) {
      return absl::InternalError("cannot set ALPN");
    }
    if (!options.cert_file.empty() &&
        (SSL_CTX_use_certificate_chain_file(ctx, options.cert_file.c_str()) !=
             1 ||
         SSL_CTX_use_PrivateKey_file(ctx, options.key_file.c_str(),
                                     SSL_FILETYPE_PEM) != 1)) {
      return absl::InternalError("cannot load the client certificate: " +
                                 SslErrorText());
    }
    absl::StatusOr<int> fd = Connect(host, port);
    if (!fd.ok()) return fd.status();
    connection->fd_ = std::make_unique<Fd>(*fd);
    connection->ssl_.reset(SSL_new(ctx));
    SSL* ssl = connection->ssl_.get();
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1) {
      X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
      SSL_set_tlsext_host_name(ssl, host.c_str());
    }
    SSL_set_fd(ssl, connection->fd_->get());
    if (SSL_connect(ssl) != 1) {
      return absl::UnavailableError("TLS handshake failed: " + SslErrorText());
    }
    return connection;
  }

  SSL* ssl() const { return ssl_.get(); }

 private:
  TlsConnection() = default;
  std::unique_ptr<SSL_CTX, SslCtxFree> ctx_;
  std::unique_ptr<Fd> fd_;  // Closed after ssl_ is freed.
  std::unique_ptr<SSL, SslFree> ssl_;
};

}  // namespace internal

// Connects, verifies, and reports the server's certificate. UNAVAILABLE when
// the connection or the handshake fails.
inline absl::StatusOr<ServedCertificate> ServedCertificateOf(
    const std::string& host, int port, const TlsClientOptions& options) {
  absl::StatusOr<std::unique_ptr<internal::TlsConnection>> connection =
      internal::TlsConnection::Open(host, port, options);
  if (!connection.ok()) return connection.status();
  X509* cert = SSL_get0_peer_certificate((*connection)->ssl());
  if (cert == nullptr) return absl::InternalError("no server certificate");
  ServedCertificate served;
  char name[256] = "";
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name,
                            sizeof(name));
  served.common_name = name;
  BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
  if (serial != nullptr) {
    char* hex = BN_bn2hex(serial);
    served.serial_hex = hex;
    OPENSSL_free(hex);
    BN_free(serial);
  }
  SSL_shutdown((*connection)->ssl());
  return served;
}

// GETs https://host:port/path (HTTP/1.0, Connection: close) with `headers`.
// UNAVAILABLE when the connection, the handshake, sending or reading fails
// (a server that refuses the client certificate fails here); DATA_LOSS when
// the response is not HTTP.
inline absl::StatusOr<HttpResponse> HttpsGet(const std::string& host, int port,
                                             const std::string& path,
                                             const TlsClientOptions& options,
                                             const HttpHeaders& headers = {}) {
  absl::StatusOr<std::unique_ptr<internal::TlsConnection>> connection =
      internal::TlsConnection::Open(host, port, options);
  if (!connection.ok()) return connection.status();
  SSL* ssl = (*connection)->ssl();
  std::string request =
      absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: ", host, ":", port,
                   "\r\nAccept: */*\r\nConnection: close\r\n");
  for (const auto& [name, value] : headers) {
    absl::StrAppend(&request, name, ": ", value, "\r\n");
  }
  request.append("\r\n");
  size_t written = 0;
  if (SSL_write_ex(ssl, request.data(), request.size(), &written) != 1 ||
      written != request.size()) {
    return absl::UnavailableError("TLS write failed: " +
                                  internal::SslErrorText());
  }
  std::string raw;
  char buffer[16384];
  while (true) {
    size_t n = 0;
    if (SSL_read_ex(ssl, buffer, sizeof(buffer), &n) != 1) {
      const int error = SSL_get_error(ssl, 0);
      ERR_clear_error();
      // A TLS 1.3 server that refuses the client certificate says so after
      // the handshake: the first read fails.
      if (error != SSL_ERROR_ZERO_RETURN && raw.empty()) {
        return absl::UnavailableError("TLS read failed");
      }
      break;
    }
    raw.append(buffer, n);
  }
  return internal::ParseResponse(raw);
}

}  // namespace rapport::testing

#endif  // RAPPORT_TESTS_COMMON_TLS_CLIENT_H_
