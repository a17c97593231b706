#include "xml_tree.h"

#include <set>

namespace nmt::report::testing {

namespace {

bool name_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }
bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void append_utf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Parser {
 public:
  explicit Parser(std::string_view d) : d_(d) {}

  std::unique_ptr<XmlElement> document() {
    check_encoding();
    if (starts("<?xml")) {
      const auto end = d_.find("?>", p_);
      if (end == std::string_view::npos) fail("unterminated XML declaration");
      p_ = end + 2;
    }
    misc();
    if (starts("<!DOCTYPE")) {
      p_ += 9;
      if (!space(peek())) fail("expected a space after <!DOCTYPE");
      skip_space();
      name();
      skip_space();
      if (!starts(">")) fail("only <!DOCTYPE name> is accepted");
      ++p_;
    }
    misc();
    if (!starts("<")) fail("expected the root element");
    auto root = element();
    misc();
    if (p_ != d_.size()) fail("content after the root element");
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < p_ && i < d_.size(); ++i) {
      if (d_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw XmlError(std::to_string(line) + ":" + std::to_string(column) + ": " + what);
  }
  char peek() const { return p_ < d_.size() ? d_[p_] : '\0'; }
  bool starts(std::string_view s) const { return d_.substr(p_, s.size()) == s; }
  void skip_space() {
    while (p_ < d_.size() && space(d_[p_])) ++p_;
  }

  // UTF-8 validity and XML's character range, over the whole document.
  void check_encoding() {
    for (p_ = 0; p_ < d_.size();) {
      const auto c = static_cast<unsigned char>(d_[p_]);
      if (c < 0x80) {
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') fail("a control character");
        ++p_;
        continue;
      }
      int extra = 0;
      if (c >= 0xC2 && c <= 0xDF)
        extra = 1;
      else if (c >= 0xE0 && c <= 0xEF)
        extra = 2;
      else if (c >= 0xF0 && c <= 0xF4)
        extra = 3;
      else
        fail("invalid UTF-8");
      if (p_ + static_cast<std::size_t>(extra) >= d_.size()) fail("truncated UTF-8");
      for (int k = 1; k <= extra; ++k)
        if ((static_cast<unsigned char>(d_[p_ + k]) & 0xC0) != 0x80) fail("invalid UTF-8");
      p_ += 1 + static_cast<std::size_t>(extra);
    }
    p_ = 0;
  }

  void comment() {
    p_ += 4;
    const auto end = d_.find("--", p_);
    if (end == std::string_view::npos || d_.substr(end, 3) != "-->") fail("'--' inside a comment, or no end");
    p_ = end + 3;
  }

  // Whitespace and comments.
  void misc() {
    for (;;) {
      skip_space();
      if (starts("<!--"))
        comment();
      else
        return;
    }
  }

  std::string name() {
    if (!name_start(peek())) fail("expected a name");
    const std::size_t start = p_;
    while (p_ < d_.size() && name_char(d_[p_])) ++p_;
    return std::string(d_.substr(start, p_ - start));
  }

  // After '&': one of the five entities or a character reference.
  void reference(std::string& out) {
    ++p_;
    const auto end = d_.find(';', p_);
    if (end == std::string_view::npos || end - p_ > 10) fail("'&' that starts no reference");
    const std::string_view ref = d_.substr(p_, end - p_);
    if (ref == "amp")
      out += '&';
    else if (ref == "lt")
      out += '<';
    else if (ref == "gt")
      out += '>';
    else if (ref == "quot")
      out += '"';
    else if (ref == "apos")
      out += '\'';
    else if (ref.size() > 1 && ref[0] == '#') {
      const bool hex = ref[1] == 'x';
      const std::string digits(ref.substr(hex ? 2 : 1));
      if (digits.empty() ||
          digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") != std::string::npos)
        fail("bad character reference &" + std::string(ref) + ";");
      const unsigned long cp = std::stoul(digits, nullptr, hex ? 16 : 10);
      if (cp == 0 || cp > 0x10FFFF || (cp < 0x20 && cp != 9 && cp != 10 && cp != 13) || (cp >= 0xD800 && cp <= 0xDFFF))
        fail("character reference to a character XML does not allow");
      append_utf8(out, cp);
    } else {
      fail("undefined entity &" + std::string(ref) + "; (XML knows only amp, lt, gt, quot, apos)");
    }
    p_ = end + 1;
  }

  std::unique_ptr<XmlElement> element() {
    ++p_;  // '<'
    auto e = std::make_unique<XmlElement>();
    e->name = name();
    std::set<std::string> seen;
    for (;;) {
      const bool had_space = space(peek());
      skip_space();
      if (starts("/>")) {
        p_ += 2;
        return e;
      }
      if (starts(">")) {
        ++p_;
        break;
      }
      if (!had_space) fail("expected a space before an attribute");
      std::string key = name();
      if (!seen.insert(key).second) fail("attribute '" + key + "' given twice");
      skip_space();
      if (peek() != '=') fail("attribute '" + key + "' without '='");
      ++p_;
      skip_space();
      const char quote = peek();
      if (quote != '"' && quote != '\'') fail("attribute '" + key + "' value not quoted");
      ++p_;
      std::string value;
      while (p_ < d_.size() && d_[p_] != quote) {
        if (d_[p_] == '<') fail("'<' in an attribute value");
        if (d_[p_] == '&') {
          reference(value);
        } else {
          value += d_[p_++];
        }
      }
      if (p_ >= d_.size()) fail("unterminated attribute value");
      ++p_;
      e->attributes.emplace_back(std::move(key), std::move(value));
    }
    // Content.
    for (;;) {
      if (p_ >= d_.size()) fail("<" + e->name + "> is not closed");
      if (starts("</")) {
        p_ += 2;
        const std::string end = name();
        if (end != e->name) fail("</" + end + "> closes <" + e->name + ">");
        skip_space();
        if (peek() != '>') fail("expected '>'");
        ++p_;
        return e;
      }
      if (starts("<!--")) {
        comment();
      } else if (starts("<![CDATA[") || starts("<?") || starts("<!")) {
        fail("CDATA, processing instructions and declarations are not expected here");
      } else if (peek() == '<') {
        e->children.push_back(element());
      } else if (peek() == '&') {
        reference(e->text);
      } else {
        if (starts("]]>")) fail("']]>' in text");
        e->text += d_[p_++];
      }
    }
  }

  std::string_view d_;
  std::size_t p_ = 0;
};

void collect(const XmlElement& e, const std::function<bool(const XmlElement&)>& match,
             std::vector<const XmlElement*>& out) {
  if (match(e)) out.push_back(&e);
  for (const auto& c : e.children) collect(*c, match, out);
}

}  // namespace

std::optional<std::string> XmlElement::attribute(std::string_view key) const {
  for (const auto& [k, v] : attributes)
    if (k == key) return v;
  return std::nullopt;
}

std::vector<const XmlElement*> XmlElement::find_all(const std::function<bool(const XmlElement&)>& match) const {
  std::vector<const XmlElement*> out;
  collect(*this, match, out);
  return out;
}

std::vector<const XmlElement*> XmlElement::find_all(std::string_view element_name) const {
  return find_all([element_name](const XmlElement& e) { return e.name == element_name; });
}

std::string XmlElement::all_text() const {
  std::string out = text;
  for (const auto& c : children) out += c->all_text();
  return out;
}

std::unique_ptr<XmlElement> parse_xml(std::string_view document) { return Parser(document).document(); }

}  // namespace nmt::report::testing
