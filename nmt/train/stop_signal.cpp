#include "nmt/train/stop_signal.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>  // program_invocation_short_name
#include <csignal>
#include <cstring>

namespace nmt::train {
namespace {

std::atomic<int> g_stop_signal{0};

void write_to_stderr(const char* text) {
  std::size_t left = std::strlen(text);
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, text, left);
    if (n <= 0) return;
    text += n;
    left -= static_cast<std::size_t>(n);
  }
}

// The first signal asks for a clean stop at the next safe point (after the current update,
// or after data preparation, which cannot be interrupted); a second one stops at once.
// Async-signal-safe: an atomic exchange, strlen, write(2) and _exit(2).
extern "C" void on_stop_signal(int signal_number) {
  write_to_stderr("\n");
  write_to_stderr(program_invocation_short_name);  // nmt-train or nmt-compare
  if (g_stop_signal.exchange(signal_number) != 0) {
    write_to_stderr(": second stop signal: stopping at once; the last checkpoint is intact\n");
    ::_exit(128 + signal_number);
  }
  write_to_stderr(": stopping at the next safe point (signal again to stop at once)\n");
}

}  // namespace

void install_stop_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int received_stop_signal() { return g_stop_signal.load(); }

void request_stop(int signal_number) { g_stop_signal.store(signal_number); }

}  // namespace nmt::train
