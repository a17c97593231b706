// The log of a program's --quiet and --log FILE options: log lines go to standard error
// (none with --quiet) and, with --log FILE, are appended to FILE as well. Errors are not log
// lines: programs write them to standard error always.
#pragma once

#include <fstream>
#include <iostream>
#include <ostream>
#include <streambuf>
#include <string>

namespace nmt::tools {

// Writes everything to two stream buffers, either of which may be absent.
class TeeBuffer : public std::streambuf {
 public:
  TeeBuffer(std::streambuf* a, std::streambuf* b) : a_(a), b_(b) {}

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    const bool ok_a = !a_ || a_->sputc(static_cast<char>(c)) != traits_type::eof();
    const bool ok_b = !b_ || b_->sputc(static_cast<char>(c)) != traits_type::eof();
    return ok_a && ok_b ? c : traits_type::eof();
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (a_) a_->sputn(s, n);
    if (b_) b_->sputn(s, n);
    return n;
  }
  int sync() override {
    const int ra = a_ ? a_->pubsync() : 0;
    const int rb = b_ ? b_->pubsync() : 0;
    return ra == 0 && rb == 0 ? 0 : -1;
  }

 private:
  std::streambuf* a_;
  std::streambuf* b_;
};

class LogStream {
 public:
  // An empty log_path: no file. Check ok() before use: false when the file cannot be opened.
  LogStream(bool quiet, const std::string& log_path) {
    if (!log_path.empty()) file_.open(log_path, std::ios::app);
    ok_ = log_path.empty() || file_.is_open();
    tee_ = TeeBuffer(quiet ? nullptr : std::cerr.rdbuf(), file_.is_open() ? file_.rdbuf() : nullptr);
    stream_.rdbuf(&tee_);
  }
  LogStream(const LogStream&) = delete;
  LogStream& operator=(const LogStream&) = delete;

  bool ok() const { return ok_; }
  bool has_file() const { return file_.is_open(); }
  std::ostream& stream() { return stream_; }

 private:
  std::ofstream file_;
  TeeBuffer tee_{nullptr, nullptr};
  std::ostream stream_{nullptr};
  bool ok_ = true;
};

}  // namespace nmt::tools
