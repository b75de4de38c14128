// The compressions Connect messages may use here: "identity" and "gzip".
// Pure and thread-safe.
#ifndef RAPPORT_SERVER_CONNECT_COMPRESSION_H_
#define RAPPORT_SERVER_CONNECT_COMPRESSION_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rapport::connect {

enum class Compression { kIdentity, kGzip };

// The compression named by a Content-Encoding (or Connect-Content-Encoding,
// or GET's compression parameter) value: empty or "identity", "gzip".
// UNIMPLEMENTED naming the encoding and the supported ones otherwise.
absl::StatusOr<Compression> ParseCompression(absl::string_view name);

// "identity" or "gzip".
absl::string_view CompressionName(Compression compression);

// The compression to answer with given an Accept-Encoding (or
// Connect-Accept-Encoding) value: gzip when listed (without q=0),
// identity otherwise.
Compression ChooseResponseCompression(absl::string_view accept_encoding);

// `data` decompressed. INVALID_ARGUMENT when it is not valid gzip;
// RESOURCE_EXHAUSTED when it would exceed `max_bytes` (decompression stops
// there: a small bomb cannot take memory).
absl::StatusOr<std::string> Decompress(Compression compression,
                                       absl::string_view data,
                                       size_t max_bytes);

// `data` gzip-compressed (a fast zlib level); nullopt when zlib fails (out
// of memory): send it uncompressed then.
std::optional<std::string> Gzip(absl::string_view data);

}  // namespace rapport::connect

#endif  // RAPPORT_SERVER_CONNECT_COMPRESSION_H_
