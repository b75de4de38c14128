#include "server/common/sha256.h"

#include <openssl/evp.h>

#include "absl/strings/escaping.h"

namespace rapport {

std::string Sha256Hex(absl::string_view data) {
  // Fetched once: an implicit fetch on every digest costs as much as the
  // digest of an API key.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (sha256 == nullptr || EVP_Digest(data.data(), data.size(), digest, &size,
                                      sha256, nullptr) != 1) {
    return "";
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), size));
}

}  // namespace rapport
