// What a program was built from: nmt's version and commit and the oneDNN it computes with.
// Every program prints version_text() for --version.
#pragma once

#include <string>

namespace nmt::graph {

// "nmt-train (nmt 0.1.0, commit 1a2b3c4d5e6f)\noneDNN 2.6.3\n" (with oneDNN's commit where its
// build recorded one); nmt's commit ends in "-dirty" when the checkout had uncommitted changes.
std::string version_text(const std::string& program);

// The commit alone, as `git describe --always --dirty` printed it at build time.
std::string build_commit();

}  // namespace nmt::graph
