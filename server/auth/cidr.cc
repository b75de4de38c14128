#include "server/auth/cidr.h"

#include <arpa/inet.h>

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"

namespace rapport::auth {
namespace {

// Parses a bare IPv4 or IPv6 address (inet_pton's forms only).
bool ParseAddress(absl::string_view text, bool* ipv6,
                  std::array<uint8_t, 16>* address) {
  if (text.empty() || text.size() > 64) return false;
  const std::string copy(text);
  address->fill(0);
  if (inet_pton(AF_INET, copy.c_str(), address->data()) == 1) {
    *ipv6 = false;
    return true;
  }
  if (inet_pton(AF_INET6, copy.c_str(), address->data()) == 1) {
    *ipv6 = true;
    return true;
  }
  return false;
}

bool PrefixEqual(const uint8_t* a, const uint8_t* b, int bits) {
  const int bytes = bits / 8;
  if (!std::equal(a, a + bytes, b)) return false;
  const int rest = bits % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[bytes] & mask) == (b[bytes] & mask);
}

}  // namespace

bool ParseCidr(absl::string_view text, Cidr* cidr) {
  const size_t slash = text.find('/');
  if (!ParseAddress(text.substr(0, slash), &cidr->ipv6, &cidr->address)) {
    return false;
  }
  const int max_length = cidr->ipv6 ? 128 : 32;
  if (slash == absl::string_view::npos) {
    cidr->prefix_length = max_length;
    return true;
  }
  const absl::string_view length = text.substr(slash + 1);
  if (length.empty() || length.size() > 3 ||
      !std::all_of(length.begin(), length.end(),
                   [](char c) { return absl::ascii_isdigit(c); })) {
    return false;
  }
  int value = 0;
  if (!absl::SimpleAtoi(length, &value) || value > max_length) return false;
  cidr->prefix_length = value;
  return true;
}

bool AddressMatches(const Cidr& cidr, absl::string_view ip) {
  bool ipv6 = false;
  std::array<uint8_t, 16> address;
  if (!ParseAddress(ip, &ipv6, &address)) return false;
  static constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0,    0,
                                                0, 0, 0, 0, 0xff, 0xff};
  if (ipv6 && !cidr.ipv6 &&
      std::equal(kMappedPrefix, kMappedPrefix + 12, address.begin())) {
    std::copy(address.begin() + 12, address.end(), address.begin());
    ipv6 = false;
  }
  if (ipv6 != cidr.ipv6) return false;
  return PrefixEqual(cidr.address.data(), address.data(), cidr.prefix_length);
}

}  // namespace rapport::auth
