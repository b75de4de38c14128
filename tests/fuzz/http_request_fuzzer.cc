// The HTTP port's own pages, "/" (the leaderboard) and "/metrics": what
// rapportd does with a request's method, path, query and Accept-Encoding
// before a handler renders anything (server/metrics/http_request.h, gzip.h),
// and the escaping the page applies to what the query brought in
// (server/web/html.h). FuzzedDataProvider splits the input into the method,
// the path, the Accept-Encoding value and the raw query. Checks:
//   - PreflightStatus is 0, 404 or 405, 0 exactly for GET and HEAD;
//   - PageTeamOfQuery never fails; the team it reads, escaped into an HTML
//     page, holds no markup character; the link the page makes for a team
//     (?team=UrlQueryEscape(team)) reads back as that team;
//   - AcceptsGzip on any header value.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/metrics/gzip.h"
#include "server/metrics/http_request.h"
#include "server/web/html.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rapport;        // NOLINT: the entry point is global.
  using namespace rapport::fuzz;  // NOLINT
  FuzzedDataProvider in(data, size);
  const std::string method = in.ConsumeRandomLengthString(12);
  const std::string path = in.ConsumeRandomLengthString(64);
  const std::string accept_encoding = in.ConsumeRandomLengthString(64);
  const std::string query = in.ConsumeRemainingBytesAsString();

  const int status = metrics::PreflightStatus(method, path);
  Check(status == 0 || status == 404 || status == 405, "preflight status");
  Check((status == 0) == (method == "GET" || method == "HEAD"),
        "GET and HEAD reach the handlers, nothing else does");
  if (status == 405) Check(metrics::IsEndpointPath(path), "405 off our paths");

  (void)metrics::AcceptsGzip(accept_encoding);

  const std::string team = metrics::PageTeamOfQuery(query);
  const std::string html = web::HtmlEscape(team);
  Check(html.find_first_of("<>\"'") == std::string::npos,
        "HtmlEscape let markup through");

  // Teams hold no control characters (the API refuses them), so the page
  // links only to such teams.
  const std::string link_team = team.empty() ? query.substr(0, 64) : team;
  bool plain = !link_team.empty();
  for (char c : link_team)
    plain = plain && static_cast<unsigned char>(c) >= 0x20;
  if (plain) {
    const std::string link =
        absl::StrCat("team=", web::UrlQueryEscape(link_team));
    Check(metrics::PageTeamOfQuery(link) == link_team,
          "a team link does not read back as its team");
  }
  return 0;
}
