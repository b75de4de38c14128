// An OpenSSL server context whose certificate follows its files: each
// handshake is served the current certificate and key, re-read when the
// files change (checked at most once per refresh_interval), so a rotated
// certificate is used by new connections without a restart. Client
// certificates are asked for and verified as TlsOptions::client_auth says,
// against the CAs of client_ca_file (re-read likewise).
//
// Thread-safe: handshakes on any number of threads share one context.
#ifndef RAPPORT_SERVER_TRANSPORT_SERVER_SSL_CONTEXT_H_
#define RAPPORT_SERVER_TRANSPORT_SERVER_SSL_CONTEXT_H_

#include <openssl/ssl.h>
#include <sys/stat.h>

#include <array>
#include <chrono>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/transport/tls.h"

namespace rapport::transport {

class ServerSslContext {
 public:
  // Reads the files (see CheckTlsFiles for the errors) and builds the
  // context: TLS 1.2 or later, no session resumption (so every connection
  // gets the current certificate).
  static absl::StatusOr<std::unique_ptr<ServerSslContext>> Create(
      const TlsOptions& options);
  ~ServerSslContext();

  ServerSslContext(const ServerSslContext&) = delete;
  ServerSslContext& operator=(const ServerSslContext&) = delete;

  // Owned by this object; valid for its lifetime.
  SSL_CTX* get() const { return ctx_; }

 private:
  struct Material;  // One version of the files, parsed.
  struct FileStamp {
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = 0;
    timespec mtime{};
    bool operator==(const FileStamp& other) const;
  };
  using Stamps = std::array<FileStamp, 3>;  // cert, key, CA.

  explicit ServerSslContext(const TlsOptions& options);
  static absl::StatusOr<std::shared_ptr<const Material>> Load(
      const TlsOptions& options);
  Stamps StampFiles() const;
  // The material to serve now, re-read first when due and changed; a
  // version that fails to load (a rotation half done) keeps the last one.
  std::shared_ptr<const Material> Current();
  static int CertCallback(SSL* ssl, void* arg);

  const TlsOptions options_;
  SSL_CTX* ctx_ = nullptr;
  absl::Mutex mu_;
  std::shared_ptr<const Material> material_ ABSL_GUARDED_BY(mu_);
  Stamps stamps_ ABSL_GUARDED_BY(mu_);
  std::chrono::steady_clock::time_point next_check_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rapport::transport

#endif  // RAPPORT_SERVER_TRANSPORT_SERVER_SSL_CONTEXT_H_
