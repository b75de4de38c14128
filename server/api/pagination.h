// The one pagination of the API: one default and maximum page size, one
// token format (page_token.h) bound to the request's filters, for lists
// paged by position (leaderboards, decliners) and by key (members).
#ifndef RAPPORT_SERVER_API_PAGINATION_H_
#define RAPPORT_SERVER_API_PAGINATION_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace rapport::api {

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 1000;

// A List request's page.
struct Page {
  size_t size = kDefaultPageSize;
  // The fingerprint of every request field that selects or orders the
  // list; a token is valid only with the same filters.
  std::string filters;
  // Where the page resumes; empty for the first page.
  std::string cursor;
};

// The page `page_size` (0 means kDefaultPageSize) and `page_token` ask for.
// INVALID_ARGUMENT naming `page_size` (outside 0..kMaxPageSize) or
// `page_token` (malformed, or issued for other filters).
absl::StatusOr<Page> ParsePage(int32_t page_size, const std::string& page_token,
                               std::string filters);

// The token of the page after `page`, resuming after `cursor`.
std::string NextPageToken(const Page& page, const std::string& cursor);

// A page of a list paged by position.
struct Slice {
  size_t begin = 0;
  size_t end = 0;               // Exclusive; at most the list's size.
  std::string next_page_token;  // Empty on the last page.
};

// The positions of `page` in a list of `total` items. INVALID_ARGUMENT
// naming `page_token` when the cursor is not a position.
absl::StatusOr<Slice> SliceOf(const Page& page, size_t total);

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_PAGINATION_H_
