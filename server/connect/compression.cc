#include "server/connect/compression.h"

#include <zlib.h>

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/metrics/gzip.h"

namespace rapport::connect {
namespace {

constexpr int kGzipLevel = 1;
constexpr size_t kChunk = 64 << 10;

}  // namespace

absl::StatusOr<Compression> ParseCompression(absl::string_view name) {
  const std::string lower =
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(name));
  if (lower.empty() || lower == "identity") return Compression::kIdentity;
  if (lower == "gzip") return Compression::kGzip;
  return absl::UnimplementedError(
      absl::StrCat("unknown compression \"", name,
                   "\": supported encodings are gzip, identity"));
}

absl::string_view CompressionName(Compression compression) {
  return compression == Compression::kGzip ? "gzip" : "identity";
}

Compression ChooseResponseCompression(absl::string_view accept_encoding) {
  return metrics::AcceptsGzip(accept_encoding) ? Compression::kGzip
                                               : Compression::kIdentity;
}

absl::StatusOr<std::string> Decompress(Compression compression,
                                       absl::string_view data,
                                       size_t max_bytes) {
  if (compression == Compression::kIdentity) {
    if (data.size() > max_bytes) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "message is larger than the limit (", max_bytes, " bytes)"));
    }
    return std::string(data);
  }
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) {
    return absl::ResourceExhaustedError("cannot decompress now");
  }
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  int result = Z_OK;
  while (result == Z_OK) {
    const size_t before = out.size();
    out.resize(before + kChunk);
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + before);
    stream.avail_out = static_cast<uInt>(kChunk);
    result = inflate(&stream, Z_NO_FLUSH);
    out.resize(before + (kChunk - stream.avail_out));
    if (out.size() > max_bytes) {
      inflateEnd(&stream);
      return absl::ResourceExhaustedError(absl::StrCat(
          "message is larger than the limit (", max_bytes, " bytes)"));
    }
    if (result == Z_BUF_ERROR && stream.avail_in == 0) break;
  }
  inflateEnd(&stream);
  if (result != Z_STREAM_END || stream.avail_in != 0) {
    return absl::InvalidArgumentError("message is not valid gzip");
  }
  return out;
}

std::optional<std::string> Gzip(absl::string_view data) {
  return metrics::GzipCompress(data, kGzipLevel);
}

}  // namespace rapport::connect
