// A strict little XML parser for the tests: the report and the SVGs must be well-formed XML
// (XHTML-compatible HTML5), and the tests look things up in them.
//
// Accepted: an optional XML declaration, a <!DOCTYPE name> without internal subset, comments,
// elements with quoted attributes, text, the five predefined entities and character
// references. Anything else (a stray '<' or '&', an HTML entity such as &nbsp;, mismatched or
// unclosed tags, duplicate attributes, two roots, invalid UTF-8, control characters) is an
// XmlError with the line and column.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nmt::report::testing {

class XmlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct XmlElement {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;  // decoded values, in order
  std::vector<std::unique_ptr<XmlElement>> children;
  std::string text;  // the decoded character data directly inside this element

  std::optional<std::string> attribute(std::string_view key) const;
  // This element and its descendants, in document order, that `match` accepts.
  std::vector<const XmlElement*> find_all(const std::function<bool(const XmlElement&)>& match) const;
  std::vector<const XmlElement*> find_all(std::string_view element_name) const;
  // All text inside, descendants included.
  std::string all_text() const;
};

std::unique_ptr<XmlElement> parse_xml(std::string_view document);

}  // namespace nmt::report::testing
