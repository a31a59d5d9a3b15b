// Values of every kind (tests/programs/values.go): what the tool shows for each result equals
// what the native program prints with fmt's %v and %+v (values.fmt, printed by values.fmtref in
// the native build) and with println (values.stderr), on every release and in both modes;
// typed arguments (strings, bools, floats, slices, integers of each size) reach the function.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "emulator/debugger/debugger.h"
#include "emulator/debugger/inspect.h"
#include "emulator/engine/session.h"
#include "tests/unit/run_support.h"

using namespace gd;
using namespace gd::emu;
using namespace gd::test;

namespace {

const std::vector<std::string>& kVersions = kGoVersions;
const std::vector<std::string> kModes = {"nl", "opt"};

std::string noAddr(const std::string& s) {
  return std::regex_replace(s, std::regex("0x[0-9a-f]+"), "0xADDR");
}

struct FmtLine {
  std::string fn, v, plus;
};

std::vector<FmtLine> fmtLines(const std::string& path) {
  std::vector<FmtLine> out;
  std::istringstream in(slurp(path));
  for (std::string l; std::getline(in, l);) {
    size_t a = l.find('\t'), b = l.find('\t', a + 1);
    out.push_back({l.substr(0, a), l.substr(a + 1, b - a - 1), l.substr(b + 1)});
  }
  return out;
}

// The arguments values.fmtref and main call each function with.
std::vector<Arg> argsOf(const std::string& fn) {
  if (fn == "greet") return {Arg("ab"), Arg(3), Arg(true)};
  if (fn == "scale") return {Arg(1.5), Arg(2.5)};
  if (fn == "sum") return {Arg(std::vector<int64_t>{1, 2, 3, 40})};
  if (fn == "count") return {Arg(Arg::Bytes{'b', 'a', 'n', 'a', 'n', 'a'}), Arg(int64_t('a'))};
  if (fn == "narrow") return {Arg(-5), Arg(65535), Arg(-100000), Arg(int64_t(1) << 40)};
  if (fn == "mkPoint") return {Arg(-3), Arg(4)};
  if (fn == "inspect") return {Arg(4)};
  return {};
}

} // namespace

TEST(Values, EveryKindAsFmtPrintsIt) {
  for (const auto& v : kVersions)
    for (const auto& m : kModes) {
      SCOPED_TRACE(v + "/" + m);
      std::string base = fixture(v + "/" + m + "/values");
      auto lines = fmtLines(base + ".fmt");
      ASSERT_GE(lines.size(), 25u);
      for (size_t k = 0; k < lines.size();) {
        const std::string fn = lines[k].fn;
        RunResult r = runFunction(base + ".o", fn, argsOf(fn));
        ASSERT_EQ(r.error, "") << fn;
        ASSERT_EQ(r.stop.kind, StopKind::Returned) << fn;
        for (size_t i = 0; i < r.results.size(); i++, k++) {
          ASSERT_LT(k, lines.size());
          ASSERT_EQ(lines[k].fn, fn);
          const Value& got = r.results[i];
          // %+v is what the trace, JSON and the REPL show; %v what -q shows for composite
          // values println cannot print.
          EXPECT_EQ(noAddr(got.display()), noAddr(lines[k].plus)) << fn << " result " << i;
          if (got.kind == ValueKind::Struct || got.kind == ValueKind::Array) {
            EXPECT_EQ(noAddr(got.text), noAddr(lines[k].v)) << fn << " result " << i;
          }
        }
      }
    }
}

TEST(Values, ResultsLineIsWhatPrintlnPrints) {
  // main's println calls after the first (a comparison), in order, with their arguments.
  const std::vector<std::string> fns = {"nilPtr", "bytes",     "nilSlice", "anyNil",
                                        "floats", "complexes", "greet",    "scale",
                                        "sum",    "count",     "narrow",   "inspect"};
  for (const auto& v : kVersions)
    for (const auto& m : kModes) {
      SCOPED_TRACE(v + "/" + m);
      std::string base = fixture(v + "/" + m + "/values");
      std::vector<std::string> lines;
      std::istringstream native(slurp(base + ".stderr"));
      for (std::string l; std::getline(native, l);)
        lines.push_back(l);
      ASSERT_EQ(lines.size(), fns.size() + 1);
      for (size_t k = 0; k < fns.size(); k++) {
        RunResult r = runFunction(base + ".o", fns[k], argsOf(fns[k]));
        ASSERT_EQ(r.error, "") << fns[k];
        EXPECT_EQ(noAddr(formatResultsLine(r.results)), noAddr(lines[k + 1])) << fns[k];
      }
    }
}

// The same arguments as command-line words, read by the parameter types.
TEST(Values, WordArgumentsAreReadByParameterType) {
  for (const auto& v : kVersions) {
    SCOPED_TRACE(v);
    std::string obj = fixture(v + "/nl/values.o");
    auto line = [&](const std::string& fn, std::vector<std::string> words) {
      std::vector<Arg> args;
      for (auto& w : words)
        args.push_back(Arg::fromWord(w));
      RunResult r = runFunction(obj, fn, args);
      return r.error.empty() ? formatResultsLine(r.results) : "error: " + r.error;
    };
    EXPECT_EQ(line("greet", {"\"a\\tb\"", "2", "false"}), "a\tba\tb");
    EXPECT_EQ(line("greet", {"xy", "1", "true"}), "xy!");
    EXPECT_EQ(line("sum", {"[1 2 3]"}), "6");
    EXPECT_EQ(line("sum", {"4,5"}), "9");
    EXPECT_EQ(line("sum", {"[]"}), "0");
    EXPECT_EQ(line("count", {"\"banana\"", "0x61"}), "3");
    EXPECT_EQ(line("narrow", {"-128", "65535", "-2147483648", "18446744073709551615"}),
              "-2147418242");
    EXPECT_EQ(line("mkPoint", {"-3", "4"}), "{-3 4}");
  }
}

TEST(Values, BadArgumentsNameTheParameter) {
  std::string obj = fixture("go1.27/nl/values.o");
  auto err = [&](const std::string& fn, std::vector<std::string> words) {
    std::vector<Arg> args;
    for (auto& w : words)
      args.push_back(Arg::fromWord(w));
    SessionOptions so;
    so.trace = false;
    return runFunctionWith(obj, fn, so, args).error;
  };
  EXPECT_EQ(err("narrow", {"128", "0", "0", "0"}),
            "main.narrow: argument 128 is out of range for parameter a int8 (-128..127)");
  EXPECT_EQ(err("narrow", {"0", "-1", "0", "0"}),
            "main.narrow: argument -1 is out of range for parameter b uint16 (0..65535)");
  EXPECT_EQ(err("greet", {"x", "2", "yes"}),
            "main.greet: argument yes for parameter loud bool is not true or false");
  EXPECT_EQ(err("scale", {"1.5", "x"}),
            "main.scale: argument x for parameter k float32 is not a number");
  EXPECT_EQ(err("sum", {"[1 a]"}), "main.sum: argument a for parameter xs []int is not an integer");
  EXPECT_EQ(err("greet", {"x"}), "main.greet takes 3 argument(s), 1 given");
  EXPECT_EQ(err("point", {"1"}), "main.point takes 0 argument(s), 1 given");
}

TEST(Values, ExpectByPositionAndName) {
  std::string obj = fixture("go1.27/nl/values.o");
  RunResult r = runFunction(obj, "pair");
  ASSERT_EQ(r.results.size(), 2u);
  EXPECT_EQ(expectMismatch(r.results, {"{5 6} true"}), "");
  EXPECT_EQ(expectMismatch(r.results, {"p={5 6}", "ok=true"}), "");
  EXPECT_EQ(expectMismatch(r.results, {"p={X:5 Y:6}"}), "");
  EXPECT_EQ(expectMismatch(r.results, {"p={5 7}"}), "- p={5 7}\n+ p={5 6} (%+v: {X:5 Y:6})\n");
  EXPECT_EQ(expectMismatch(r.results, {"{5 6} false"}),
            "- want: {5 6} false\n+ got:  {5 6} true\n");
}
