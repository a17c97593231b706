#include "nmt/io/recipe.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "nmt/text/utf8.h"

namespace nmt::io {
namespace {

struct Value {
  YAML::Node node;
  std::string where;  // "file:line:column" or "--set key=value"
};

std::string where_in(const std::string& origin, const YAML::Mark& mark) {
  if (mark.line < 0) return origin;
  return origin + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// The first letters of a key's words: "learning_rate" -> "lr".
std::string initials(const std::string& leaf) {
  std::string out;
  for (std::size_t i = 0; i < leaf.size(); ++i)
    if (i == 0 || leaf[i - 1] == '_') out += leaf[i];
  return out;
}

// The valid key closest to `key`: by edit distance over full paths and over leaf names
// within the same section, or by initials ("lr" for "learning_rate"). A one-word key is
// compared with the section names.
std::string suggestion(const std::string& key) {
  const auto dot = key.find('.');
  std::vector<std::string> candidates;
  if (dot == std::string::npos) {
    for (const auto& f : recipe_schema()) {
      const std::string section = f.path.substr(0, f.path.find('.'));
      if (std::find(candidates.begin(), candidates.end(), section) == candidates.end()) candidates.push_back(section);
    }
  } else {
    for (const auto& f : recipe_schema()) candidates.push_back(f.path);
  }
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, key.size() / 3) + 1;
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(key, c);
    if (dot != std::string::npos) {
      const std::string section = key.substr(0, dot), leaf = key.substr(dot + 1);
      const std::string c_section = c.substr(0, c.find('.')), c_leaf = c.substr(c.find('.') + 1);
      const std::size_t penalty = section == c_section ? 0 : 2;
      d = std::min(d, edit_distance(leaf, c_leaf) + penalty);
      if (leaf.size() >= 2 && initials(c_leaf) == leaf) d = std::min<std::size_t>(d, penalty);
    }
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  if (best.empty()) return "";
  return " (did you mean '" + best + "'?)";
}

const RecipeField* find_field(const std::string& path) {
  for (const auto& f : recipe_schema())
    if (f.path == path) return &f;
  return nullptr;
}

bool is_section(const std::string& name) {
  for (const auto& f : recipe_schema())
    if (f.path.compare(0, name.size() + 1, name + ".") == 0) return true;
  return false;
}

std::string recipe_schema_first_key(const std::string& section) {
  for (const auto& f : recipe_schema())
    if (f.path.compare(0, section.size() + 1, section + ".") == 0) return f.path;
  return section + ".key";
}

std::string describe(const YAML::Node& node) {
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return "nothing";
}

[[noreturn]] void fail(const std::string& where, const std::string& message) {
  if (where.rfind("--set ", 0) == 0) throw OverrideError(where + ": " + message);
  throw RecipeError(where + ": " + message);
}

// Where a second document starts, if there is one after a first one with content. yaml-cpp's
// LoadAll cannot be used: on some invalid texts (",") it yields empty documents forever, so
// this asks the parser for one document more; a text whose first document is empty is left to
// the checks of its (missing) keys.
std::optional<YAML::Mark> second_document(const std::string& text) {
  struct ContentFinder : YAML::EventHandler {
    YAML::Mark document_start;
    bool content = false;
    void OnDocumentStart(const YAML::Mark& mark) override { document_start = mark; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override { content = true; }
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {
      content = true;
    }
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
      content = true;
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
      content = true;
    }
    void OnMapEnd() override {}
  };
  std::istringstream in(text);
  YAML::Parser parser(in);
  ContentFinder first, second;
  if (!parser.HandleNextDocument(first) || !first.content) return std::nullopt;
  if (!parser.HandleNextDocument(second)) return std::nullopt;
  return second.document_start;
}

// YAML that yaml-cpp would misreport: a NUL byte ("unknown escape character") or bytes that
// are not UTF-8. Names the line and column of the first bad byte.
void check_is_text(const std::string& text, const std::string& origin) {
  std::size_t line = 1, line_start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    } else if (text[i] == '\0') {
      fail(origin + ":" + std::to_string(line) + ":" + std::to_string(i - line_start + 1),
           "a NUL byte: a recipe is UTF-8 text");
    }
  }
  if (!text::is_valid_utf8(text)) {
    // The line of the first invalid sequence: the longest valid prefix ends there.
    std::size_t bad_line = 1;
    std::size_t begin = 0;
    while (begin < text.size()) {
      const std::size_t end = text.find('\n', begin);
      const std::string one = text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
      if (!text::is_valid_utf8(one)) break;
      ++bad_line;
      begin = end == std::string::npos ? text.size() : end + 1;
    }
    fail(origin + ":" + std::to_string(bad_line), "not valid UTF-8: a recipe is UTF-8 text");
  }
}

// The values of a recipe document, flattened to "section.key" -> value, each key checked
// against the schema.
void collect(const YAML::Node& root, const std::string& origin, std::map<std::string, Value>& values) {
  if (!root || root.IsNull()) return;
  if (!root.IsMap())
    fail(where_in(origin, root.Mark()),
         "a recipe is a mapping of sections (data, model, training, validation, output)");
  for (const auto& section : root) {
    const std::string at = where_in(origin, section.first.Mark());
    if (!section.first.IsScalar()) fail(at, "a section name must be a word, got " + describe(section.first));
    const std::string name = section.first.Scalar();
    if (!is_section(name)) fail(at, "unknown section '" + name + "'" + suggestion(name));
    if (section.second.IsNull()) continue;
    if (!section.second.IsMap())
      fail(at, "section '" + name + "' must be a mapping of keys, got " + describe(section.second));
    for (const auto& entry : section.second) {
      const std::string key_at = where_in(origin, entry.first.Mark());
      if (!entry.first.IsScalar()) fail(key_at, "a key must be a word, got " + describe(entry.first));
      const std::string path = name + "." + entry.first.Scalar();
      if (!find_field(path)) fail(key_at, "unknown key '" + path + "'" + suggestion(path));
      if (values.count(path)) fail(key_at, "key '" + path + "' appears twice");
      values[path] = {entry.second, where_in(origin, entry.second.Mark())};
    }
  }
}

// A checked value of one field, as the canonical YAML scalar text.
std::string checked(const RecipeField& f, const Value& v) {
  if (!v.node.IsScalar()) fail(v.where, f.path + ": expected a single value, got " + describe(v.node));
  const std::string text = v.node.Scalar();
  const auto in_range = [&](double x) {
    if (!(x >= f.minimum && x <= f.maximum)) {
      std::ostringstream range;
      range << f.path << ": " << text << " is out of range [" << f.minimum << ", " << f.maximum << "]";
      fail(v.where, range.str());
    }
  };
  switch (f.kind) {
    case ValueKind::string:
    case ValueKind::path:
      return text;
    case ValueKind::integer: {
      long long x;
      try {
        x = v.node.as<long long>();
      } catch (const YAML::Exception&) {
        fail(v.where, f.path + ": expected a whole number, got '" + text + "'");
      }
      in_range(static_cast<double>(x));
      return std::to_string(x);
    }
    case ValueKind::real: {
      double x;
      try {
        x = v.node.as<double>();
      } catch (const YAML::Exception&) {
        fail(v.where, f.path + ": expected a number, got '" + text + "'");
      }
      if (!std::isfinite(x)) fail(v.where, f.path + ": expected a finite number, got '" + text + "'");
      in_range(x);
      char buffer[64];  // the shortest text that reads back as the same double
      const auto end = std::to_chars(buffer, buffer + sizeof buffer, x).ptr;
      return std::string(buffer, end);
    }
    case ValueKind::boolean:
      try {
        return v.node.as<bool>() ? "true" : "false";
      } catch (const YAML::Exception&) {
        fail(v.where, f.path + ": expected true or false, got '" + text + "'");
      }
    case ValueKind::choice: {
      if (std::find(f.choices.begin(), f.choices.end(), text) != f.choices.end()) return text;
      std::string list;
      for (const auto& c : f.choices) list += (list.empty() ? "" : ", ") + c;
      fail(v.where, f.path + ": '" + text + "' is not one of: " + list);
    }
    case ValueKind::duration: {
      double seconds;
      try {
        seconds = parse_duration(text);
      } catch (const RecipeError& e) {
        fail(v.where, f.path + ": " + e.what());
      }
      in_range(seconds);
      char buffer[64];
      const auto end = std::to_chars(buffer, buffer + sizeof buffer, seconds).ptr;
      return std::string(buffer, end);
    }
  }
  return text;
}

std::string effective_yaml(const std::map<std::string, std::string>& values, const std::string& origin,
                           const std::vector<std::string>& overrides) {
  YAML::Emitter out;
  out << YAML::Comment("effective recipe: " + origin + (overrides.empty() ? "" : " with --set overrides"));
  out << YAML::BeginMap;
  std::string open_section;
  for (const auto& f : recipe_schema()) {
    const std::string section = f.path.substr(0, f.path.find('.'));
    if (section != open_section) {
      if (!open_section.empty()) out << YAML::EndMap;
      out << YAML::Key << section << YAML::Value << YAML::BeginMap;
      open_section = section;
    }
    out << YAML::Key << f.path.substr(f.path.find('.') + 1) << YAML::Value;
    const std::string& v = values.at(f.path);
    if (f.kind == ValueKind::string || f.kind == ValueKind::path || f.kind == ValueKind::choice)
      out << YAML::DoubleQuoted << v;
    else
      out << v;
  }
  out << YAML::EndMap << YAML::EndMap;
  std::string text = out.c_str();
  for (const auto& o : overrides) text += "\n# --set " + o;
  return text + "\n";
}

Recipe typed_recipe(const std::map<std::string, std::string>& text, const std::string& origin,
                    const std::vector<std::string>& overrides);

}  // namespace

double parse_duration(const std::string& text) {
  std::size_t used = 0;
  try {
    const double plain = std::stod(text, &used);
    if (used == text.size()) return plain;
  } catch (const std::exception&) {
  }
  double total = 0;
  std::size_t i = 0;
  bool any = false;
  while (i < text.size()) {
    std::size_t j = i;
    while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '.')) ++j;
    if (j == i || j == text.size()) throw RecipeError("'" + text + "' is not a duration (e.g. 25m, 1h30m, 90s, 600)");
    // Digits and dots alone: "." or "1.2.3" are not numbers, and a number too large for a
    // double is out of range (std::stod's exceptions must not escape: found by recipe_fuzz).
    const std::string digits = text.substr(i, j - i);
    double amount = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), amount);
    if (error != std::errc() || end != digits.data() + digits.size() || !std::isfinite(amount))
      throw RecipeError("'" + text + "' is not a duration (e.g. 25m, 1h30m, 90s, 600)");
    const char unit = text[j];
    const double scale = unit == 'h' ? 3600 : unit == 'm' ? 60 : unit == 's' ? 1 : -1;
    if (scale < 0) throw RecipeError("'" + text + "' is not a duration (units h, m, s)");
    total += amount * scale;
    i = j + 1;
    any = true;
  }
  if (!any) throw RecipeError("empty duration");
  if (!std::isfinite(total)) throw RecipeError("'" + text + "' is too long a duration");
  return total;
}

Recipe parse_recipe(const std::string& yaml_text, const std::string& origin,
                    const std::vector<std::string>& overrides) {
  check_is_text(yaml_text, origin);
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
    if (const auto second = second_document(yaml_text))
      fail(where_in(origin, *second),
           "a second YAML document ('---'): a recipe is one document; merge them or split the file");
  } catch (const YAML::ParserException& e) {
    fail(where_in(origin, e.mark), "not valid YAML: " + e.msg);
  }
  std::map<std::string, Value> values;
  collect(root, origin, values);
  for (const auto& o : overrides) {
    const auto eq = o.find('=');
    const std::string where = "--set " + o;
    if (eq == std::string::npos || eq == 0) fail(where, "expected section.key=value");
    const std::string path = o.substr(0, eq);
    if (path.find('.') == std::string::npos && is_section(path))
      fail(where, "'" + path + "' is a section, not a key: --set takes section.key=value, e.g. " +
                      recipe_schema_first_key(path) + "=...");
    if (!find_field(path)) fail(where, "unknown key '" + path + "'" + suggestion(path));
    YAML::Node node;
    try {
      node = YAML::Load(o.substr(eq + 1));
    } catch (const YAML::ParserException& e) {
      fail(where, "not a valid value: " + e.msg);
    }
    if (!node || node.IsNull()) node = YAML::Node(std::string());
    values[path] = {node, where};
  }
  std::map<std::string, std::string> text;
  for (const auto& f : recipe_schema()) {
    const auto it = values.find(f.path);
    if (it == values.end()) {
      if (f.required) fail(origin, "missing required key '" + f.path + "' (" + f.help + ")");
      // A default per model family: model.type precedes those keys in the schema.
      const std::string& default_value =
          f.model_defaults.empty() ? f.default_value : f.default_for(text.at("model.type"));
      text[f.path] = f.kind == ValueKind::string || f.kind == ValueKind::path
                         ? default_value
                         : checked(f, {YAML::Load(default_value), "the default of " + f.path});
    } else {
      text[f.path] = checked(f, it->second);
      if (f.required && text[f.path].empty()) fail(it->second.where, f.path + " must not be empty");
    }
  }
  return typed_recipe(text, origin, overrides);
}

namespace {

// The typed recipe of checked values, with the checks of keys that only make sense together.
Recipe typed_recipe(const std::map<std::string, std::string>& text, const std::string& origin,
                    const std::vector<std::string>& overrides) {
  Recipe r{};  // every member zero or empty until its key fills it
  r.origin = origin;
  r.overrides = overrides;
  r.effective_yaml = effective_yaml(text, origin, overrides);
  r.values = text;
  for (const auto& f : recipe_schema()) f.assign(r, text.at(f.path));
  // Keys that only make sense together.
  const auto& d = r.data;
  if (r.model.type == "classifier") {
    // A classifier reads sentences and their labels; a target file would be silently unused.
    for (const auto& [key, value] : {std::pair<const char*, const std::string&>{"train_target", d.train_target},
                                     {"dev_target", d.dev_target},
                                     {"test_target", d.test_target}})
      if (!value.empty())
        fail(origin, std::string("data.") + key + " is for translation models; a classifier reads labels: data." +
                         std::string(key).substr(0, std::string(key).find('_')) + "_labels");
    if (d.train_labels.empty())
      fail(origin,
           "missing required key 'data.train_labels' (model.type classifier: the label of each training "
           "sentence, one per line)");
    if (d.dev_source.empty() != d.dev_labels.empty())
      fail(origin, "data.dev_source and data.dev_labels must be given together");
    if (d.test_source.empty() != d.test_labels.empty())
      fail(origin, "data.test_source and data.test_labels must be given together");
    if (r.validation.early_stopping_metric == "bleu")
      fail(origin,
           "validation.early_stopping_metric: bleu scores translations; a classifier validates with "
           "accuracy, macro_f1 or perplexity");
  } else {
    for (const auto& [key, value] : {std::pair<const char*, const std::string&>{"train_labels", d.train_labels},
                                     {"dev_labels", d.dev_labels},
                                     {"test_labels", d.test_labels}})
      if (!value.empty())
        fail(origin, std::string("data.") + key + " is for model.type classifier; a " + r.model.type +
                         " model translates data.*_source into data.*_target");
    if (d.train_target.empty())
      fail(origin, "missing required key 'data.train_target' (training target sentences, aligned with train_source)");
    if (d.dev_source.empty() != d.dev_target.empty())
      fail(origin, "data.dev_source and data.dev_target must be given together");
    if (d.test_source.empty() != d.test_target.empty())
      fail(origin, "data.test_source and data.test_target must be given together");
    if (r.validation.early_stopping_metric == "accuracy" || r.validation.early_stopping_metric == "macro_f1")
      fail(origin, "validation.early_stopping_metric: " + r.validation.early_stopping_metric +
                       " is a classifier's metric; a translation model validates with bleu or perplexity");
  }
  if (r.training.max_epochs == 0 && r.training.max_steps == 0 && r.training.max_seconds == 0 &&
      r.validation.patience == 0)
    fail(origin,
         "no stopping rule: set training.max_epochs, training.max_steps, training.max_time or validation.patience");
  // Two SentencePiece models number their pieces independently: one table for both would tie
  // unrelated pieces that only share an id.
  if (r.model.type == "transformer" && r.model.tie_embeddings && !r.data.joint_vocabulary &&
      r.data.sentencepiece_model.empty())
    fail(origin,
         "model.tie_embeddings: true needs data.joint_vocabulary: true (one vocabulary for both languages); "
         "with two vocabularies tie only the decoder's embeddings and output with model.tie_output_embeddings");
  return r;
}

}  // namespace

Recipe load_recipe(const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RecipeError(path + ": cannot open the recipe");
  std::stringstream text;
  text << in.rdbuf();
  return parse_recipe(text.str(), path, overrides);
}

Recipe with_absolute_paths(const Recipe& recipe, const std::string& base) {
  std::map<std::string, std::string> text = recipe.values;
  for (const auto& f : recipe_schema()) {
    if (f.kind != ValueKind::path) continue;
    std::string& value = text.at(f.path);
    if (value.empty()) continue;
    std::filesystem::path p = std::filesystem::path(base) / value;  // an absolute value replaces base
    p = p.lexically_normal();
    if (!p.has_filename() && p != p.root_path()) p = p.parent_path();  // "runs/x/" -> "runs/x"
    value = p.string();
  }
  return typed_recipe(text, recipe.origin, recipe.overrides);
}

}  // namespace nmt::io
