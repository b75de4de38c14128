// SHA-256 over OpenSSL libcrypto, as lower-case hex.
#ifndef RAPPORT_SERVER_COMMON_SHA256_H_
#define RAPPORT_SERVER_COMMON_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

namespace rapport {

// Lower-case hex SHA-256 of `data`; empty only if libcrypto fails, which
// never matches a stored digest.
std::string Sha256Hex(absl::string_view data);

}  // namespace rapport

#endif  // RAPPORT_SERVER_COMMON_SHA256_H_
