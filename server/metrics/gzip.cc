#include "server/metrics/gzip.h"

#include <zlib.h>

#include <limits>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace rapport::metrics {
namespace {

// The q value of a coding's parameters ("q=0.5"); 1 when absent or bad.
double QualityOf(absl::string_view params) {
  for (absl::string_view param : absl::StrSplit(params, ';')) {
    param = absl::StripAsciiWhitespace(param);
    if (absl::ConsumePrefix(&param, "q=") ||
        absl::ConsumePrefix(&param, "Q=")) {
      double q = 1;
      if (absl::SimpleAtod(param, &q)) return q;
    }
  }
  return 1;
}

}  // namespace

bool AcceptsGzip(absl::string_view accept_encoding) {
  for (absl::string_view item : absl::StrSplit(accept_encoding, ',')) {
    absl::string_view params;
    const size_t semicolon = item.find(';');
    if (semicolon != absl::string_view::npos) {
      params = item.substr(semicolon + 1);
      item = item.substr(0, semicolon);
    }
    const std::string coding =
        absl::AsciiStrToLower(absl::StripAsciiWhitespace(item));
    if ((coding == "gzip" || coding == "x-gzip" || coding == "*") &&
        QualityOf(params) > 0) {
      return true;
    }
  }
  return false;
}

std::optional<std::string> GzipCompress(absl::string_view data, int level) {
  if (data.size() > std::numeric_limits<uInt>::max()) return std::nullopt;
  z_stream stream{};
  // 15 window bits, +16 for a gzip header and trailer.
  if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return std::nullopt;
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  const size_t written = stream.total_out;
  deflateEnd(&stream);
  if (result != Z_STREAM_END) return std::nullopt;
  out.resize(written);
  return out;
}

}  // namespace rapport::metrics
