// The identities a client certificate carries, as client certificate rules
// match them: its URI subject alternative names (SPIFFE ids) and its subject
// in RFC 2253 form, the way gRPC reports them for the gRPC port.
#ifndef RAPPORT_SERVER_AUTH_X509_IDENTITY_H_
#define RAPPORT_SERVER_AUTH_X509_IDENTITY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace rapport::auth {

struct CertIdentity {
  std::vector<std::string> uris;
  std::string subject;  // "CN=crm-sync,O=Acme"
};

// The identities of the first certificate of `pem`; nullopt when it does not
// parse. Reads; does not verify (the TLS handshake did).
std::optional<CertIdentity> IdentityOfCertificate(absl::string_view pem);

}  // namespace rapport::auth

#endif  // RAPPORT_SERVER_AUTH_X509_IDENTITY_H_
