#include "server/metrics/gzip.h"

#include <zlib.h>

#include <string>

#include "gtest/gtest.h"

namespace rapport::metrics {
namespace {

TEST(AcceptsGzipTest, ReadsTheCodingsAndTheirQuality) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("deflate, GZip;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("x-gzip"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, *;q=0.1"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip; q=0.000, br"));
  EXPECT_FALSE(AcceptsGzip("gzipped"));
}

TEST(GzipCompressTest, RoundTripsThroughZlib) {
  std::string text;
  for (int i = 0; i < 20000; ++i) {
    text += "rapport_member_ssi{team=\"north\",member=\"rep-" +
            std::to_string(i) + "\"} 42.5\n";
  }
  const std::optional<std::string> zipped = GzipCompress(text, 1);
  ASSERT_TRUE(zipped.has_value());
  EXPECT_LT(zipped->size(), text.size() / 5);
  ASSERT_GE(zipped->size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>((*zipped)[0]), 0x1f);  // gzip magic
  EXPECT_EQ(static_cast<unsigned char>((*zipped)[1]), 0x8b);

  std::string out(text.size(), '\0');
  z_stream stream{};
  ASSERT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zipped->data()));
  stream.avail_in = static_cast<uInt>(zipped->size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
  EXPECT_EQ(stream.total_out, text.size());
  inflateEnd(&stream);
  EXPECT_EQ(out, text);
}

TEST(GzipCompressTest, CompressesEmptyInput) {
  const std::optional<std::string> zipped = GzipCompress("", 6);
  ASSERT_TRUE(zipped.has_value());
  EXPECT_GE(zipped->size(), 18u);  // Header and trailer.
}

}  // namespace
}  // namespace rapport::metrics
