#include "server/auth/cidr.h"

#include <arpa/inet.h>

#include <cstdint>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace rapport::auth {
namespace {

bool Matches(const std::string& block, const std::string& ip) {
  Cidr cidr;
  EXPECT_TRUE(ParseCidr(block, &cidr)) << block;
  return AddressMatches(cidr, ip);
}

TEST(CidrTest, ParsesAddressesAndBlocks) {
  for (const char* text :
       {"10.0.0.0/8", "192.168.1.7", "0.0.0.0/0", "10.1.2.3/32", "::1",
        "2001:db8::/32", "::/0", "fe80::1/128", "10.0.0.1/8"}) {
    Cidr cidr;
    EXPECT_TRUE(ParseCidr(text, &cidr)) << text;
  }
}

TEST(CidrTest, RefusesWhatIsNotAnAddressOrBlock) {
  for (const char* text :
       {"", "/8", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.0/-1",
        "10.0.0.0/+8", "10.0.0.0/8/8", "10.0.0.0/ 8", "10.0.0", "10.0.0.256",
        "host.example", "10.0.0.0/08a", " 10.0.0.1", "[::1]", "10.0.0.1:80",
        "::1/1280"}) {
    Cidr cidr;
    EXPECT_FALSE(ParseCidr(text, &cidr)) << text;
  }
}

TEST(CidrTest, MatchesAddressesInTheBlock) {
  EXPECT_TRUE(Matches("10.0.0.0/8", "10.255.1.2"));
  EXPECT_FALSE(Matches("10.0.0.0/8", "11.0.0.1"));
  EXPECT_TRUE(Matches("192.168.1.7", "192.168.1.7"));
  EXPECT_FALSE(Matches("192.168.1.7", "192.168.1.8"));
  EXPECT_TRUE(Matches("172.16.0.0/12", "172.31.255.255"));
  EXPECT_FALSE(Matches("172.16.0.0/12", "172.32.0.0"));
  EXPECT_TRUE(Matches("0.0.0.0/0", "8.8.8.8"));
  EXPECT_TRUE(Matches("10.9.9.9/8", "10.1.1.1"));  // Host bits ignored.
  EXPECT_TRUE(Matches("2001:db8::/32", "2001:db8:ffff::1"));
  EXPECT_FALSE(Matches("2001:db8::/32", "2001:db9::1"));
  EXPECT_TRUE(Matches("::1", "::1"));
  EXPECT_FALSE(Matches("::1", "::2"));
}

TEST(CidrTest, FamiliesDoNotMix) {
  EXPECT_FALSE(Matches("::/0", "10.0.0.1"));
  EXPECT_FALSE(Matches("0.0.0.0/0", "::1"));
  EXPECT_FALSE(Matches("0.0.0.0/0", "not an address"));
  EXPECT_FALSE(Matches("0.0.0.0/0", ""));
}

TEST(CidrTest, Ipv4MappedAddressesMatchIpv4Blocks) {
  EXPECT_TRUE(Matches("10.0.0.0/8", "::ffff:10.1.2.3"));
  EXPECT_FALSE(Matches("10.0.0.0/8", "::ffff:11.1.2.3"));
  EXPECT_TRUE(Matches("::ffff:0:0/96", "::ffff:10.1.2.3"));
}

// For random IPv4 blocks and addresses, AddressMatches agrees with integer
// arithmetic on the top `prefix` bits.
TEST(CidrTest, Ipv4MatchingAgreesWithMaskArithmetic) {
  std::mt19937 rng(20240601);
  for (int i = 0; i < 5000; ++i) {
    const uint32_t network = rng();
    const int prefix = static_cast<int>(rng() % 33);
    const uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
    // Half the addresses inside the block, half anywhere.
    const uint32_t address =
        i % 2 == 0 ? (network & mask) | (rng() & ~mask) : rng();
    const auto text = [](uint32_t a) {
      return absl::StrCat(a >> 24, ".", (a >> 16) & 255, ".", (a >> 8) & 255,
                          ".", a & 255);
    };
    const std::string block = absl::StrCat(text(network), "/", prefix);
    EXPECT_EQ(Matches(block, text(address)),
              (network & mask) == (address & mask))
        << block << " " << text(address);
  }
}

}  // namespace
}  // namespace rapport::auth
