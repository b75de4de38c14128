#include "server/transport/server_ssl_context.h"

#include <openssl/x509_vfy.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/transport/pem.h"

namespace rapport::transport {

struct ServerSslContext::Material {
  internal::X509Ptr leaf;
  STACK_OF(X509) * chain = nullptr;  // Owned; the certificates after the leaf.
  internal::PkeyPtr key;
  internal::StorePtr client_cas;  // Null without client_ca_file.

  Material() = default;
  Material(const Material&) = delete;
  Material& operator=(const Material&) = delete;
  ~Material() {
    if (chain != nullptr) sk_X509_pop_free(chain, X509_free);
  }
};

bool ServerSslContext::FileStamp::operator==(const FileStamp& other) const {
  return dev == other.dev && ino == other.ino && size == other.size &&
         mtime.tv_sec == other.mtime.tv_sec &&
         mtime.tv_nsec == other.mtime.tv_nsec;
}

ServerSslContext::ServerSslContext(const TlsOptions& options)
    : options_(options) {}

ServerSslContext::~ServerSslContext() {
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
}

absl::StatusOr<std::shared_ptr<const ServerSslContext::Material>>
ServerSslContext::Load(const TlsOptions& options) {
  RAPPORT_RETURN_IF_ERROR(CheckTlsFiles(options));
  auto material = std::make_shared<Material>();
  RAPPORT_ASSIGN_OR_RETURN(
      std::string cert_pem,
      internal::ReadFile(options.cert_file, "--tls_cert_file"));
  RAPPORT_ASSIGN_OR_RETURN(
      std::vector<internal::X509Ptr> certs,
      internal::ParseCertificates(cert_pem, "--tls_cert_file"));
  RAPPORT_ASSIGN_OR_RETURN(
      std::string key_pem,
      internal::ReadFile(options.key_file, "--tls_key_file"));
  RAPPORT_ASSIGN_OR_RETURN(
      material->key, internal::ParsePrivateKey(key_pem, "--tls_key_file"));
  // The files may have changed since CheckTlsFiles read them.
  RAPPORT_RETURN_IF_ERROR(internal::CheckKeyMatches(
      certs.front().get(), material->key.get(), "--tls_key_file"));
  material->leaf = std::move(certs.front());
  material->chain = sk_X509_new_null();
  if (material->chain == nullptr) {
    return absl::ResourceExhaustedError("out of memory");
  }
  for (size_t i = 1; i < certs.size(); ++i) {
    if (sk_X509_push(material->chain, certs[i].get()) == 0) {
      return absl::ResourceExhaustedError("out of memory");
    }
    certs[i].release();  // Owned by the chain now.
  }
  if (!options.client_ca_file.empty()) {
    RAPPORT_ASSIGN_OR_RETURN(
        std::string ca_pem,
        internal::ReadFile(options.client_ca_file, "--tls_client_ca_file"));
    RAPPORT_ASSIGN_OR_RETURN(
        std::vector<internal::X509Ptr> cas,
        internal::ParseCertificates(ca_pem, "--tls_client_ca_file"));
    material->client_cas.reset(X509_STORE_new());
    if (material->client_cas == nullptr) {
      return absl::ResourceExhaustedError("out of memory");
    }
    for (const internal::X509Ptr& ca : cas) {
      if (X509_STORE_add_cert(material->client_cas.get(), ca.get()) != 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("--tls_client_ca_file: ", internal::LastSslError()));
      }
    }
  }
  return std::shared_ptr<const Material>(std::move(material));
}

ServerSslContext::Stamps ServerSslContext::StampFiles() const {
  Stamps stamps;
  const std::string* paths[] = {&options_.cert_file, &options_.key_file,
                                &options_.client_ca_file};
  for (size_t i = 0; i < stamps.size(); ++i) {
    struct stat st;
    if (paths[i]->empty() || stat(paths[i]->c_str(), &st) != 0) continue;
    stamps[i] = FileStamp{st.st_dev, st.st_ino, st.st_size, st.st_mtim};
  }
  return stamps;
}

std::shared_ptr<const ServerSslContext::Material> ServerSslContext::Current() {
  absl::MutexLock lock(&mu_);
  const auto now = std::chrono::steady_clock::now();
  if (now < next_check_) return material_;
  next_check_ = now + absl::ToChronoNanoseconds(options_.refresh_interval);
  Stamps stamps = StampFiles();
  if (stamps == stamps_) return material_;
  absl::StatusOr<std::shared_ptr<const Material>> loaded = Load(options_);
  // On failure the files are retried at the next check.
  if (loaded.ok()) {
    material_ = *std::move(loaded);
    stamps_ = stamps;
  }
  return material_;
}

int ServerSslContext::CertCallback(SSL* ssl, void* arg) {
  std::shared_ptr<const Material> material =
      static_cast<ServerSslContext*>(arg)->Current();
  if (SSL_use_cert_and_key(ssl, material->leaf.get(), material->key.get(),
                           material->chain, /*override=*/1) != 1) {
    return 0;
  }
  if (material->client_cas != nullptr &&
      SSL_set1_verify_cert_store(ssl, material->client_cas.get()) != 1) {
    return 0;
  }
  return 1;
}

absl::StatusOr<std::unique_ptr<ServerSslContext>> ServerSslContext::Create(
    const TlsOptions& options) {
  if (!options.enabled()) {
    return absl::InvalidArgumentError("--tls_cert_file is required for TLS");
  }
  RAPPORT_ASSIGN_OR_RETURN(std::shared_ptr<const Material> material,
                           Load(options));
  std::unique_ptr<ServerSslContext> context(new ServerSslContext(options));
  {
    absl::MutexLock lock(&context->mu_);
    context->material_ = std::move(material);
    context->stamps_ = context->StampFiles();
    context->next_check_ = std::chrono::steady_clock::now() +
                           absl::ToChronoNanoseconds(options.refresh_interval);
  }
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) {
    return absl::InternalError(
        absl::StrCat("SSL_CTX_new: ", internal::LastSslError()));
  }
  context->ctx_ = ctx;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
                               SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_cert_cb(ctx, &ServerSslContext::CertCallback, context.get());
  switch (options.client_auth) {
    case TlsOptions::ClientAuth::kNone:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
      break;
    case TlsOptions::ClientAuth::kRequest:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
      break;
    case TlsOptions::ClientAuth::kRequire:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                         nullptr);
      break;
  }
  return context;
}

}  // namespace rapport::transport
