// Every fixture object under tests/fixtures (each Go release, -N -l and optimized builds, and
// the darwin build of the seed) must print exactly as `go tool objdump` printed it into the
// .objdump file next to it.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support.h"

#include "loader/objdump.h"

#ifndef GODEFER_SOURCE_DIR
#define GODEFER_SOURCE_DIR "."
#endif

namespace {

namespace fs = std::filesystem;
using gd::loader::loadFile;
using gd::loader::ObjdumpOptions;
using gd::loader::printObjdump;

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Fixture objects that have a golden listing next to them, in a stable order.
std::vector<fs::path> goldenFixtures() {
  std::vector<fs::path> out;
  fs::path root = fs::path(GODEFER_SOURCE_DIR) / "tests" / "fixtures";
  if (!fs::exists(root)) return out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().extension() == ".o" &&
        fs::exists(fs::path(e.path()).replace_extension(".objdump")))
      out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Comparison {
  size_t lines = 0, mismatches = 0;
  std::string firstDifference;
};

Comparison compareListing(const std::string& expected, const std::string& got) {
  auto want = splitLines(expected), have = splitLines(got);
  Comparison c;
  c.lines = std::max(want.size(), have.size());
  for (size_t i = 0; i < c.lines; i++) {
    const std::string* w = i < want.size() ? &want[i] : nullptr;
    const std::string* h = i < have.size() ? &have[i] : nullptr;
    if (w && h && *w == *h) continue;
    if (c.mismatches++ == 0)
      c.firstDifference = "line " + std::to_string(i + 1) +
                          "\n  expected: " + (w ? *w : "<end of listing>") +
                          "\n  got:      " + (h ? *h : "<end of output>");
  }
  return c;
}

TEST(ObjdumpGolden, EveryFixtureMatchesGoToolObjdump) {
  auto fixtures = goldenFixtures();
  ASSERT_FALSE(fixtures.empty()) << "no fixtures under " GODEFER_SOURCE_DIR "/tests/fixtures";
  size_t totalLines = 0, totalMismatches = 0, failed = 0;
  for (const auto& obj : fixtures) {
    std::string rel = fs::relative(obj, GODEFER_SOURCE_DIR).string();
    auto loaded = loadFile(obj.string());
    if (!loaded) {
      ADD_FAILURE() << rel << ": load failed: " << loaded.error().message;
      failed++;
      continue;
    }
    std::ostringstream out;
    auto printed = printObjdump(**loaded, ObjdumpOptions{}, out);
    if (!printed) {
      ADD_FAILURE() << rel << ": objdump failed: " << printed.error().message;
      failed++;
      continue;
    }
    std::string golden = readFile(fs::path(obj).replace_extension(".objdump"));
    Comparison c = compareListing(golden, out.str());
    totalLines += c.lines;
    totalMismatches += c.mismatches;
    if (c.mismatches != 0) {
      failed++;
      ADD_FAILURE() << rel << ": " << c.mismatches << " of " << c.lines
                    << " lines differ; first at " << c.firstDifference;
    }
  }
  std::cout << "[objdump golden] " << fixtures.size() << " fixtures, " << totalLines
            << " lines compared, " << totalMismatches << " mismatching lines, " << failed
            << " fixtures failing\n";
  EXPECT_EQ(totalMismatches, 0u);
}

TEST(ObjdumpGolden, EveryReleaseHasListingsForBothBuilds) {
  // The sweep above walks whatever is on disk; a release whose fixtures went missing must fail.
  auto fixtures = goldenFixtures();
  for (const std::string& v : gd::test::kGoVersions) {
    for (const char* build : {"nl", "opt"}) {
      fs::path dir = fs::path(GODEFER_SOURCE_DIR) / "tests" / "fixtures" / v / build;
      size_t n = std::count_if(fixtures.begin(), fixtures.end(),
                               [&](const fs::path& p) { return p.parent_path() == dir; });
      EXPECT_GE(n, 10u) << v << "/" << build << ": " << n << " objects with listings";
    }
  }
}

TEST(ObjdumpGolden, SymbolFilterSelectsMatchingFunctions) {
  fs::path obj = fs::path(GODEFER_SOURCE_DIR) / "tests/fixtures/go1.24/nl/deferr.o";
  ASSERT_TRUE(fs::exists(obj)) << "fixture missing: " << obj;
  auto loaded = loadFile(obj.string());
  ASSERT_TRUE(loaded) << loaded.error().message;
  std::ostringstream all, some;
  ASSERT_TRUE(printObjdump(**loaded, {}, all));
  ASSERT_TRUE(printObjdump(**loaded, ObjdumpOptions{"c\\.func1$"}, some));
  auto lines = splitLines(some.str());
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].rfind("TEXT main.c.func1(SB) ", 0), 0u) << lines[0];
  for (const auto& l : lines) {
    if (l.starts_with("TEXT ")) {
      EXPECT_NE(l.find("func1"), std::string::npos) << l;
    }
  }
  // The filtered listing is the matching block of the full one.
  EXPECT_NE(all.str().find(some.str()), std::string::npos);
}

TEST(ObjdumpGolden, BadFilterIsAUsageError) {
  gd::loader::Object obj;
  std::ostringstream out;
  auto r = printObjdump(obj, ObjdumpOptions{"("}, out);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, gd::ErrorKind::Usage);
}

} // namespace
