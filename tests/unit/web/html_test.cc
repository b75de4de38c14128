#include "server/web/html.h"

#include "gtest/gtest.h"

namespace rapport::web {
namespace {

TEST(HtmlEscapeTest, EscapesMarkupAndQuotes) {
  EXPECT_EQ(HtmlEscape(R"(<a href="x" onclick='y'>&amp;</a>)"),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a"
            "&gt;");
}

TEST(HtmlEscapeTest, KeepsPlainTextAndUtf8) {
  EXPECT_EQ(HtmlEscape("Zoë Ålund 42"), "Zoë Ålund 42");
  EXPECT_EQ(HtmlEscape(""), "");
}

TEST(UrlQueryEscapeTest, EncodesEverythingButUnreserved) {
  EXPECT_EQ(UrlQueryEscape("North-East_1.x~"), "North-East_1.x~");
  EXPECT_EQ(UrlQueryEscape("a b&c=d/é\"<"), "a%20b%26c%3Dd%2F%C3%A9%22%3C");
}

}  // namespace
}  // namespace rapport::web
