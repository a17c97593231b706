// Heat-maps: one cell per (target, source) pair carrying its weight, labelled axes, shapes
// checked; and nmt-translate's soft alignment JSON read into them.
#include "nmt/report/heatmap.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "nmt/decode/alignments.h"
#include "nmt/report/alignment_json.h"
#include "nmt/report/run_metrics.h"
#include "xml_tree.h"

namespace nmt::report {
namespace {

using testing::parse_xml;
using testing::XmlElement;

AttentionMap sample() {
  AttentionMap m;
  m.title = "test line 2";
  m.source_text = "Open <the> file & go";
  m.target_text = "Ouvrez le fichier";
  m.source_pieces = {"\xE2\x96\x81Open", "\xE2\x96\x81<the>",
                     "\xE2\x96\x81"
                     "file",
                     "</s>"};
  m.target_pieces = {"\xE2\x96\x81Ouvrez", "\xE2\x96\x81le", "</s>"};
  m.weights = {{0.7f, 0.1f, 0.15f, 0.05f}, {0.0f, 0.9f, 0.1f, 0.0f}, {1e-7f, 0.2f, 0.3f, 0.4999999f}};
  return m;
}

// The cells of a heat-map, checked to hold each weight exactly, in their (row, column).
void expect_cells(const XmlElement& svg, const AttentionMap& m) {
  const auto cells =
      svg.find_all([](const XmlElement& e) { return e.name == "rect" && e.attribute("class") == "cell"; });
  ASSERT_EQ(cells.size(), m.target_pieces.size() * m.source_pieces.size());
  for (const XmlElement* cell : cells) {
    const std::size_t i = std::stoul(*cell->attribute("data-target")), j = std::stoul(*cell->attribute("data-source"));
    ASSERT_LT(i, m.weights.size());
    ASSERT_LT(j, m.weights[i].size());
    EXPECT_EQ(std::stof(*cell->attribute("data-weight")), m.weights[i][j]) << i << "," << j;
  }
}

TEST(Heatmap, OneCellPerTargetSourcePairWithItsWeight) {
  const AttentionMap m = sample();
  const std::string text = heatmap_svg(m, "h1", /*standalone=*/true);
  EXPECT_EQ(text.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg", 0), 0u);
  const auto svg = parse_xml(text);
  EXPECT_EQ(svg->attribute("data-heatmap"), "h1");
  EXPECT_EQ(svg->attribute("data-rows"), "3");
  EXPECT_EQ(svg->attribute("data-columns"), "4");
  expect_cells(*svg, m);
  // Darker is more weight: the cell of weight 0 is white, the heaviest the darkest.
  const auto fill = [&](std::size_t i, std::size_t j) {
    return *svg->find_all([&](const XmlElement& e) {
                 return e.attribute("data-target") == std::to_string(i) &&
                        e.attribute("data-source") == std::to_string(j);
               })[0]
                ->attribute("fill");
  };
  EXPECT_EQ(fill(1, 0), "#ffffff");
  EXPECT_LT(fill(1, 1), fill(0, 0));  // #1a... < #5b...: less red and green is darker
  // Both axes carry the pieces, escaped; the title carries the sentence.
  const auto labels = [&](const char* group) {
    std::vector<std::string> out;
    for (const auto* t :
         svg->find_all([&](const XmlElement& e) { return e.attribute("class") == group; })[0]->find_all("text"))
      out.push_back(t->text);
    return out;
  };
  EXPECT_EQ(labels("source-labels"), m.source_pieces);
  EXPECT_EQ(labels("target-labels"), m.target_pieces);
  EXPECT_NE(svg->all_text().find("Open <the> file & go"), std::string::npos);
  EXPECT_NE(svg->all_text().find("Ouvrez le fichier"), std::string::npos);
}

TEST(Heatmap, ShapesMustAgree) {
  AttentionMap m = sample();
  m.weights[1].pop_back();
  EXPECT_THROW(heatmap_svg(m, "x", false), std::invalid_argument);
  m = sample();
  m.target_pieces.pop_back();
  EXPECT_THROW(heatmap_svg(m, "x", false), std::invalid_argument);
}

// A line as nmt-translate --alignment soft writes it (decode::soft_alignment), of the
// translation that `m` draws.
nlohmann::json soft_line(std::size_t line, const AttentionMap& m) {
  decode::Translation t;
  t.source_pieces.assign(m.source_pieces.begin(), m.source_pieces.end() - 1);  // without EOS
  decode::TranslatedHypothesis h;
  h.text = m.target_text;
  h.complete = m.target_pieces.back() == "</s>";
  h.pieces.assign(m.target_pieces.begin(), m.target_pieces.end() - (h.complete ? 1 : 0));
  h.attention = m.weights;
  h.score = -0.5;
  t.n_best.push_back(h);
  return decode::soft_alignment(t, line);
}

TEST(AlignmentJson, ReadsTheRecordOfTheLineAskedFor) {
  const AttentionMap m = sample();
  AttentionMap other = m;
  other.weights[0] = {0.25f, 0.25f, 0.25f, 0.25f};
  // Input lines count from 0, as in n-best lists: records 0 and 1.
  std::istringstream in(soft_line(0, other).dump() + "\n" + soft_line(1, m).dump() + "\n");
  const AttentionMap read = read_alignment(in, "a.jsonl", 1);
  EXPECT_EQ(read.title, "line 1");
  EXPECT_EQ(read.source_pieces, m.source_pieces);
  EXPECT_EQ(read.target_pieces, m.target_pieces);
  EXPECT_EQ(read.weights, m.weights);
  EXPECT_EQ(read.target_text, m.target_text);
  EXPECT_EQ(read.source_text, "Open <the> file");  // from the pieces
  expect_cells(*parse_xml(heatmap_svg(read, "h", true)), m);
  // Rows padded with zeros to the width of a decoding batch (as nmt-translate writes them for
  // the shorter sentences of a batch) read as the sentence's own columns.
  nlohmann::json padded = soft_line(1, m);
  for (auto& row : padded["attention"]) row.insert(row.end(), {0.0, 0.0});
  std::istringstream padded_in(padded.dump() + "\n");
  EXPECT_EQ(read_alignment(padded_in, "a.jsonl", 1).weights, m.weights);
  // Without a line, the first record; line 0 is a line like the others.
  std::istringstream first(soft_line(3, other).dump() + "\n" + soft_line(0, m).dump() + "\n");
  EXPECT_EQ(read_alignment(first, "a.jsonl", std::nullopt).weights, other.weights);
  first.clear();
  first.seekg(0);
  EXPECT_EQ(read_alignment(first, "a.jsonl", 0).weights, m.weights);
}

TEST(AlignmentJson, ErrorsNameTheFileAndLine) {
  const auto message = [](const std::string& text, std::optional<std::size_t> line) {
    std::istringstream in(text);
    try {
      read_alignment(in, "a.jsonl", line);
    } catch (const ReportError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const AttentionMap m = sample();
  const std::string good = soft_line(1, m).dump() + "\n";
  EXPECT_EQ(message(good, 7), "a.jsonl: no record whose \"line\" is 7 (1 lines read; input lines count from 0)");
  EXPECT_EQ(message("", std::nullopt), "a.jsonl: no records (expected nmt-translate --alignment soft output)");
  EXPECT_EQ(message(good + "[1,\n", 3), "a.jsonl:2: not a JSON object");
  nlohmann::json none = soft_line(1, m);
  none["attention"] = nlohmann::json::array();
  EXPECT_EQ(message(none.dump() + "\n", 1),
            "a.jsonl:1: no attention weights: the model has no attention (model.attention: none)");
  nlohmann::json empty = {{"line", 4},
                          {"translation", ""},
                          {"source", nlohmann::json::array()},
                          {"target", nlohmann::json::array()},
                          {"attention", nlohmann::json::array()}};
  EXPECT_EQ(message(empty.dump() + "\n", 4), "a.jsonl:1: an empty translation: no attention to draw");
  nlohmann::json narrow = soft_line(1, m);
  narrow["attention"][1] = {0.5, 0.5};
  EXPECT_EQ(message(narrow.dump() + "\n", 1),
            "a.jsonl:1: line 1: target piece 2 has 2 attention weights for 4 source pieces (source pieces include the "
            "EOS \"</s>\")");
  nlohmann::json wide = soft_line(1, m);
  wide["attention"][0].push_back(0.5);
  EXPECT_EQ(message(wide.dump() + "\n", 1),
            "a.jsonl:1: line 1: target piece 1 has 5 attention weights for 4 source pieces (source pieces include the "
            "EOS \"</s>\")");
  EXPECT_EQ(message("{\"line\":1}\n", 1),
            "a.jsonl:1: no \"source\" array (is this nmt-translate --alignment soft output?)");
  // "source" lists the EOS that the rows have a column for.
  nlohmann::json no_eos = soft_line(1, m);
  no_eos["source"].erase(no_eos["source"].size() - 1);
  EXPECT_EQ(
      message(no_eos.dump() + "\n", 1),
      "a.jsonl:1: \"source\" does not end with the EOS \"</s>\" (is this nmt-translate --alignment soft output?)");
}

}  // namespace
}  // namespace nmt::report

namespace nmt::report {
namespace {

// nmt-classify --attention: one row per attention head over the sentence's pieces.
TEST(AlignmentJson, AClassifiersRecordIsOneRowPerHead) {
  const nlohmann::json record = {{"line", 2},
                                 {"label", "calc"},
                                 {"probability", 0.875},
                                 {"pieces", {"\u2581Sum", "\u2581cells", "</s>"}},
                                 {"attention", {{0.5, 0.25, 0.25}, {0.0, 1.0, 0.0}}}};
  std::istringstream in(record.dump() + "\n");
  const AttentionMap map = read_alignment(in, "c.jsonl", 2);
  EXPECT_EQ(map.title, "line 2");
  EXPECT_EQ(map.source_text, "Sum cells");
  EXPECT_EQ(map.target_text, "calc (p = 0.8750)");
  EXPECT_EQ(map.target_pieces, (std::vector<std::string>{"head 1", "head 2"}));
  EXPECT_EQ(map.weights, (std::vector<std::vector<float>>{{0.5f, 0.25f, 0.25f}, {0.0f, 1.0f, 0.0f}}));
  nlohmann::json one_head = record;
  one_head["attention"] = {{0.5, 0.25, 0.25}};
  std::istringstream one(one_head.dump() + "\n");
  EXPECT_EQ(read_alignment(one, "c.jsonl", std::nullopt).target_pieces, std::vector<std::string>{"attention"});
  nlohmann::json narrow = record;
  narrow["attention"][1] = {1.0};
  std::istringstream bad(narrow.dump() + "\n");
  try {
    read_alignment(bad, "c.jsonl", 2);
    ADD_FAILURE() << "a row of the wrong width was read";
  } catch (const ReportError& e) {
    EXPECT_EQ(std::string(e.what()),
              "c.jsonl:1: line 2: target piece 2 has 1 attention weights for 3 source pieces (pieces include the EOS "
              "\"</s>\")");
  }
}

}  // namespace
}  // namespace nmt::report
