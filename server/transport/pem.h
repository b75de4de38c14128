// Reading and checking PEM files with OpenSSL, for TLS setup.
#ifndef RAPPORT_SERVER_TRANSPORT_PEM_H_
#define RAPPORT_SERVER_TRANSPORT_PEM_H_

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rapport::transport::internal {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct StoreFree {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using StorePtr = std::unique_ptr<X509_STORE, StoreFree>;

// The whole file; NOT_FOUND "<flag>: cannot read <path>" when it cannot be
// read.
absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     absl::string_view flag);

// Every certificate of a PEM text, in order; INVALID_ARGUMENT naming `flag`
// when there is none or one is malformed.
absl::StatusOr<std::vector<X509Ptr>> ParseCertificates(absl::string_view pem,
                                                       absl::string_view flag);

// The private key of a PEM text (unencrypted); INVALID_ARGUMENT naming
// `flag` otherwise.
absl::StatusOr<PkeyPtr> ParsePrivateKey(absl::string_view pem,
                                        absl::string_view flag);

// INVALID_ARGUMENT naming `flag` when `key` is not the key of `cert`.
absl::Status CheckKeyMatches(X509* cert, EVP_PKEY* key, absl::string_view flag);

// The message of OpenSSL's last error on this thread (and clears the queue).
std::string LastSslError();

}  // namespace rapport::transport::internal

#endif  // RAPPORT_SERVER_TRANSPORT_PEM_H_
