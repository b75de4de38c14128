#include "server/transport/pem.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <fstream>
#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"

namespace rapport::transport::internal {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

BioPtr MemoryBio(absl::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

}  // namespace

std::string LastSslError() {
  const unsigned long code = ERR_peek_last_error();
  std::string message = "unknown error";
  if (code != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    message = buffer;
  }
  ERR_clear_error();
  return message;
}

absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     absl::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat(flag, ": cannot read \"", path, "\""));
  }
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  if (in.bad()) {
    return absl::NotFoundError(
        absl::StrCat(flag, ": cannot read \"", path, "\""));
  }
  return text;
}

absl::StatusOr<std::vector<X509Ptr>> ParseCertificates(absl::string_view pem,
                                                       absl::string_view flag) {
  BioPtr bio = MemoryBio(pem);
  if (bio == nullptr) return absl::ResourceExhaustedError("out of memory");
  std::vector<X509Ptr> certs;
  ERR_clear_error();
  while (true) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (cert == nullptr) {
      const unsigned long code = ERR_peek_last_error();
      const bool end = ERR_GET_LIB(code) == ERR_LIB_PEM &&
                       ERR_GET_REASON(code) == PEM_R_NO_START_LINE;
      if (end && !certs.empty()) {
        ERR_clear_error();
        break;
      }
      return absl::InvalidArgumentError(
          absl::StrCat(flag, ": not a PEM certificate (", LastSslError(), ")"));
    }
    certs.push_back(std::move(cert));
  }
  return certs;
}

absl::StatusOr<PkeyPtr> ParsePrivateKey(absl::string_view pem,
                                        absl::string_view flag) {
  BioPtr bio = MemoryBio(pem);
  if (bio == nullptr) return absl::ResourceExhaustedError("out of memory");
  ERR_clear_error();
  // An empty passphrase callback: an encrypted key fails instead of
  // prompting on the terminal.
  PkeyPtr key(PEM_read_bio_PrivateKey(
      bio.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr));
  if (key == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        flag, ": not an unencrypted PEM private key (", LastSslError(), ")"));
  }
  return key;
}

absl::Status CheckKeyMatches(X509* cert, EVP_PKEY* key,
                             absl::string_view flag) {
  ERR_clear_error();
  if (X509_check_private_key(cert, key) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": the key does not match the certificate"));
  }
  return absl::OkStatus();
}

}  // namespace rapport::transport::internal
