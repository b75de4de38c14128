#include "server/auth/x509_identity.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace rapport::auth {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct NamesFree {
  void operator()(GENERAL_NAMES* names) const { GENERAL_NAMES_free(names); }
};

}  // namespace

std::optional<CertIdentity> IdentityOfCertificate(absl::string_view pem) {
  std::unique_ptr<BIO, BioFree> in(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (in == nullptr) return std::nullopt;
  std::unique_ptr<X509, X509Free> cert(
      PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) return std::nullopt;
  CertIdentity identity;
  std::unique_ptr<GENERAL_NAMES, NamesFree> names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr)));
  if (names != nullptr) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
      const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
      if (name->type != GEN_URI) continue;
      const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
      identity.uris.emplace_back(
          reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
          static_cast<size_t>(ASN1_STRING_length(uri)));
    }
  }
  std::unique_ptr<BIO, BioFree> out(BIO_new(BIO_s_mem()));
  if (out != nullptr &&
      X509_NAME_print_ex(out.get(), X509_get_subject_name(cert.get()), 0,
                         XN_FLAG_RFC2253) >= 0) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(out.get(), &data);
    if (size > 0) identity.subject.assign(data, static_cast<size_t>(size));
  }
  return identity;
}

}  // namespace rapport::auth
