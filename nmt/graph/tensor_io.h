// A binary file format for named tensors: parameters, optimizer moments, checkpoints.
//
//   "NMTTENS1"  u32 count  { u32 name_len, name, u8 type, u32 rank, i64 dims[rank], data }*
//   u32 CRC-32 (zlib) of everything before it
//
// Little-endian, as on every machine nmt targets. Decoding checks every length against the
// bytes present and the checksum before anything is used, so a truncated or corrupted file is
// an error naming the file, never a crash or silently wrong weights.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nmt/graph/tensor.h"

namespace nmt::graph {

class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

std::string encode_tensors(const NamedTensors& tensors);
// `source` names the bytes' origin (a file name) in error messages.
NamedTensors decode_tensors(std::string_view bytes, const std::string& source);

}  // namespace nmt::graph
