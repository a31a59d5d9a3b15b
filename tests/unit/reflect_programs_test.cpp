// Programs that import reflect, sort, strconv, strings, errors and fmt (tests/programs/reflect/),
// built from source by the real go command and run under the emulator, against the native run
// of the same program: what they print with println (stderr) must be the same. Needs the Go
// toolchains (GO_TOOLCHAINS, default <project>/.toolchains, as scripts/get-go-toolchains.sh
// fetches them): without them the test is skipped with a message, or fails when CI is set.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "emulator/engine/session.h"
#include "loader/program.h"
#include "run_support.h"

namespace gd::test {
namespace {

namespace fs = std::filesystem;

constexpr std::array<const char*, 3> kReleases = {"1.15", "1.22", "1.27"};

std::string toolchains() {
  const char* t = std::getenv("GO_TOOLCHAINS");
  return t && *t ? t : root() + "/.toolchains";
}

std::string goCommand(const std::string& release) {
  return toolchains() + "/go" + release + "/usr/lib/go-" + release + "/bin/go";
}

// The go command with a private build cache per release (the tests may run in parallel).
void useCache(const std::string& release) {
  std::string cache = (fs::temp_directory_path() / ("godefer-reflect-gocache" + release)).string();
  setenv("GOCACHE", cache.c_str(), 1);
  setenv("GO111MODULE", "off", 1);
  setenv("GOFLAGS", "", 1);
  setenv("GOTOOLCHAIN", "local", 1);
}

// What `go build` + running the program writes to stderr (its println output).
std::string nativeStderr(const std::string& release, const std::string& program) {
  std::string bin = (fs::temp_directory_path() /
                     ("godefer-reflect-" + release + "-" + fs::path(program).stem().string()))
                        .string();
  std::string err = bin + ".stderr";
  std::string cmd = "CGO_ENABLED=0 '" + goCommand(release) + "' build -o '" + bin + "' '" +
                    program + "' && '" + bin + "' 2>'" + err + "' >/dev/null";
  if (std::system(cmd.c_str()) != 0) return "native run failed: " + cmd;
  std::ifstream in(err);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Emulated {
  std::string error, guestErr;
  emu::StopReason stop;
};

Emulated emulated(const std::string& release, const std::string& program) {
  Emulated e;
  loader::InputOptions in;
  in.go.goCommand = goCommand(release);
  auto obj = loader::loadInput(program, in);
  if (!obj) {
    e.error = obj.error().message;
    return e;
  }
  emu::SessionOptions so;
  so.trace = false;
  so.count = false;
  so.timeLimit = std::chrono::milliseconds(60000);
  auto s = emu::Session::open(*obj, so);
  if (!s) {
    e.error = s.error().message;
    return e;
  }
  Collect c;
  c.runtimeEvents = false;
  c.keepEvents = false;
  (*s)->addSink(&c);
  if (auto started = (*s)->start("main.main", {}); !started) {
    e.error = started.error().message;
    return e;
  }
  e.stop = (*s)->run();
  e.guestErr = std::move(c.guestErr);
  return e;
}

class ReflectPrograms : public ::testing::TestWithParam<const char*> {};

TEST_P(ReflectPrograms, PrintWhatTheNativeRunPrints) {
  std::string release = GetParam();
  if (!fs::exists(goCommand(release))) {
    std::string why = "the Go " + release + " toolchain is missing (" + goCommand(release) +
                      "; scripts/get-go-toolchains.sh fetches it, GO_TOOLCHAINS says where)";
    if (std::getenv("CI")) FAIL() << why << " and CI is set: the test must run";
    GTEST_SKIP() << why;
  }
  useCache(release);
  std::vector<std::string> programs;
  for (const auto& f : fs::directory_iterator(root() + "/tests/programs/reflect"))
    if (f.path().extension() == ".go") programs.push_back(f.path().string());
  std::sort(programs.begin(), programs.end());
  ASSERT_FALSE(programs.empty());
  for (const auto& p : programs) {
    SCOPED_TRACE("Go " + release + ": " + p);
    std::string want = nativeStderr(release, p);
    Emulated got = emulated(release, p);
    ASSERT_TRUE(got.error.empty()) << got.error;
    EXPECT_EQ(got.stop.kind, emu::StopKind::Returned) << got.stop.message;
    EXPECT_EQ(got.guestErr, want);
  }
}

INSTANTIATE_TEST_SUITE_P(Releases, ReflectPrograms, ::testing::ValuesIn(kReleases),
                         [](const auto& info) {
                           std::string n = std::string("Go") + info.param;
                           n.erase(std::remove(n.begin(), n.end(), '.'), n.end());
                           return n;
                         });

} // namespace
} // namespace gd::test
