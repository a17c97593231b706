// A main() for a fuzz target in builds without libFuzzer: runs every regular file of the given
// directories (not their subdirectories) and every given file through LLVMFuzzerTestOneInput,
// in name order. A finding aborts, so the ctest that runs this fails on the input it names.
//
//   recipe_fuzz_replay tests/fuzz/corpus/recipe tests/fuzz/regressions/recipe
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const fs::path given(argv[i]);
    if (fs::is_directory(given)) {
      for (const auto& entry : fs::directory_iterator(given))
        if (entry.is_regular_file() && entry.path().filename().string()[0] != '.') inputs.push_back(entry.path());
    } else if (fs::is_regular_file(given)) {
      inputs.push_back(given);
    } else {
      std::cerr << "replay: " << given.string() << ": no such file or directory\n";
      return 2;
    }
  }
  std::sort(inputs.begin(), inputs.end());
  for (const auto& path : inputs) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in) {
      std::cerr << "replay: " << path.string() << ": cannot read\n";
      return 2;
    }
    const std::string data = bytes.str();
    std::cerr << "replay: " << path.string() << " (" << data.size() << " bytes)\n";
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
  }
  std::cout << "replay: " << inputs.size() << " inputs, no finding\n";
  return inputs.empty() ? 2 : 0;
}
