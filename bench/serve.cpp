// bench-serve: nmt-serve under load on a loopback port (issue 21). Starts build/bin/nmt-serve
// itself, with dynamic batching on and then off; for 1, 8 and 32 concurrent clients, each sends
// --requests requests of 1 to 10 sentences of the en-fr test split; prints requests/s,
// sentences/s, p50/p95/p99 latency, lost or failed requests (must be 0) and the server's peak
// resident memory, and the CPU time the server and the clients (this process) took during the
// load, as a share of the run's wall time on all cores: both share the machine's cores, so what
// the clients take bounds what the server can do. Then the latency of one-sentence requests on
// the idle server, and the sentences/s of nmt::Translator in batches of 32 on the same
// sentences (what nmt-translate does), in this process after the servers are gone. Bounded:
// --max-seconds per client count.
//
//   build/release/bin/bench-serve -m MODEL [--requests 10] [--beam 5] [--threads 2] [--max-seconds 120]
//                                   [--max-batch N: nmt-serve's --max-batch, default its own: 32]
#include <httplib.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "nmt/data/text_file.h"
#include "nmt/graph/cpu_info.h"
#include "nmt/nmt.h"
#include "options.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// The server's peak resident memory (VmHWM), MiB.
double peak_resident_mib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

// CPU seconds (user + system) of a process: /proc/PID/stat fields 14 and 15, in clock ticks.
double cpu_seconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  std::getline(stat, text);
  std::istringstream fields(text.substr(text.rfind(')') + 2));  // after "pid (name) "
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i)
    if (i >= 14) ticks += std::stod(field);
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double own_cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec);
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

class ServerProcess {
 public:
  ServerProcess(const std::string& binary, const std::string& model, const std::string& batching, int threads,
                const std::string& max_batch) {
    log_ = fs::temp_directory_path() / ("bench-serve-" + std::to_string(::getpid()) + "-" + batching + ".log");
    pid_ = ::fork();
    if (pid_ == 0) {
      if (!std::freopen(log_.c_str(), "w", stderr)) ::_exit(126);
      const std::string t = std::to_string(threads);
      ::execl(binary.c_str(), binary.c_str(), "-m", model.c_str(), "--port", "0", "--host", "127.0.0.1", "--batching",
              batching.c_str(), "--threads", t.c_str(), "--max-sentences", "64", "--max-batch", max_batch.c_str(),
              nullptr);
      ::_exit(127);
    }
    const std::string listening = "listening on http://127.0.0.1:";
    for (int i = 0; i < 1200 && !ready_; ++i) {
      const std::string text = slurp(log_);
      if (const std::size_t at = text.find(listening); port_ == 0 && at != std::string::npos)
        port_ = std::atoi(text.c_str() + at + listening.size());
      ready_ = text.find("; ready") != std::string::npos;
      if (text.find("nmt-serve: ") != std::string::npos && ::waitpid(pid_, nullptr, WNOHANG) == pid_) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!ready_) {
      std::fprintf(stderr, "bench-serve: nmt-serve did not start:\n%s\n", slurp(log_).c_str());
      std::exit(1);
    }
  }
  ~ServerProcess() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    fs::remove(log_);
  }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  bool ready_ = false;
  fs::path log_;
};

struct LoadResult {
  std::size_t requests = 0, sentences = 0, failed = 0;
  double seconds = 0;
  std::vector<double> latencies;  // seconds, of the answered requests
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

// `clients` threads, each sending `requests` requests of 1-10 consecutive test sentences (a
// fixed pseudo-random choice per client), one at a time; stops early at `max_seconds`.
LoadResult load(int port, int clients, int requests, int beam, const std::vector<std::string>& sentences,
                double max_seconds) {
  LoadResult result;
  std::mutex mutex;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration<double>(max_seconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      std::mt19937 random(1234 + static_cast<unsigned>(c));
      httplib::Client client("127.0.0.1", port);
      client.set_read_timeout(300, 0);
      for (int r = 0; r < requests && Clock::now() < deadline; ++r) {
        const std::size_t count = 1 + random() % 10, first = random() % (sentences.size() - count);
        const json body{
            {"text", std::vector<std::string>(sentences.begin() + static_cast<std::ptrdiff_t>(first),
                                              sentences.begin() + static_cast<std::ptrdiff_t>(first + count))},
            {"beam_size", beam}};
        const auto sent = Clock::now();
        const auto answer = client.Post("/translate", body.dump(), "application/json");
        const double seconds = std::chrono::duration<double>(Clock::now() - sent).count();
        bool ok = answer && answer->status == 200;
        if (ok) ok = json::parse(answer->body)["translations"].size() == count;
        const std::lock_guard lock(mutex);
        ++result.requests;
        if (!ok) {
          ++result.failed;
          continue;
        }
        result.sentences += count;
        result.latencies.push_back(seconds);
      }
    });
  for (auto& t : threads) t.join();
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  const nmt::bench::Options args(argc, argv,
                                 "bench-serve -m MODEL [--requests N] [--beam N] [--threads N] [--max-seconds S] "
                                 "[--max-batch N]",
                                 {"-m", "--requests", "--beam", "--threads", "--max-seconds", "--max-batch"});
  const std::string model = args.text("-m", "");
  if (model.empty()) args.fail("-m MODEL is required");
  const int requests = static_cast<int>(args.number("--requests", 10, 1));
  const int beam = static_cast<int>(args.number("--beam", 5, 1));
  const int threads = static_cast<int>(args.number("--threads", 2, 1));
  const double max_seconds = args.number("--max-seconds", 120, 1);
  // nmt-serve's --max-batch: sentences per decoder thread (its own default when not given: 32)
  const std::string max_batch = std::to_string(static_cast<std::int64_t>(args.number("--max-batch", 32.0, 1)));
  const std::string server_binary = (fs::read_symlink("/proc/self/exe").parent_path() / "nmt-serve").string();
  const std::vector<std::string> sentences =
      nmt::data::read_text_lines(std::string(NMT_SOURCE_DIR) + "/corpora/en-fr/test.en.gz");
  std::printf("bench-serve: cpu: %s (%s); nmt-serve with %d threads, --max-batch %s, beam %d, loopback\n",
              nmt::graph::cpu_model_name().c_str(), nmt::graph::onednn_cpu_isa().c_str(), threads, max_batch.c_str(),
              beam);
  const double cores = static_cast<double>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
  std::printf("\n%-9s %8s %9s %11s %12s %8s %8s %8s %7s %13s %11s %11s\n", "batching", "clients", "requests",
              "requests/s", "sentences/s", "p50 ms", "p95 ms", "p99 ms", "failed", "server peak", "server cpu",
              "client cpu");
  std::map<std::string, double> sentences_per_second_at_32;
  double single_p50 = 0;
  for (const std::string batching : {"on", "off"}) {
    const ServerProcess server(server_binary, model, batching, threads, max_batch);
    load(server.port(), 1, 2, beam, sentences, max_seconds);  // warm-up: the first primitives
    for (const int clients : {1, 8, 32}) {
      const double server_before = cpu_seconds(server.pid()), clients_before = own_cpu_seconds();
      const LoadResult r = load(server.port(), clients, requests, beam, sentences, max_seconds);
      const double server_cpu = cpu_seconds(server.pid()) - server_before,
                   client_cpu = own_cpu_seconds() - clients_before;
      std::printf("%-9s %8d %9zu %11.1f %12.1f %8.0f %8.0f %8.0f %7zu %9.0f MiB %10.1f%% %10.1f%%\n", batching.c_str(),
                  clients, r.requests, static_cast<double>(r.requests) / r.seconds,
                  static_cast<double>(r.sentences) / r.seconds, 1000 * percentile(r.latencies, 0.5),
                  1000 * percentile(r.latencies, 0.95), 1000 * percentile(r.latencies, 0.99), r.failed,
                  peak_resident_mib(server.pid()), 100 * server_cpu / (r.seconds * cores),
                  100 * client_cpu / (r.seconds * cores));
      std::fflush(stdout);
      if (clients == 32) sentences_per_second_at_32[batching] = static_cast<double>(r.sentences) / r.seconds;
    }
    if (batching == "on") {
      // One-sentence requests, one at a time, on the idle server.
      httplib::Client client("127.0.0.1", server.port());
      std::vector<double> latencies;
      for (std::size_t i = 0; i < 50; ++i) {
        const auto sent = Clock::now();
        const auto answer =
            client.Post("/translate", json{{"text", {sentences[i]}}, {"beam_size", beam}}.dump(), "application/json");
        if (answer && answer->status == 200)
          latencies.push_back(std::chrono::duration<double>(Clock::now() - sent).count());
      }
      single_p50 = percentile(latencies, 0.5);
      std::printf("%-9s one-sentence requests on an idle server: p50 %.1f ms, p95 %.1f ms (%zu of 50 answered)\n", "on",
                  1000 * single_p50, 1000 * percentile(latencies, 0.95), latencies.size());
    }
  }
  // nmt-translate's way on the same kind of sentences: batches of 32 in this process.
  const nmt::Translator translator(model, {threads, "f32"});
  std::vector<std::string> lines(sentences.begin(), sentences.begin() + std::min<std::size_t>(640, sentences.size()));
  nmt::TranslationOptions options;
  options.beam_size = beam;
  options.batch_size = 32;
  (void)translator.translate({lines.begin(), lines.begin() + 32}, options);  // warm-up
  const auto start = Clock::now();
  (void)translator.translate(lines, options);
  const double direct = static_cast<double>(lines.size()) / std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("\nnmt::Translator, batches of 32, %zu sentences: %.1f sentences/s\n", lines.size(), direct);
  std::printf(
      "32 clients: batching on / off %.2fx (target >= 3x); on / batch-32 translation %.2f (target >= 0.8); "
      "one-sentence p50 %.0f ms (target <= 50)\n",
      sentences_per_second_at_32["on"] / sentences_per_second_at_32["off"], sentences_per_second_at_32["on"] / direct,
      1000 * single_p50);
  return 0;
}
