// The test's XML checker must itself reject what is not well-formed, or the report tests that
// rely on it could not fail.
#include "xml_tree.h"

#include <gtest/gtest.h>

namespace nmt::report::testing {
namespace {

TEST(XmlTree, ParsesElementsAttributesTextAndReferences) {
  const auto root = parse_xml(
      "<?xml version=\"1.0\"?>\n<!DOCTYPE html>\n<!-- c -->\n<html a=\"1 &amp; 2\" b='x'>"
      "<p>caf\xC3\xA9 &lt;&#233;&#xE9;&gt;</p><br/><p c=\"&quot;\">two</p></html>\n");
  EXPECT_EQ(root->name, "html");
  EXPECT_EQ(root->attribute("a"), "1 & 2");
  EXPECT_EQ(root->attribute("b"), "x");
  EXPECT_FALSE(root->attribute("z"));
  const auto ps = root->find_all("p");
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_EQ(ps[0]->text, "caf\xC3\xA9 <\xC3\xA9\xC3\xA9>");
  EXPECT_EQ(ps[1]->attribute("c"), "\"");
  EXPECT_EQ(root->all_text(), "caf\xC3\xA9 <\xC3\xA9\xC3\xA9>two");
}

TEST(XmlTree, RejectsWhatIsNotWellFormed) {
  for (const char* bad : {
           "<a><b></a></b>",           // crossed tags
           "<a>",                      // unclosed
           "<a></a><b></b>",           // two roots
           "<a x=1></a>",              // unquoted attribute
           "<a x=\"1\" x=\"2\"></a>",  // duplicate attribute
           "<a>1 < 2</a>",             // bare '<'
           "<a>fish & chips</a>",      // bare '&'
           "<a>&nbsp;</a>",            // an HTML entity
           "<a x=\"<\"></a>",          // '<' in an attribute
           "<a>\xFF</a>",              // invalid UTF-8
           "<a>\x01</a>",              // a control character
           "<a>&#0;</a>",              // a reference to NUL
           "<a><!-- a -- b --></a>",   // '--' in a comment
           "<a x=\"1\"y=\"2\"></a>",   // no space between attributes
           "<a/>trailing",             // text after the root
       }) {
    EXPECT_THROW(parse_xml(bad), XmlError) << bad;
  }
}

TEST(XmlTree, ErrorsSayWhere) {
  try {
    parse_xml("<a>\n  <b></c>\n</a>");
    FAIL();
  } catch (const XmlError& e) {
    EXPECT_STREQ(e.what(), "2:9: </c> closes <b>");
  }
}

}  // namespace
}  // namespace nmt::report::testing
