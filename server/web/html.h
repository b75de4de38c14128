// Escaping for HTML text, attribute values and URL query values. Pure and
// thread-safe.
#ifndef RAPPORT_SERVER_WEB_HTML_H_
#define RAPPORT_SERVER_WEB_HTML_H_

#include <string>

#include "absl/strings/string_view.h"

namespace rapport::web {

// `text` with & < > " ' replaced by character references: safe as element
// text and as a quoted attribute value.
std::string HtmlEscape(absl::string_view text);

// Appends HtmlEscape(text) to `out`.
void AppendHtmlEscaped(absl::string_view text, std::string* out);

// `value` percent-encoded for a URL query (every byte but A-Z a-z 0-9 - . _ ~
// becomes %XX), so it can follow "?team=" as is.
std::string UrlQueryEscape(absl::string_view value);

}  // namespace rapport::web

#endif  // RAPPORT_SERVER_WEB_HTML_H_
