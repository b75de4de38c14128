// IP addresses and CIDR blocks, for the addresses a trusted proxy may call
// from. Pure functions over inet_pton(3); thread-safe.
#ifndef RAPPORT_SERVER_AUTH_CIDR_H_
#define RAPPORT_SERVER_AUTH_CIDR_H_

#include <array>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace rapport::auth {

// An IPv4 or IPv6 block: the addresses whose first `prefix_length` bits
// equal those of `address`.
struct Cidr {
  bool ipv6 = false;
  // Network byte order; IPv4 uses the first 4 bytes.
  std::array<uint8_t, 16> address{};
  // 0..32 for IPv4, 0..128 for IPv6.
  int prefix_length = 0;
};

// Parses "10.0.0.0/8", "2001:db8::/32", or a single address ("10.1.2.3",
// "::1", a block of one). Bits beyond the prefix may be set; they are
// ignored. Returns false (leaving `cidr` unspecified) for anything else:
// a bad address, a prefix that is empty, not decimal or too long.
bool ParseCidr(absl::string_view text, Cidr* cidr);

// True when the address `ip` (text, as a socket peer prints it, without a
// port or brackets) lies in `cidr`. An IPv4-mapped IPv6 address
// ("::ffff:10.1.2.3", as dual-stack sockets report IPv4 peers) matches
// IPv4 blocks as its IPv4 address. False when `ip` is not an address.
bool AddressMatches(const Cidr& cidr, absl::string_view ip);

}  // namespace rapport::auth

#endif  // RAPPORT_SERVER_AUTH_CIDR_H_
