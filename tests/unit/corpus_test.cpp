// The Go distribution's own `// run` test programs (tests/fixtures/corpus, made by
// scripts/make-corpus.sh from $GOROOT/test of Go 1.15, 1.22 and 1.27, -N -l and optimised), each
// run from main.main in-process as run_test.cpp's Corpus runs tests/programs, and compared with
// the native run of the same program: stdout, stderr up to the goroutine traceback, exit status.
//
// Many do not match yet (goroutines, channels, select, runtime calls without a model):
// tests/corpus/expected-failures.txt lists them, one `goV MODE PROGRAM  REASON` line each. A
// listed program must still fail (when it passes, the test says to remove its line) and an
// unlisted one must pass. scripts/corpus-status.sh rewrites the list from a run for review;
// the test never writes it. With GODEFER_CORPUS_REPORT=FILE each program appends its line
// (`... ok` when it matches) to FILE, which is how corpus-status.sh collects them.
//
// Each program is its own test, GoCorpus_goV_MODE.PROGRAM (registered at start-up from the files
// found); ctest runs one process per release and mode (tests/CMakeLists.txt). Under the
// sanitizers only the newest release's nl programs run (and only up to
// kSanitizedMaxInstructions: longer ones are skipped); the others are one skipped test each.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "run_support.h"
#include "support.h"

using namespace gd;
using namespace gd::emu;
using namespace gd::test;
namespace fs = std::filesystem;

namespace {

// A guest that has not finished after this many instructions is stopped (a failure with the
// emulator's reason): what keeps a runaway or very long program from holding the suite up. The
// longest passing programs take 100-200 million (fixedbugs/issue67255, 20 s). Under the
// sanitizers a program still running after kSanitizedMaxInstructions is skipped instead.
constexpr uint64_t kMaxInstructions = 200'000'000;
constexpr uint64_t kSanitizedMaxInstructions = 5'000'000;

// GODEFER_CORPUS_MAX_INSNS=N replaces the limit (0: none), to run the long programs to their
// end by hand: `GODEFER_CORPUS_MAX_INSNS=0 godefer_unit_tests --gtest_filter='GoCorpus_*.divmod'`.
uint64_t maxInstructions() {
  if (const char* env = std::getenv("GODEFER_CORPUS_MAX_INSNS"); env && *env)
    return std::strtoull(env, nullptr, 10);
  return kSanitized ? kSanitizedMaxInstructions : kMaxInstructions;
}

const std::string kExpectedFailures = "tests/corpus/expected-failures.txt";

std::string corpusDir() {
  return fixture("corpus");
}

struct Program {
  std::string release; // go1.27
  std::string mode;    // nl or opt
  std::string name;    // path under $GOROOT/test without .go: 235, fixedbugs/bug000
  std::string base;    // the fixture files without their extension
  std::string key() const { return release + " " + mode + " " + name; }
};

// Every object of the corpus, sorted by release, mode and name.
std::vector<Program> corpusPrograms() {
  std::vector<Program> out;
  std::error_code ec;
  if (!fs::is_directory(corpusDir(), ec)) return out;
  for (const auto& e : fs::recursive_directory_iterator(corpusDir())) {
    if (!e.is_regular_file() || e.path().extension() != ".o") continue;
    fs::path rel = e.path().lexically_relative(corpusDir());
    auto it = rel.begin();
    Program p;
    p.release = (it++)->string();
    if (it == rel.end()) continue;
    p.mode = (it++)->string();
    fs::path name;
    for (; it != rel.end(); ++it)
      name /= *it;
    p.name = name.replace_extension().string();
    p.base = (e.path().parent_path() / e.path().stem()).string();
    out.push_back(p);
  }
  std::sort(out.begin(), out.end(), [](const Program& a, const Program& b) {
    return std::tie(a.release, a.mode, a.name) < std::tie(b.release, b.mode, b.name);
  });
  return out;
}

struct ListEntry {
  std::string reason;
  int line = 0;
};

// tests/corpus/expected-failures.txt: key -> reason; syntax errors in `problems`.
std::map<std::string, ListEntry> expectedFailures(std::vector<std::string>* problems = nullptr) {
  std::map<std::string, ListEntry> out;
  std::istringstream in(slurp(root() + "/" + kExpectedFailures));
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    n++;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string release, mode, name, reason;
    words >> release >> mode >> name;
    std::getline(words >> std::ws, reason);
    std::string key = release + " " + mode + " " + name;
    if (!release.starts_with("go") || (mode != "nl" && mode != "opt") || name.empty() ||
        reason.empty()) {
      if (problems)
        problems->push_back(kExpectedFailures + ":" + std::to_string(n) +
                            ": not `goV MODE PROGRAM  REASON`: " + line);
      continue;
    }
    if (out.contains(key) && problems)
      problems->push_back(kExpectedFailures + ":" + std::to_string(n) + ": " + key +
                          " is listed again (first on line " + std::to_string(out[key].line) + ")");
    out[key] = {reason, n};
  }
  return out;
}

std::string firstLine(std::string s) {
  if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
  // Paths of this checkout are not part of a reason.
  for (const std::string& prefix : {root() + "/"})
    for (size_t at; (at = s.find(prefix)) != std::string::npos;)
      s.erase(at, prefix.size());
  return s;
}

// A line of output for a one-line reason: escaped, at most 60 characters.
std::string shown(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (out.size() > 60) {
      out += "...";
      break;
    }
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
      out += hex;
    } else
      out += c;
  }
  return out + "\"";
}

// Where two outputs first differ, as "line N: GOT, native WANT".
std::string firstDifference(const std::string& got, const std::string& want) {
  std::istringstream g(got), w(want);
  std::string gl, wl;
  for (int n = 1;; n++) {
    bool hg = static_cast<bool>(std::getline(g, gl)), hw = static_cast<bool>(std::getline(w, wl));
    if (!hg && !hw) return "line " + std::to_string(n) + ": (the newline at the end)";
    if (!hg) return "line " + std::to_string(n) + ": missing, native " + shown(wl);
    if (!hw) return "line " + std::to_string(n) + ": " + shown(gl) + ", native has no more";
    if (gl != wl) return "line " + std::to_string(n) + ": " + shown(gl) + ", native " + shown(wl);
  }
}

// Runs a corpus program's main.main: "" when it matches its native run, else the one-line
// reason (the emulator's error, or what differs). *limited: it was stopped at limit.
std::string mismatch(const Program& p, uint64_t limit, bool* limited) {
  SessionOptions so;
  so.trace = false;
  so.maxInstructions = limit;
  RunResult r = runFunctionWith(p.base + ".o", "main.main", so, {}, /*quiet=*/true);
  if (!r.error.empty()) return firstLine(r.error);
  *limited = r.stop.kind == StopKind::Error && r.stop.message.starts_with("instruction limit");
  if (r.stop.kind == StopKind::Error) return firstLine(r.stop.message);
  if (r.stop.kind != StopKind::Returned && r.stop.kind != StopKind::Exited)
    return "stopped before the end: " + firstLine(r.stop.message);
  int status = r.stop.kind == StopKind::Returned ? 0 : r.stop.exitStatus;
  int want = std::atoi(slurp(p.base + ".exit").c_str());
  std::string wantErr = slurp(p.base + ".stderr"), wantOut = slurp(p.base + ".stdout");
  std::string got = upToTraceback(r.guestErr), native = upToTraceback(wantErr);
  if (got != native) return "output differs: stderr " + firstDifference(got, native);
  if (r.guestOut != wantOut)
    return "output differs: stdout " + firstDifference(r.guestOut, wantOut);
  if (status != want)
    return "output differs: exit status " + std::to_string(status) + ", native " +
           std::to_string(want) +
           (r.stop.message.empty() ? "" : " (" + firstLine(r.stop.message) + ")");
  const std::string tb = "\ngoroutine 1 [running]:\n";
  if (wantErr.find(tb) != std::string::npos && r.guestErr.find(tb) == std::string::npos)
    return "output differs: no `goroutine 1 [running]:` traceback";
  return "";
}

void report(const Program& p, const std::string& why) {
  const char* file = std::getenv("GODEFER_CORPUS_REPORT");
  if (!file || !*file) return;
  std::string line = p.key() + "  " + (why.empty() ? "ok" : why) + "\n";
  if (FILE* f = std::fopen(file, "a")) { // one write per line: lines of parallel runs stay whole
    std::setvbuf(f, nullptr, _IOFBF, line.size() + 1);
    std::fputs(line.c_str(), f);
    std::fclose(f);
  }
}

class CorpusProgram : public ::testing::Test {
public:
  CorpusProgram(Program p, std::optional<std::string> expected)
      : p_(std::move(p)), expected_(std::move(expected)) {}
  void TestBody() override {
    bool limited = false;
    std::string why = mismatch(p_, maxInstructions(), &limited);
    if (kSanitized && limited)
      GTEST_SKIP() << p_.key() << ": longer than " << kSanitizedMaxInstructions
                   << " instructions, too long for the sanitized build";
    report(p_, why);
    if (expected_) {
      EXPECT_FALSE(why.empty()) << p_.key() << " now matches its native run: remove its line from "
                                << kExpectedFailures << " (was: " << *expected_ << ")";
    } else {
      EXPECT_TRUE(why.empty()) << p_.key() << ": " << why << "\n  (not in " << kExpectedFailures
                               << "; the native output is " << p_.base << ".stderr)";
    }
  }

private:
  Program p_;
  std::optional<std::string> expected_;
};

class SkippedUnderSanitizers : public ::testing::Test {
public:
  explicit SkippedUnderSanitizers(size_t n) : n_(n) {}
  void TestBody() override {
    GTEST_SKIP() << n_ << " programs not run under the sanitizers (only " << kNewestGo
                 << " nl runs there)";
  }

private:
  size_t n_;
};

std::string testName(std::string s) {
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

// Whether the run's gtest filter (--gtest_filter=, else GTEST_FILTER) can select a GoCorpus_
// test: a positive pattern whose literal prefix, up to its first wildcard, agrees with
// "GoCorpus_". Finding and registering 2,700 programs costs 50 ms, and ctest starts this binary
// once for every other test with a filter naming just that test.
bool filterMaySelectCorpus() {
  std::string filter;
  if (const char* env = std::getenv("GTEST_FILTER")) filter = env;
  std::string cmdline = slurp("/proc/self/cmdline");
  for (size_t at = 0; at < cmdline.size(); at = cmdline.find('\0', at) + 1) {
    std::string arg = cmdline.c_str() + at;
    if (arg.starts_with("--gtest_filter=")) filter = arg.substr(15);
    if (cmdline.find('\0', at) == std::string::npos) break;
  }
  if (filter.empty()) return true;
  std::string positive = filter.substr(0, filter.find('-'));
  if (positive.empty()) return true; // only negative patterns: everything else runs
  const std::string name = "GoCorpus_";
  std::istringstream patterns(positive);
  for (std::string pat; std::getline(patterns, pat, ':');) {
    std::string prefix = pat.substr(0, pat.find_first_of("*?"));
    size_t n = std::min(prefix.size(), name.size());
    if (prefix.compare(0, n, name, 0, n) == 0) return true;
  }
  return false;
}

// One test per program: suite GoCorpus_goV_MODE (dots made underscores), test PROGRAM.
[[maybe_unused]] const bool kRegistered = [] {
  if (!filterMaySelectCorpus()) return false;
  auto expected = expectedFailures();
  std::map<std::string, size_t> skipped; // suite -> programs left out under the sanitizers
  std::set<std::string> names;
  for (const Program& p : corpusPrograms()) {
    std::string suite = testName("GoCorpus_" + p.release + "_" + p.mode);
    if (kSanitized && (p.release != kNewestGo || p.mode != "nl")) {
      skipped[suite]++;
      continue;
    }
    std::string name = testName(p.name);
    while (!names.insert(suite + "." + name).second)
      name += "_";
    std::optional<std::string> why;
    if (auto it = expected.find(p.key()); it != expected.end()) why = it->second.reason;
    std::string file = p.base + ".o";
    ::testing::RegisterTest(suite.c_str(), name.c_str(), nullptr, nullptr, file.c_str(), 0,
                            [p, why]() -> ::testing::Test* { return new CorpusProgram(p, why); });
  }
  for (const auto& [suite, n] : skipped)
    ::testing::RegisterTest(suite.c_str(), "SkippedUnderSanitizers", nullptr, nullptr, __FILE__,
                            __LINE__,
                            [n]() -> ::testing::Test* { return new SkippedUnderSanitizers(n); });
  return true;
}();

} // namespace

// The corpus is there and whole: three releases, both modes, at least 100 programs in each, each
// object with the native run's three files.
TEST(GoCorpusFiles, EveryObjectHasItsNativeRun) {
  std::map<std::string, size_t> perDir;
  for (const Program& p : corpusPrograms()) {
    perDir[p.release + "/" + p.mode]++;
    for (const char* ext : {".stdout", ".stderr", ".exit"})
      EXPECT_TRUE(fs::is_regular_file(p.base + ext)) << p.base << ext;
    std::string exit = slurp(p.base + ".exit");
    EXPECT_TRUE(!exit.empty() && exit.back() == '\n' &&
                exit.find_first_not_of("0123456789\n") == std::string::npos)
        << p.base << ".exit: " << exit;
  }
  EXPECT_EQ(perDir.size(), 6u);
  for (const auto& [dir, n] : perDir)
    EXPECT_GE(n, 100u) << dir;
}

// Every line of the expected failures is well formed and names a program of the corpus.
TEST(GoCorpusFiles, ExpectedFailuresNameCorpusPrograms) {
  std::vector<std::string> problems;
  auto expected = expectedFailures(&problems);
  for (const auto& pr : problems)
    ADD_FAILURE() << pr;
  std::set<std::string> keys;
  for (const Program& p : corpusPrograms())
    keys.insert(p.key());
  for (const auto& [key, e] : expected)
    EXPECT_TRUE(keys.contains(key)) << kExpectedFailures << ":" << e.line << ": " << key
                                    << " is not in tests/fixtures/corpus: remove its line";
}
