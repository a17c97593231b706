// /metrics in Prometheus' text format: counters by label, cumulative histogram buckets.
#include "nmt/serve/metrics.h"

#include <gtest/gtest.h>

namespace nmt::serve {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST(ServerMetrics, CountsRequestsSentencesBatchesAndLatency) {
  ServerMetrics m;
  EXPECT_TRUE(has_line(m.prometheus_text(), "nmt_ready 0"));
  m.set_ready(true);
  m.record_request("/translate", 200);
  m.record_request("/translate", 200);
  m.record_request("/translate", 413);
  m.record_request("other", 404);
  m.record_translation(0.02, 3, 17);
  m.record_translation(0.3, 1, 4);
  m.record_batch(2, 4);
  m.record_batch(1, 40);
  const std::string text = m.prometheus_text();
  EXPECT_TRUE(has_line(text, "nmt_ready 1"));
  EXPECT_TRUE(has_line(text, "# TYPE nmt_requests_total counter"));
  EXPECT_TRUE(has_line(text, "nmt_requests_total{path=\"/translate\",code=\"200\"} 2"));
  EXPECT_TRUE(has_line(text, "nmt_requests_total{path=\"/translate\",code=\"413\"} 1"));
  EXPECT_TRUE(has_line(text, "nmt_requests_total{path=\"other\",code=\"404\"} 1"));
  EXPECT_TRUE(has_line(text, "nmt_errors_total 2"));
  EXPECT_TRUE(has_line(text, "nmt_sentences_total 4"));
  EXPECT_TRUE(has_line(text, "nmt_target_pieces_total 21"));
  EXPECT_TRUE(has_line(text, "nmt_batches_total 2"));
  EXPECT_TRUE(has_line(text, "nmt_batched_requests_total 3"));
  // Buckets count every observation at or below their bound.
  EXPECT_TRUE(has_line(text, "nmt_batch_sentences_bucket{le=\"2\"} 0"));
  EXPECT_TRUE(has_line(text, "nmt_batch_sentences_bucket{le=\"4\"} 1"));
  EXPECT_TRUE(has_line(text, "nmt_batch_sentences_bucket{le=\"64\"} 2"));
  EXPECT_TRUE(has_line(text, "nmt_batch_sentences_bucket{le=\"+Inf\"} 2"));
  EXPECT_TRUE(has_line(text, "nmt_batch_sentences_sum 44"));
  EXPECT_TRUE(has_line(text, "nmt_request_duration_seconds_bucket{le=\"0.01\"} 0"));
  EXPECT_TRUE(has_line(text, "nmt_request_duration_seconds_bucket{le=\"0.025\"} 1"));
  EXPECT_TRUE(has_line(text, "nmt_request_duration_seconds_bucket{le=\"0.5\"} 2"));
  EXPECT_TRUE(has_line(text, "nmt_request_duration_seconds_count 2"));
}

}  // namespace
}  // namespace nmt::serve
