// Bad input, made from real fixtures: truncations and bit flips of every object, wrong
// architecture, unsupported versions, garbage listings. Loading must either succeed or give one
// clear error naming the file; never crash, hang or read out of bounds (CI runs this under
// ASan and UBSan). Whatever loads is also listed, laid out and run for a bounded number of
// instructions, which must end in a result or a clean stop.
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "emulator/engine/session.h"
#include "emulator/engine/values.h"
#include "loader/objdump.h"

namespace fs = std::filesystem;
using namespace gd;

namespace {

std::string fixturesDir() {
  return std::string(GODEFER_SOURCE_DIR) + "/tests/fixtures";
}

std::vector<uint8_t> readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::vector<std::string> objectFixtures() {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(fixturesDir()))
    if (e.path().extension() == ".o") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Loads, lists, lays out and runs what it can; only checks that errors are well-formed.
void exercise(const std::string& name, std::vector<uint8_t> bytes, bool run) {
  auto obj = loader::loadBytes(name, std::move(bytes));
  if (!obj) {
    const std::string& m = obj.error().message;
    EXPECT_TRUE(m.starts_with(name)) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    return;
  }
  std::ostringstream sink;
  (void)loader::printObjdump(**obj, {}, sink);
  if (!run) return;
  emu::SessionOptions so;
  so.trace = false;
  so.maxInstructions = 20000;
  auto s = emu::Session::open(*obj, so);
  if (!s) return;
  for (const char* fn : {"main.c", "main.main"}) {
    if (!(*obj)->findFunction(fn)) continue;
    if (!(*s)->start(fn, {})) continue;
    emu::StopReason r = (*s)->run();
    EXPECT_NE(r.kind, emu::StopKind::Stepped);
    break;
  }
}

} // namespace

// The `_go_.o` member on its own (a bare object), so that every cut reaches the object
// parser rather than stopping at the archive's member size.
std::vector<uint8_t> bareObject(const std::vector<uint8_t>& archive) {
  std::string s(archive.begin(), archive.end());
  size_t first = s.find("go object "), second = s.find("go object ", first + 1);
  EXPECT_NE(second, std::string::npos);
  return std::vector<uint8_t>(archive.begin() + long(second), archive.end());
}

TEST(BadInput, TruncatedFixturesFailCleanly) {
  auto objects = objectFixtures();
  ASSERT_GT(objects.size(), 100u);
  size_t errors = 0, cuts = 0;
  for (const auto& path : objects) {
    if (path.find("/nl/deferr.o") == std::string::npos &&
        path.find("/opt/panics.o") == std::string::npos)
      continue; // every version, two programs: the rest add time, not coverage
    auto whole = readAll(path);
    for (const auto& bytes : {whole, bareObject(whole)}) {
      // Every cut in the first 2 KiB (headers, block offsets), then every 37th byte.
      for (size_t n = 0; n < bytes.size(); n += (n < 2048 ? 1 : 37)) {
        std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + long(n));
        auto obj = loader::loadBytes(path, cut);
        if (!obj)
          errors++;
        else if (n + 1 == bytes.size() && whole.size() % 2 == 0 && whole.back() == 0)
          errors++; // only the archive's padding byte is gone: nothing is missing
        else
          ADD_FAILURE() << path << " cut to " << n << " of " << bytes.size() << " bytes loads";
        cuts++;
        exercise(path, std::move(cut), false);
      }
    }
  }
  EXPECT_GT(cuts, 20000u);
  EXPECT_EQ(errors, cuts); // a Go object cut anywhere is incomplete: its End block says so
}

TEST(BadInput, BitFlippedFixturesFailCleanlyOrRun) {
  std::mt19937_64 rng(20261127); // deterministic
  size_t runs = 0;
  for (const auto& path : objectFixtures()) {
    if (path.find("/deferr.o") == std::string::npos) continue;
    auto bytes = bareObject(readAll(path));
    for (int k = 0; k < 120; k++) {
      auto flipped = bytes;
      size_t at = rng() % flipped.size();
      flipped[at] ^= uint8_t(1u << (rng() % 8));
      exercise(path, std::move(flipped), k % 4 == 0);
      runs++;
    }
  }
  EXPECT_GT(runs, 800u);
}

TEST(BadInput, WrongArchitectureIsNamed) {
  auto bytes = readAll(fixturesDir() + "/go1.22/nl/deferr.o");
  std::string s(bytes.begin(), bytes.end());
  size_t replaced = 0;
  for (size_t at; (at = s.find("go object linux amd64")) != std::string::npos; replaced++)
    s.replace(at, 21, "go object linux arm64"); // both members carry the header
  ASSERT_EQ(replaced, 2u);
  auto obj = loader::loadBytes("x.o", std::vector<uint8_t>(s.begin(), s.end()));
  ASSERT_FALSE(obj);
  EXPECT_NE(obj.error().message.find("GOARCH arm64"), std::string::npos) << obj.error().message;
}

TEST(BadInput, UnsupportedVersionIsNamed) {
  auto bytes = readAll(fixturesDir() + "/go1.21/nl/deferr.o");
  std::string s(bytes.begin(), bytes.end());
  size_t replaced = 0;
  for (size_t at; (at = s.find("go1.21.13")) != std::string::npos; replaced++)
    s.replace(at, 9, "go1.17.99");
  ASSERT_EQ(replaced, 2u);
  auto obj = loader::loadBytes("x.o", std::vector<uint8_t>(s.begin(), s.end()));
  ASSERT_FALSE(obj);
  EXPECT_NE(obj.error().message.find("unsupported Go version go1.17.99"), std::string::npos)
      << obj.error().message;
}

// A release newer than the newest verified one (go1.27) is read with go1.27's tables and says so;
// with strictVersion it is refused. An older release between verified rows stays unsupported.
TEST(BadInput, NewerReleaseReadAsNewestOrRefused) {
  auto bytes = readAll(fixturesDir() + "/go1.27/nl/deferr.o");
  std::string s(bytes.begin(), bytes.end());
  size_t replaced = 0;
  for (size_t at; (at = s.find("go1.27.3")) != std::string::npos; replaced++)
    s.replace(at, 8, "go1.28.0");
  ASSERT_EQ(replaced, 2u);
  std::vector<uint8_t> newer(s.begin(), s.end());
  auto obj = loader::loadBytes("x.o", newer);
  ASSERT_TRUE(obj) << obj.error().message;
  EXPECT_TRUE((*obj)->versionAssumed);
  ASSERT_NE((*obj)->profile, nullptr);
  EXPECT_EQ((*obj)->profile->name, "go1.27");
  EXPECT_EQ(loader::versionWarning(**obj),
            "go1.28.0 is newer than the newest release this build knows (go1.27); reading it as "
            "go1.27");
  auto strict = loader::loadBytes("x.o", newer, {.strictVersion = true});
  ASSERT_FALSE(strict);
  EXPECT_EQ(strict.error().kind, ErrorKind::Unsupported);
  EXPECT_NE(strict.error().message.find("go1.28.0 is newer"), std::string::npos)
      << strict.error().message;
  // A verified release carries no warning.
  auto exact = loader::loadBytes("y.o", bytes);
  ASSERT_TRUE(exact);
  EXPECT_FALSE((*exact)->versionAssumed);
  EXPECT_EQ(loader::versionWarning(**exact), "");
}

TEST(BadInput, WrongMagicIsNamed) {
  auto bytes = readAll(fixturesDir() + "/go1.19/nl/deferr.o");
  std::string s(bytes.begin(), bytes.end());
  auto at = s.find(std::string("\0go118ld", 8));
  ASSERT_NE(at, std::string::npos);
  s[at + 3] = '9';
  auto obj = loader::loadBytes("x.o", std::vector<uint8_t>(s.begin(), s.end()));
  ASSERT_FALSE(obj);
  EXPECT_NE(obj.error().message.find("unknown object magic"), std::string::npos)
      << obj.error().message;
}

TEST(BadInput, NotAnObjectAtAll) {
  for (std::string text : {std::string(""), std::string("hello\n"),
                           std::string("\x7f"
                                       "ELF\x02"),
                           std::string("!<arch>\n")}) {
    auto obj = loader::loadBytes("junk", std::vector<uint8_t>(text.begin(), text.end()));
    ASSERT_FALSE(obj) << text;
    EXPECT_TRUE(obj.error().message.starts_with("junk: ")) << obj.error().message;
  }
}

TEST(BadInput, UnknownRelocationInAListingIsNamed) {
  std::string text = "TEXT main.f(SB) x.go\n"
                     "  x.go:3\t\t0x0\t\te800000000\tCALL 0x5\t[1:5]R_BOGUS:runtime.x\n";
  auto obj = loader::loadBytes("l.txt", std::vector<uint8_t>(text.begin(), text.end()));
  ASSERT_FALSE(obj);
  EXPECT_NE(obj.error().message.find("unknown relocation type R_BOGUS at offset 0x1"),
            std::string::npos)
      << obj.error().message;
}

// Integer arguments must be values of the parameter's type (Go's ranges for each size and
// signedness; the CLI reads int64).
TEST(BadInput, IntegerArgumentsOutsideTheParameterTypeAreNamed) {
  using gd::emu::integerRangeMiss;
  EXPECT_EQ(integerRangeMiss("int32", 2147483647), "");
  EXPECT_EQ(integerRangeMiss("int32", 3000000000), "-2147483648..2147483647");
  EXPECT_EQ(integerRangeMiss("int32", -2147483649), "-2147483648..2147483647");
  EXPECT_EQ(integerRangeMiss("int8", -128), "");
  EXPECT_EQ(integerRangeMiss("int8", 128), "-128..127");
  EXPECT_EQ(integerRangeMiss("uint", -1), "0..18446744073709551615");
  EXPECT_EQ(integerRangeMiss("uint16", 65535), "");
  EXPECT_EQ(integerRangeMiss("uint16", 65536), "0..65535");
  EXPECT_EQ(integerRangeMiss("uint8", -1), "0..255");
  EXPECT_EQ(integerRangeMiss("int", INT64_MIN), "");
  EXPECT_EQ(integerRangeMiss("uintptr", 0), "");
}
