// Writing XML text by hand: escaping, and numbers in attributes. The report is XHTML-compatible
// HTML5 with inline SVG, so everything it writes must be well-formed XML.
#pragma once

#include <string>
#include <string_view>

namespace nmt::report {

// Text or attribute value with &, <, >, " and ' escaped. Characters XML 1.0 forbids (the C0
// controls other than tab, line feed and carriage return) become U+FFFD; the input is UTF-8.
std::string xml_escape(std::string_view text);

// A coordinate for SVG: at most 2 decimals, no trailing zeros ("12.5", "3", "-0.25").
std::string coordinate(double value);

// Code points of a UTF-8 string (for estimating how wide a label is drawn).
std::size_t utf8_length(std::string_view text);

// The text cut to at most max_code_points code points, the last of them "…" when it was cut.
std::string ellipsize(std::string_view text, std::size_t max_code_points);

}  // namespace nmt::report
