// gzip for /metrics responses: whether a request's Accept-Encoding allows it,
// and the compression itself (zlib). Pure and thread-safe.
#ifndef RAPPORT_SERVER_METRICS_GZIP_H_
#define RAPPORT_SERVER_METRICS_GZIP_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace rapport::metrics {

// True when an Accept-Encoding header value lists gzip (or x-gzip, or *)
// without q=0. Codings are case-insensitive.
bool AcceptsGzip(absl::string_view accept_encoding);

// `data` as a gzip member (RFC 1952) at zlib `level` (1 fastest .. 9
// smallest); nullopt if zlib fails (out of memory).
std::optional<std::string> GzipCompress(absl::string_view data, int level);

}  // namespace rapport::metrics

#endif  // RAPPORT_SERVER_METRICS_GZIP_H_
