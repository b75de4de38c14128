// The request handling of the HTTP port that depends on the request alone
// (method, path, query): which requests reach the handlers of "/" and
// "/metrics", and the leaderboard page's query parameters. Pure and
// thread-safe; metrics_endpoint.cc applies it to civetweb's requests.
#ifndef RAPPORT_SERVER_METRICS_HTTP_REQUEST_H_
#define RAPPORT_SERVER_METRICS_HTTP_REQUEST_H_

#include <string>

#include "absl/strings/string_view.h"

namespace rapport::metrics {

// Whether `path` is one of the endpoint's own pages: "/" or "/metrics".
bool IsEndpointPath(absl::string_view path);

// The status a request that no route takes is refused with before any
// handler runs: 0 for GET and HEAD (served: their handler answers 404 for
// a path other than the endpoint's own), 404 for another method on another
// path, 405 for another method on "/" or "/metrics".
int PreflightStatus(absl::string_view method, absl::string_view path);

// The page's `team` parameter in a raw query string (after '?', still
// URL-encoded): its first value, URL-decoded ('+' is a space); empty when
// the query has none.
std::string PageTeamOfQuery(absl::string_view query);

}  // namespace rapport::metrics

#endif  // RAPPORT_SERVER_METRICS_HTTP_REQUEST_H_
