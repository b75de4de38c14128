// Between HTTP headers and gRPC metadata: Connect-Timeout-Ms, the request
// headers an in-process call carries as metadata, and the response
// metadata sent back as headers. Pure.
#ifndef RAPPORT_SERVER_CONNECT_HEADERS_H_
#define RAPPORT_SERVER_CONNECT_HEADERS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/string_ref.h"

namespace rapport::connect {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// The milliseconds of a Connect-Timeout-Ms value: 1 to 10 ASCII digits.
// INVALID_ARGUMENT otherwise.
absl::StatusOr<int64_t> ParseTimeoutMs(absl::string_view value);

// The request headers (names lower-case) that go to the handlers as
// metadata: all but the protocol's own (connect-*, content-*, accept*,
// grpc-*, hop-by-hop headers, host, user-agent, authorization) and
// `reserved` (the keys the server sets itself). A name that is not valid
// metadata is dropped, and so is a value that is not printable ASCII; a
// "-bin" value is base64-decoded (dropped when it is not base64).
HeaderList MetadataOfHeaders(const HeaderList& headers,
                             const absl::flat_hash_set<std::string>& reserved);

// Response metadata as headers: grpc-* keys are dropped, "-bin" values
// base64-encoded (unpadded), each name prefixed with `prefix` ("trailer-"
// for the trailers of a unary response).
HeaderList HeadersOfMetadata(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
    absl::string_view prefix);

// "Name: value\r\n" lines; values with CR or LF are dropped.
std::string HeaderLines(const HeaderList& headers);

}  // namespace rapport::connect

#endif  // RAPPORT_SERVER_CONNECT_HEADERS_H_
