// nmt-serve: a translation server (issue 21; docs/serving.md).
//
//   nmt-serve -m runs/en-fr/model.nmt [--host 127.0.0.1] [--port 8080]
//   curl -s localhost:8080/translate -d '{"text": ["Open the file."], "beam_size": 5}'
//
// HTTP/1.1 on cpp-httplib (Debian's libcpp-httplib-dev: a thread per connection from a pool,
// blocking handlers, which suits requests that wait for a shared decoder; Boost.Beast would
// need the same threads written by hand). POST /translate (JSON, nmt/serve/translate_request.h),
// GET /health, GET /metrics (Prometheus), GET / (a page to try the model). Sentences of
// concurrent requests are decoded together (nmt/serve/batching_translator.h). SIGINT or SIGTERM:
// stop accepting, answer the requests in flight, exit 0.
// Exit status: 0 stopped by a signal, 1 model or address unusable, 2 bad command line.
#include <httplib.h>
#include <pthread.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/program_options.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include "nmt/graph/openmp_waiting.h"
#include "nmt/nmt.h"
#include "nmt/serve/batching_translator.h"
#include "nmt/serve/metrics.h"
#include "nmt/serve/translate_request.h"
#include "tools/command_line.h"
#include "tools/serve_page.h"  // kServePage, generated from tools/serve_page.html

namespace po = boost::program_options;
namespace serve = nmt::serve;

namespace {

constexpr const char* kProgram = "nmt-serve";
constexpr const char* kJson = "application/json";

// The path label of /metrics: the server's own paths, everything else as one label.
std::string path_label(const std::string& path) {
  return path == "/" || path == "/translate" || path == "/health" || path == "/metrics" ? path : "other";
}

std::size_t target_pieces(const std::vector<nmt::Translation>& translations) {
  std::size_t n = 0;
  for (const auto& t : translations)
    if (!t.n_best.empty()) n += t.n_best.front().pieces.size();
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  nmt::graph::restart_with_openmp_spin_count(argv);  // before any parallel region; see openmp_waiting.h
  std::string model_path, host = "127.0.0.1", precision = "f32";
  int port = 8080, threads = 2, http_threads = 64;
  // --max-batch: the sentences one decoder thread decodes together; 32 is the batch of
  // nmt-translate's figures (docs/serving.md has the measurements).
  std::int64_t max_batch = 32, max_wait_ms = 5, max_body = 1 << 20;
  serve::RequestLimits limits;
  std::string batching = "on";
  po::options_description visible(
      "nmt-serve -m MODEL [--host 127.0.0.1] [--port 8080] [options]\n\n"
      "Serves a trained model over HTTP: POST /translate, GET /health, GET /metrics, and a page\n"
      "to try it at /. Stops on SIGINT or SIGTERM after answering the requests in flight.\n\nOptions");
  visible.add_options()("help,h", "show this help")("version", "show the version, commit and oneDNN version")(
      "model,m", po::value(&model_path), "model file (model.nmt)")(
      "host", po::value(&host)->default_value(host), "address to listen on (127.0.0.1: this machine only)")(
      "port", po::value(&port)->default_value(port), "port to listen on (0: any free port, printed at start)")(
      "threads", po::value(&threads)->default_value(threads), "decoder threads, one per core (1 to 256)")(
      "precision", po::value(&precision)->default_value(precision),
      "f32 | bf16 | int8 | auto (the products; as nmt-translate)")(
      "batching", po::value(&batching)->default_value(batching),
      "on: decode the sentences of concurrent requests together; off: each request alone")(
      "max-batch", po::value(&max_batch)->default_value(max_batch),
      "sentences a decoder thread decodes together, at most (1 to 4096)")(
      "max-wait-ms", po::value(&max_wait_ms)->default_value(max_wait_ms),
      "how long a batch waits for more requests when the server is busy, milliseconds (0 to 1000)")(
      "max-sentences", po::value(&limits.max_sentences)->default_value(limits.max_sentences),
      "sentences per request, at most (larger requests: 413)")(
      "max-characters", po::value(&limits.max_sentence_characters)->default_value(limits.max_sentence_characters),
      "characters per sentence, at most (longer: 413)")("max-body", po::value(&max_body)->default_value(max_body),
                                                        "request body size in bytes, at most (larger: 413)")(
      "http-threads", po::value(&http_threads)->default_value(http_threads),
      "connections served at once (1 to 1024); more wait for a free thread");
  po::variables_map vm;
  if (const auto status = nmt::tools::parse_command_line(kProgram, argc, argv, visible, vm)) return *status;
  if (model_path.empty()) return nmt::tools::usage_error(kProgram, "--model is required");
  if (port < 0 || port > 65535) return nmt::tools::usage_error(kProgram, "--port must be from 0 to 65535");
  if (threads < 1 || threads > 256) return nmt::tools::usage_error(kProgram, "--threads must be from 1 to 256");
  if (batching != "on" && batching != "off")
    return nmt::tools::usage_error(kProgram, "--batching must be on or off, not '" + batching + "'");
  if (max_batch < 1 || max_batch > 4096) return nmt::tools::usage_error(kProgram, "--max-batch must be from 1 to 4096");
  if (max_wait_ms < 0 || max_wait_ms > 1000)
    return nmt::tools::usage_error(kProgram, "--max-wait-ms must be from 0 to 1000");
  if (limits.max_sentences < 1) return nmt::tools::usage_error(kProgram, "--max-sentences must be at least 1");
  if (limits.max_sentence_characters < 1)
    return nmt::tools::usage_error(kProgram, "--max-characters must be at least 1");
  if (max_body < 2) return nmt::tools::usage_error(kProgram, "--max-body must be at least 2 bytes");
  if (http_threads < 1 || http_threads > 1024)
    return nmt::tools::usage_error(kProgram, "--http-threads must be from 1 to 1024");

  // SIGINT and SIGTERM go to one thread (sigwait), blocked in every other thread created below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGUSR1);  // wakes the signal thread when the server ends otherwise
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  serve::ServerMetrics metrics;
  std::unique_ptr<nmt::Translator> translator;
  std::unique_ptr<serve::BatchingTranslator> batcher;
  std::atomic<serve::BatchingTranslator*> ready{nullptr};  // set once the model is loaded
  std::string model_description;

  httplib::Server server;
  server.new_task_queue = [http_threads] { return new httplib::ThreadPool(static_cast<std::size_t>(http_threads)); };
  server.set_payload_max_length(static_cast<std::size_t>(max_body));
  server.set_logger([&](const httplib::Request& req, const httplib::Response& res) {
    metrics.record_request(path_label(req.path), res.status);
  });
  server.set_error_handler([&](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;  // a handler's own error answer
    std::string message = "HTTP " + std::to_string(res.status);
    if (res.status == 404) message = "no such path: " + req.path + " (try /, /translate, /health, /metrics)";
    if (res.status == 413) message = "the request body is larger than " + std::to_string(max_body) + " bytes";
    if (res.status == 405) message = req.method + " is not allowed on " + req.path;
    res.set_content(serve::error_body(message), kJson);
  });
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr e) {
    std::string message = "internal error";
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& error) {
      message += std::string(": ") + error.what();
    } catch (...) {
    }
    res.status = 500;
    res.set_content(serve::error_body(message), kJson);
  });

  server.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(nmt::tools::kServePage, "text/html; charset=utf-8");
  });
  server.Get("/health", [&](const httplib::Request&, httplib::Response& res) {
    if (ready.load() == nullptr) {
      res.status = 503;
      res.set_content(R"({"status": "loading"})", kJson);
      return;
    }
    res.set_content(nlohmann::json{{"status", "ready"}, {"model", model_description}}.dump(), kJson);
  });
  server.Get("/metrics", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics.prometheus_text(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server.Post("/translate", [&](const httplib::Request& req, httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    serve::BatchingTranslator* decoder = ready.load();
    if (decoder == nullptr) {
      res.status = 503;
      res.set_content(serve::error_body("the model is still loading (see /health)"), kJson);
      return;
    }
    try {
      const serve::TranslateRequest request = serve::parse_translate_request(req.body, limits);
      const std::vector<nmt::Translation> translations = decoder->translate(request.text, request.options);
      res.set_content(serve::translate_response(request, translations, model_description).dump(), kJson);
      metrics.record_translation(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                                 translations.size(), target_pieces(translations));
    } catch (const serve::RequestError& e) {
      res.status = e.status();
      res.set_content(serve::error_body(e.what()), kJson);
    } catch (const nmt::Error& e) {
      res.status = 400;
      res.set_content(serve::error_body(e.what()), kJson);
    }
  });

  // cpp-httplib 0.11 listens with a backlog of 5: a burst of connections beyond it can be lost
  // (bench-serve's 32 clients lost some). The listening socket, kept here, listens again with a
  // larger backlog once bound.
  int listening_socket = -1;
  server.set_socket_options([&](int socket) {
    int yes = 1;
    ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listening_socket = socket;
  });
  const int bound = port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
  if (bound < 0) {
    std::cerr << kProgram << ": cannot listen on " << host << " port " << port << "\n";
    return 1;
  }
  if (::listen(listening_socket, SOMAXCONN) != 0) {
    std::cerr << kProgram << ": cannot listen on " << host << " port " << bound << ": " << std::strerror(errno) << "\n";
    return 1;
  }
  std::cerr << kProgram << ": listening on http://" << host << ":" << bound << "/ (loading " << model_path << ")"
            << std::endl;

  std::atomic<bool> listener_done{false};
  std::thread listener([&] {
    server.listen_after_bind();
    listener_done = true;
  });
  // Server::stop() does nothing until the server runs: wait for that before anything may stop it.
  while (!server.is_running() && !listener_done) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  std::atomic<bool> stopped_by_signal{false};
  std::thread signals([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    if (signal == SIGUSR1) return;
    stopped_by_signal = true;
    std::cerr << kProgram << ": " << (signal == SIGINT ? "SIGINT" : "SIGTERM")
              << ": answering the requests in flight, then stopping" << std::endl;
    server.stop();
  });
  int status = 0;
  try {
    const auto start = std::chrono::steady_clock::now();
    translator = std::make_unique<nmt::Translator>(model_path, nmt::TranslatorOptions{threads, precision});
    model_description = translator->model_description();
    if (!translator->precision_warning().empty())
      std::cerr << kProgram << ": warning: --precision " << translator->precision_warning() << std::endl;
    serve::BatchingOptions options;
    options.enabled = batching == "on";
    options.max_batch_sentences = max_batch;
    options.max_wait = std::chrono::milliseconds(max_wait_ms);
    options.decoders = threads;
    batcher = std::make_unique<serve::BatchingTranslator>(
        *translator, options,
        [&](std::size_t requests, std::size_t sentences) { metrics.record_batch(requests, sentences); });
    metrics.set_ready(true);
    ready = batcher.get();
    std::cerr << kProgram << ": " << model_description << " loaded in "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s; ready ("
              << (options.enabled
                      ? "dynamic batches of up to " + std::to_string(max_batch) + " sentences per decoder thread"
                      : std::string("each request decoded alone"))
              << ", " << threads << " decoder thread" << (threads == 1 ? "" : "s") << ", " << translator->precision()
              << " linear layers)" << std::endl;
  } catch (const std::exception& e) {
    std::cerr << kProgram << ": " << e.what() << "\n";
    status = 1;
    server.stop();
  }
  listener.join();  // returns once stopped, after the requests in flight are answered
  if (!stopped_by_signal) pthread_kill(signals.native_handle(), SIGUSR1);
  signals.join();
  ready = nullptr;
  batcher.reset();
  if (status == 0) std::cerr << kProgram << ": stopped" << std::endl;
  return status;
}
