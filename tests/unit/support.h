// Helpers shared by the tests: where the sources and fixtures are, reading files, the built
// godefer-emu binary and running a command.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#ifndef GODEFER_SOURCE_DIR
#define GODEFER_SOURCE_DIR "."
#endif

namespace gd::test {

// Built with AddressSanitizer (scripts/test.sh's second pass): the heaviest corpus sweeps run a
// subset of releases there, the whole set in the normal pass.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif

inline std::string root() {
  return GODEFER_SOURCE_DIR;
}
inline std::string fixture(const std::string& rel) {
  return root() + "/tests/fixtures/" + rel;
}

// Every Go release with fixtures (tests/fixtures/goX.Y), oldest first.
inline const std::vector<std::string> kGoVersions = {
    "go1.15", "go1.19", "go1.21", "go1.22", "go1.23", "go1.24", "go1.25", "go1.26", "go1.27"};
// The newest of them: fixtures that stand for "today's Go".
inline const std::string kNewestGo = kGoVersions.back();

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The godefer-emu next to this test binary (build/tests/.. -> build/emulator/godefer-emu), or
// $GODEFER_EMU.
inline std::string emuBinary() {
  if (const char* p = std::getenv("GODEFER_EMU")) return p;
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path() / "emulator" /
          "godefer-emu")
      .string();
}

// Runs a shell command and returns its stdout.
inline std::string run(const std::string& command) {
  std::string out;
  FILE* f = popen(command.c_str(), "r");
  if (!f) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    out.append(buf, n);
  pclose(f);
  return out;
}

} // namespace gd::test
