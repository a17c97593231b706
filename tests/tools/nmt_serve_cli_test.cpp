// nmt-serve over HTTP on a loopback port, with the tiny Transformer of tests/data/tiny/fec9a3d:
// health before and after loading, translations (each request its own, in order, also when many
// come at once), every error answer of the API, metrics, and SIGTERM with requests in flight.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kProgram = std::string(NMT_BINARY_DIR) + "/bin/nmt-serve";
const std::string kModel = std::string(NMT_SOURCE_DIR) + "/tests/data/tiny/fec9a3d/transformer.nmt";

std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// The port of "nmt-serve: listening on http://127.0.0.1:PORT/" in `log`, or 0. (No std::regex:
// GCC 12 warns inside it at -O1 with the sanitizers.)
int listening_port(const std::string& log) {
  const std::string start = "listening on http://127.0.0.1:";
  const std::size_t at = log.find(start);
  return at == std::string::npos ? 0 : std::atoi(log.c_str() + at + start.size());
}

// A server process on a free loopback port; stopped (SIGTERM) when the object goes.
class Server {
 public:
  explicit Server(const std::vector<std::string>& extra = {}) {
    log_ = fs::temp_directory_path() / ("nmt-serve-" + std::to_string(::getpid()) + "-" + std::to_string(count_++));
    std::vector<std::string> args{kProgram, "-m", kModel, "--port", "0"};
    if (std::find(extra.begin(), extra.end(), "--threads") == extra.end()) args.insert(args.end(), {"--threads", "1"});
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      const int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(fd, 2);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(kProgram.c_str(), argv.data());
      ::_exit(127);
    }
    // The port from "listening on http://127.0.0.1:PORT/", then wait until the model is loaded.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (port_ == 0 && std::chrono::steady_clock::now() < deadline) {
      port_ = listening_port(slurp(log_));
      if (port_ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~Server() {
    if (pid_ > 0 && !waited_) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    fs::remove(log_);
  }
  int port() const { return port_; }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(60, 0);
    return c;
  }
  bool wait_ready() const {
    auto c = client();
    for (int i = 0; i < 600; ++i) {
      if (auto r = c.Get("/health"); r && r->status == 200) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  // Sends SIGTERM and returns the exit status.
  int stop() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    waited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string log() const { return slurp(log_); }

 private:
  static inline int count_ = 0;
  pid_t pid_ = -1;
  int port_ = 0;
  bool waited_ = false;
  fs::path log_;
};

json post(httplib::Client& c, const std::string& body, int expected_status) {
  const auto r = c.Post("/translate", body, "application/json");
  EXPECT_TRUE(r) << "no answer to " << body;
  if (!r) return {};
  EXPECT_EQ(r->status, expected_status) << body << " -> " << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json") << body;
  return json::parse(r->body);
}

class NmtServe : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new Server({"--max-sentences", "8", "--max-characters", "100", "--max-body", "2000"});
    ASSERT_GT(server_->port(), 0) << server_->log();
    ASSERT_TRUE(server_->wait_ready()) << server_->log();
  }
  static void TearDownTestSuite() { delete server_; }
  static inline Server* server_ = nullptr;
};

TEST_F(NmtServe, HealthNamesTheModelAndTranslationsComeInOrder) {
  auto c = server_->client();
  const auto health = c.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(json::parse(health->body)["status"], "ready");
  EXPECT_NE(json::parse(health->body)["model"].get<std::string>().find("transformer"), std::string::npos);
  const json answer = post(c, R"({"text": ["Retrieving Python Scripts", "", "With Python"], "beam_size": 5})", 200);
  ASSERT_EQ(answer["translations"].size(), 3u);
  // Memorised training pairs (tests/data/tiny/train.*).
  EXPECT_EQ(answer["translations"][0]["text"], "Récupération des scripts Python");
  EXPECT_EQ(answer["translations"][1]["text"], "");
  EXPECT_EQ(answer["translations"][2]["text"], "En Python");
  EXPECT_NE(answer["model"].get<std::string>().find("transformer"), std::string::npos);
}

TEST_F(NmtServe, AlignmentAndNBestAreThereWhenAskedFor) {
  auto c = server_->client();
  const json answer = post(c, R"({"text": "With Python", "beam_size": 3, "n_best": 2, "alignment": true})", 200);
  const json& t = answer["translations"][0];
  EXPECT_EQ(t["n_best"].size(), 2u);
  ASSERT_EQ(t["alignment"].size(), t["target"].size());
  for (const json& row : t["alignment"]) {
    ASSERT_EQ(row.size(), t["source"].size());
    double sum = 0;
    for (const json& w : row) sum += w.get<double>();
    EXPECT_NEAR(sum, 1.0, 1e-4);
  }
}

TEST_F(NmtServe, EveryBadRequestGetsAJsonErrorNamingWhatIsWrong) {
  auto c = server_->client();
  EXPECT_EQ(post(c, R"({"text": ["a")", 400)["error"].get<std::string>().rfind("malformed JSON", 0), 0u);
  EXPECT_EQ(post(c, R"({"text": [1]})", 400)["error"], "\"text\"[0] must be a string, not number");
  EXPECT_EQ(post(c, R"({"text": "a", "beam_size": 0})", 400)["error"], "\"beam_size\" must be from 1 to 256, not 0");
  EXPECT_EQ(post(c, R"({"text": ["a","a","a","a","a","a","a","a","a"]})", 413)["error"],
            "\"text\" holds 9 sentences; at most 8 per request");
  EXPECT_EQ(post(c, "{\"text\": \"" + std::string(101, 'a') + "\"}", 413)["error"],
            "\"text\"[0] has 101 characters; at most 100");
  EXPECT_EQ(post(c, "{\"text\": \"" + std::string(2100, 'a') + "\"}", 413)["error"],
            "the request body is larger than 2000 bytes");
  const auto missing = c.Get("/nowhere");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(json::parse(missing->body)["error"], "no such path: /nowhere (try /, /translate, /health, /metrics)");
  // Invalid UTF-8 is translated as U+FFFD, with a warning.
  const json repaired = post(c, "{\"text\": [\"Fill \xFF\"]}", 200);
  ASSERT_EQ(repaired["warnings"].size(), 1u);
  EXPECT_NE(repaired["warnings"][0].get<std::string>().find("invalid UTF-8"), std::string::npos);
}

TEST_F(NmtServe, ConcurrentRequestsEachGetTheirOwnAnswers) {
  const std::vector<std::string> sentences{"Retrieving Python Scripts", "With Python", "Double thin", "Fill"};
  std::vector<std::string> expected;
  {
    auto c = server_->client();
    for (const auto& s : sentences)
      expected.push_back(post(c, json{{"text", s}}.dump(), 200)["translations"][0]["text"]);
  }
  std::vector<std::thread> threads;
  std::vector<std::vector<std::string>> got(16);
  std::vector<std::string> failures(got.size());
  for (std::size_t r = 0; r < got.size(); ++r)
    threads.emplace_back([&, r] {
      auto c = server_->client();
      // Request r: sentences r % 4, (r + 1) % 4, ... (r % 3 + 1 of them).
      json text = json::array();
      for (std::size_t i = 0; i <= r % 3; ++i) text.push_back(sentences[(r + i) % 4]);
      const auto res = c.Post("/translate", json{{"text", text}}.dump(), "application/json");
      if (!res) failures[r] = "no answer: " + httplib::to_string(res.error());
      if (res && res->status != 200) failures[r] = std::to_string(res->status) + " " + res->body;
      if (!res || res->status != 200) return;
      const json answer = json::parse(res->body);
      for (const json& t : answer["translations"]) got[r].push_back(t["text"]);
      if (got[r].size() != r % 3 + 1) failures[r] = res->body;
    });
  for (auto& t : threads) t.join();
  for (std::size_t r = 0; r < got.size(); ++r) {
    ASSERT_EQ(got[r].size(), r % 3 + 1) << "request " << r << ": " << failures[r];
    for (std::size_t i = 0; i < got[r].size(); ++i) EXPECT_EQ(got[r][i], expected[(r + i) % 4]) << "request " << r;
  }
  auto c = server_->client();
  const auto metrics = c.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("nmt_ready 1\n"), std::string::npos);
  EXPECT_NE(metrics->body.find("nmt_requests_total{path=\"/translate\",code=\"200\"}"), std::string::npos);
  EXPECT_NE(metrics->body.find("nmt_batch_sentences_bucket{le=\"+Inf\"}"), std::string::npos);
  EXPECT_NE(metrics->body.find("nmt_request_duration_seconds_count"), std::string::npos);
}

TEST(NmtServeShutdown, SigtermAnswersTheRequestsInFlightThenExitsZero) {
  // A batch waits up to 2 s for company: the requests are surely in flight when SIGTERM comes.
  Server server({"--max-wait-ms", "1000", "--max-batch", "64"});
  ASSERT_GT(server.port(), 0) << server.log();
  ASSERT_TRUE(server.wait_ready()) << server.log();
  std::vector<std::thread> threads;
  std::vector<std::string> got(8);
  for (std::size_t r = 0; r < got.size(); ++r)
    threads.emplace_back([&, r] {
      auto c = server.client();
      const auto res = c.Post("/translate", R"({"text": ["With Python"]})", "application/json");
      if (res && res->status == 200) got[r] = json::parse(res->body)["translations"][0]["text"];
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(server.stop(), 0) << server.log();
  for (auto& t : threads) t.join();
  for (std::size_t r = 0; r < got.size(); ++r) EXPECT_EQ(got[r], "En Python") << "request " << r;
  EXPECT_NE(server.log().find("SIGTERM: answering the requests in flight, then stopping"), std::string::npos);
  // And the port is closed.
  httplib::Client c("127.0.0.1", server.port());
  EXPECT_FALSE(c.Get("/health"));
}

// Each decoder thread (one per --threads) takes the requests waiting and decodes up to
// --max-batch sentences of them together: 32 unless given (the batch nmt-translate's figures use).
TEST(NmtServeCli, MaxBatchIs32SentencesPerDecoderThreadUnlessGiven) {
  for (const auto& [extra, expected] :
       {std::pair{std::vector<std::string>{},
                  "ready (dynamic batches of up to 32 sentences per decoder thread, 1 decoder thread, f32 linear "
                  "layers)"},
        std::pair{std::vector<std::string>{"--threads", "2"},
                  "ready (dynamic batches of up to 32 sentences per decoder thread, 2 decoder threads, f32 linear "
                  "layers)"},
        std::pair{std::vector<std::string>{"--threads", "2", "--max-batch", "5"},
                  "ready (dynamic batches of up to 5 sentences per decoder thread, 2 decoder threads, f32 linear "
                  "layers)"},
        std::pair{std::vector<std::string>{"--batching", "off"},
                  "ready (each request decoded alone, 1 decoder thread, f32 linear layers)"}}) {
    Server server(extra);
    ASSERT_GT(server.port(), 0) << server.log();
    ASSERT_TRUE(server.wait_ready()) << server.log();
    EXPECT_NE(server.log().find(expected), std::string::npos) << server.log();
    EXPECT_EQ(server.stop(), 0) << server.log();
  }
}

TEST(NmtServeCli, BadOptionsAndModelsAreClearErrors) {
  const auto run = [](const std::string& args) {
    const int status = std::system((kProgram + " " + args + " > /dev/null 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  EXPECT_EQ(run("--port 0"), 2);  // no model
  EXPECT_EQ(run("-m " + kModel + " --port 70000"), 2);
  EXPECT_EQ(run("-m " + kModel + " --batching maybe"), 2);
  EXPECT_EQ(run("-m " + kModel + " --max-wait-ms 5000"), 2);
  EXPECT_EQ(run("-m /nonexistent/model.nmt --port 0"), 1);
}

}  // namespace
