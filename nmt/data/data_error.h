#pragma once
// The one exception type of the data layer: bad input files, malformed models, invalid
// options. Its message names the file and line (or option) so a user can fix the input.

#include <stdexcept>

namespace nmt::data {

class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace nmt::data
