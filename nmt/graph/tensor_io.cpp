#include "nmt/graph/tensor_io.h"

#include <zlib.h>

#include <cstring>

namespace nmt::graph {
namespace {

constexpr std::string_view kMagic = "NMTTENS1";

template <class T>
void put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

std::uint32_t crc32_of(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes 32-bit lengths: feed large buffers in pieces.
  for (std::size_t at = 0; at < bytes.size(); at += (1u << 30)) {
    const std::size_t n = std::min<std::size_t>(bytes.size() - at, 1u << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + at), static_cast<uInt>(n));
  }
  return static_cast<std::uint32_t>(crc);
}

class Reader {
 public:
  Reader(std::string_view bytes, const std::string& source) : bytes_(bytes), source_(source) {}
  template <class T>
  T get(const char* what) {
    T value;
    std::memcpy(&value, take(sizeof(T), what), sizeof(T));
    return value;
  }
  const char* take(std::size_t n, const char* what) {
    if (n > bytes_.size() - at_)
      throw FormatError(source_ + ": truncated while reading " + what + " at byte " + std::to_string(at_) + " (needs " +
                        std::to_string(n) + " bytes, " + std::to_string(bytes_.size() - at_) + " left)");
    const char* p = bytes_.data() + at_;
    at_ += n;
    return p;
  }
  std::size_t remaining() const { return bytes_.size() - at_; }

 private:
  std::string_view bytes_;
  const std::string& source_;
  std::size_t at_ = 0;
};

}  // namespace

std::string encode_tensors(const NamedTensors& tensors) {
  std::string out(kMagic);
  put<std::uint32_t>(out, static_cast<std::uint32_t>(tensors.size()));
  for (const auto& [name, t] : tensors) {
    put<std::uint32_t>(out, static_cast<std::uint32_t>(name.size()));
    out += name;
    put<std::uint8_t>(out, static_cast<std::uint8_t>(t.type()));
    put<std::uint32_t>(out, static_cast<std::uint32_t>(t.rank()));
    for (auto d : t.shape()) put<std::int64_t>(out, d);
    out.append(static_cast<const char*>(t.raw()), t.bytes());
  }
  put<std::uint32_t>(out, crc32_of(out));
  return out;
}

NamedTensors decode_tensors(std::string_view bytes, const std::string& source) {
  if (bytes.size() < kMagic.size() || bytes.substr(0, kMagic.size()) != kMagic)
    throw FormatError(source + ": not an nmt tensor file (bad magic)");
  if (bytes.size() < kMagic.size() + 8)
    throw FormatError(source + ": truncated (" + std::to_string(bytes.size()) + " bytes)");
  const std::string_view body = bytes.substr(0, bytes.size() - 4);
  std::uint32_t stored;
  std::memcpy(&stored, bytes.data() + body.size(), 4);
  if (stored != crc32_of(body)) throw FormatError(source + ": checksum mismatch (the file is truncated or corrupted)");
  Reader r(body, source);
  r.take(kMagic.size(), "magic");
  const auto count = r.get<std::uint32_t>("tensor count");
  NamedTensors out;
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto name_len = r.get<std::uint32_t>("name length");
    std::string name(r.take(name_len, "name"), name_len);
    const auto type = r.get<std::uint8_t>("element type");
    if (type > static_cast<std::uint8_t>(DataType::bf16))
      throw FormatError(source + ": tensor '" + name + "' has unknown element type " + std::to_string(type));
    const auto rank = r.get<std::uint32_t>("rank");
    if (rank > 8) throw FormatError(source + ": tensor '" + name + "' has rank " + std::to_string(rank));
    Shape shape(rank);
    for (auto& d : shape) {
      d = r.get<std::int64_t>("dimension");
      if (d < 0 || d > (std::int64_t{1} << 40))
        throw FormatError(source + ": tensor '" + name + "' has invalid dimension " + std::to_string(d));
    }
    const auto dtype = static_cast<DataType>(type);
    // The product of up to 8 dimensions of up to 2^40 can overflow: such a shape is refused
    // before element_count (whose signed product would be undefined behaviour) sees it.
    std::size_t n = element_size(dtype);
    bool overflow = false;
    for (const auto d : shape) overflow |= __builtin_mul_overflow(n, static_cast<std::size_t>(d), &n);
    if (overflow || n > r.remaining())
      throw FormatError(source + ": tensor '" + name + "' of shape " + to_string(shape) + " needs " +
                        (overflow ? "more than 2^64" : std::to_string(n)) + " bytes, " + std::to_string(r.remaining()) +
                        " left");
    Tensor t = Tensor::empty(shape, dtype);
    std::memcpy(t.raw(), r.take(n, "tensor data"), n);
    out.emplace_back(std::move(name), std::move(t));
  }
  if (r.remaining() != 0)
    throw FormatError(source + ": " + std::to_string(r.remaining()) + " unexpected bytes after the last tensor");
  return out;
}

}  // namespace nmt::graph
