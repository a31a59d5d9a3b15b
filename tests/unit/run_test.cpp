// Running functions and whole programs from real objects, checked against outside referees:
// the native run of the same program (tests/fixtures/*/*.stderr and .exit, recorded by
// scripts/make-fixtures.sh) and the Go source (deferr.go: c returns 2).
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "emulator/engine/session.h"
#include "emulator/frontends/trace/sinks.h"
#include "run_support.h"
#include "support.h"

using namespace gd;
using namespace gd::emu;

namespace {

using namespace gd::test;

const std::vector<std::string>& kVersions = kGoVersions;
const std::vector<std::string> kModes = {"nl", "opt"};
// The programs of tests/programs, each compiled by every release in both modes (but those
// with a `//go:build go1.N` line, see programCases). results.go is not among them: its main
// prints addresses, so its output is compared by RunResults with addresses aside.
const std::vector<std::string> kPrograms = {
    "deferr",  "multidefer",  "deferloop", "deferargs", "closures", "methods",   "recursion",
    "prints",  "panics",      "panicexit", "divzero",   "nilderef", "bounds",    "opendefer",
    "spin",    "initorder",   "strings",   "ifaces",    "errpanic", "slices",    "maps",
    "repanic", "panicfloat",  "chain",     "recd",      "nildefer", "rangefunc", "goroutines",
    "mapkeys", "assertscope", "convert",   "genassert", "mapclear", "deadlock"};

// The release a program needs, from its `//go:build go1.N` line (make-fixtures.sh makes no
// fixtures for older releases); 0 when it runs everywhere.
int neededMinor(const std::string& program) {
  static const std::regex line(R"(^//go:build go1\.(\d+)$)");
  std::istringstream in(slurp(root() + "/tests/programs/" + program + ".go"));
  std::smatch m;
  for (std::string l; std::getline(in, l);)
    if (std::regex_match(l, m, line)) return std::stoi(m[1]);
  return 0;
}

int minorOf(const std::string& version) {
  return std::stoi(version.substr(version.find('.') + 1));
}

struct ProgramCase {
  std::string version, mode, program;
};
// Every program on every release (that it can be compiled by) in both modes.
const std::vector<ProgramCase>& programCases() {
  static const std::vector<ProgramCase> cases = [] {
    std::vector<ProgramCase> out;
    for (const auto& v : kVersions)
      for (const auto& m : kModes)
        for (const auto& p : kPrograms)
          if (minorOf(v) >= neededMinor(p)) out.push_back({v, m, p});
    return out;
  }();
  return cases;
}

} // namespace

// c returns 2 for every version and mode, the darwin seed object and the seed listing.
TEST(RunDeferr, CReturnsTwoEverywhere) {
  std::vector<std::string> objects = {fixture("go1.15-darwin/nl/deferr.o"),
                                      fixture("go1.25-nodwarf5/nl/deferr.o"),
                                      fixture("seed/deferr-objdump.txt")};
  for (const auto& v : kVersions)
    for (const auto& m : kModes)
      objects.push_back(fixture(v + "/" + m + "/deferr.o"));
  for (const auto& o : objects) {
    SCOPED_TRACE(o);
    RunResult r = runFunction(o, "c");
    ASSERT_EQ(r.stop.kind, StopKind::Returned) << r.stop.message;
    ASSERT_EQ(r.results.size(), 1u);
    EXPECT_EQ(r.results[0].name, "i");
    EXPECT_EQ(r.results[0].type, "int");
    EXPECT_EQ(r.results[0].text, "2");
  }
}

// The named result becomes 1 at `return 1` (in c) and 2 inside the deferred closure, for every
// -N -l object: the story the trace tells.
TEST(RunDeferr, NamedResultGoesOneThenTwo) {
  std::vector<std::string> objects = {fixture("go1.15-darwin/nl/deferr.o"),
                                      fixture("seed/deferr-objdump.txt")};
  for (const auto& v : kVersions)
    objects.push_back(fixture(v + "/nl/deferr.o"));
  for (const auto& o : objects) {
    SCOPED_TRACE(o);
    SessionOptions so;
    so.sourceDirs = {root() + "/tests/programs"};
    auto s = Session::open(o, so);
    ASSERT_TRUE(s);
    Collect c;
    (*s)->addSink(&c);
    ASSERT_TRUE((*s)->start("c", {}));
    ASSERT_EQ((*s)->run().kind, StopKind::Returned);
    std::vector<std::pair<std::string, std::string>> changes;
    for (const auto& v : c.all<VarEvent>())
      if (v.name == "i" && v.after.text != "0") changes.push_back({v.after.text, v.function});
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_EQ(changes[0], (std::pair<std::string, std::string>{"1", "main.c"}));
    EXPECT_EQ(changes[1], (std::pair<std::string, std::string>{"2", "main.c.func1"}));
    // The runtime's part: one record registered, run by deferreturn.
    auto rts = c.all<rt::RuntimeEvent>();
    ASSERT_GE(rts.size(), 3u);
    EXPECT_EQ(rts[0].kind, rt::RuntimeEventKind::DeferRegistered);
    EXPECT_EQ(rts[0].fnName, "main.c.func1");
    bool ran = false;
    for (const auto& e : rts)
      ran |=
          (e.kind == rt::RuntimeEventKind::DeferJmp || e.kind == rt::RuntimeEventKind::DeferRun) &&
          e.fnName == "main.c.func1";
    EXPECT_TRUE(ran);
    EXPECT_EQ(rts.back().kind, rt::RuntimeEventKind::DeferReturnDone);
  }
}

// JSON lines show i going 1 -> 2 and end with the contract's return line.
TEST(RunDeferr, JsonTraceShowsIOneThenTwo) {
  SessionOptions so;
  so.sourceDirs = {root() + "/tests/programs"};
  auto s = Session::open(fixture("go1.15-darwin/nl/deferr.o"), so);
  ASSERT_TRUE(s);
  std::ostringstream out, err;
  JsonTrace json(out, err);
  (*s)->addSink(&json);
  ASSERT_TRUE((*s)->start("c", {}));
  ASSERT_EQ((*s)->run().kind, StopKind::Returned);
  json.finish();
  std::vector<nlohmann::json> lines;
  std::istringstream in(out.str());
  for (std::string l; std::getline(in, l);)
    lines.push_back(nlohmann::json::parse(l));
  std::vector<int> values;
  for (const auto& j : lines)
    if (j["event"] == "var" && j["name"] == "i") values.push_back(j["new"].get<int>());
  EXPECT_EQ(values, (std::vector<int>{1, 2}));
  EXPECT_EQ(
      lines.back().dump(),
      R"({"event":"return","function":"main.c","results":[{"name":"i","type":"int","value":2}]})");
}

// The JSON sink writes its hottest lines (instructions, stores) by hand: each line must be exactly
// what nlohmann::json writes for the object it parses to (sorted keys, its escaping), for
// programs of several releases, with stores, faults and runtime events.
TEST(RunDeferr, JsonLinesAreCanonical) {
  size_t n = 0;
  for (const char* obj : {"go1.15-darwin/nl/deferr.o", "go1.24/nl/nilderef.o", "go1.27/opt/maps.o",
                          "go1.19/nl/strings.o"}) {
    SCOPED_TRACE(obj);
    auto s = Session::open(fixture(obj), {});
    ASSERT_TRUE(s);
    std::ostringstream out, err;
    JsonTrace json(out, err);
    (*s)->addSink(&json);
    bool isDeferr = std::string(obj).find("deferr") != std::string::npos;
    ASSERT_TRUE((*s)->start(isDeferr ? "c" : "main.main", {}));
    (*s)->run();
    json.finish();
    std::istringstream in(out.str());
    for (std::string l; std::getline(in, l); n++)
      ASSERT_EQ(nlohmann::json::parse(l).dump(), l);
  }
  EXPECT_GT(n, 10000u);
}

// Golden text trace of the seed's own object (Go 1.15, darwin). Regenerate with
// scripts/update-goldens.sh after an intended change of the trace format.
TEST(RunDeferr, SeedTraceMatchesGolden) {
  SessionOptions so;
  so.sourceDirs = {root() + "/tests/programs"};
  auto s = Session::open(fixture("go1.15-darwin/nl/deferr.o"), so);
  ASSERT_TRUE(s);
  std::ostringstream out, err;
  {
    TextTrace text(out, err, {});
    (*s)->addSink(&text);
    ASSERT_TRUE((*s)->start("c", {}));
    ASSERT_EQ((*s)->run().kind, StopKind::Returned);
  }
  std::string got = out.str();
  // The object path is whatever the test was given; the golden uses the relative one.
  auto pos = got.find(fixture(""));
  if (pos != std::string::npos) got.replace(pos, fixture("").size(), "tests/fixtures/");
  EXPECT_EQ(got, slurp(root() + "/tests/golden/seed-trace.txt"));
}

// Whole programs: main.main's output equals the native run's, byte for byte up to the
// traceback, with the same exit status. The corpus exercises several defers (LIFO), defers in
// loops (heap records), arguments evaluated at defer time, closures, methods and method values,
// recursion that grows the stack, prints of every basic type, panics and recover (nested,
// re-panics, recover outside a deferred call), runtime errors (nil dereference, division by
// zero, bounds), open-coded defers with a recovery in the middle, an unrecovered panic, strings
// (concatenation, comparison, conversions, UTF-8), interfaces (method calls, assertions, type
// switches, equality), append's capacities, a panic printed through the value's Error and
// String methods, and maps (hmap / swiss headers, growth, iteration, a nil-map write).
class Corpus : public ::testing::TestWithParam<ProgramCase> {};

TEST_P(Corpus, MatchesNativeRun) {
  auto [version, mode, program] = GetParam();
  std::string base = fixture(version + "/" + mode + "/" + program);
  RunResult r = runFunction(base + ".o", "main.main");
  int status = r.stop.kind == StopKind::Returned ? 0 : r.stop.exitStatus;
  EXPECT_EQ(status, std::stoi(slurp(base + ".exit"))) << r.stop.message;
  std::string want = slurp(base + ".stderr");
  EXPECT_EQ(upToTraceback(r.guestErr), upToTraceback(want));
  if (want.find("\ngoroutine 1 [running]:\n") != std::string::npos) {
    EXPECT_NE(r.guestErr.find("\ngoroutine 1 [running]:\n"), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(Programs, Corpus, ::testing::ValuesIn(programCases()),
                         [](const auto& info) {
                           auto v = info.param.version;
                           v.erase(std::remove(v.begin(), v.end(), '.'), v.end());
                           return v + "_" + info.param.mode + "_" + info.param.program;
                         });

// The engine's fast modes (one callback per translated block, faults placed by the addresses
// their operands compute to or by re-executing the run; and -q's, with no callback at all, faults
// placed by re-execution) against a code hook on every instruction: the same instruction count,
// the same output to the last byte of the traceback (whose pcs come from where the faults were
// placed), the same exit status, for every program of every release and build (three releases
// under the sanitizers).
TEST(FastRun, AgreesWithARunSteppedInstructionByInstruction) {
  uint64_t programs = 0, instructions = 0, cases = 0;
  for (const auto& [v, m, p] : programCases()) {
    // Under the sanitizers (where this took 4 of CI's 30 minutes): the oldest, a middle and the
    // newest release.
    if (kSanitized && v != kVersions.front() && v != "go1.21" && v != kVersions.back()) continue;
    cases++;
    std::string obj = fixture(v + "/" + m + "/" + p + ".o");
    SCOPED_TRACE(obj);
    struct Out {
      StopReason stop;
      uint64_t count;
      std::string err;
    } out[3];
    // Counted per block; stepped; not counted and with nobody looking at runtime events (the
    // runtime model then skips describing them), as -q runs.
    for (int mode = 0; mode < 3; mode++) {
      bool stepped = mode == 1;
      SessionOptions so;
      so.trace = false;
      so.count = mode != 2;
      auto s = Session::open(obj, so);
      ASSERT_TRUE(s) << s.error().message;
      Collect c;
      c.runtimeEvents = mode != 2;
      (*s)->addSink(&c);
      ASSERT_TRUE((*s)->start("main.main", {}));
      (*s)->machine().setStepAlways(stepped);
      out[mode].stop = (*s)->run();
      out[mode].count = (*s)->instructions();
      out[mode].err = c.guestErr;
    }
    EXPECT_EQ(out[0].count, out[1].count);
    for (int mode : {0, 2}) {
      EXPECT_EQ(out[mode].err, out[1].err) << mode;
      EXPECT_EQ(out[mode].stop.kind, out[1].stop.kind) << mode;
      EXPECT_EQ(out[mode].stop.exitStatus, out[1].stop.exitStatus) << mode;
      EXPECT_EQ(out[mode].stop.message, out[1].stop.message) << mode;
    }
    programs++;
    instructions += out[0].count;
  }
  EXPECT_EQ(programs, cases);
  EXPECT_GT(instructions, 1'000'000u);
}

// A traced instruction's register changes come from the registers the decoder says it writes
// (Zydis, with implicit operands); reading every general register after every instruction must
// give the same trace, byte for byte, for every program of every release and build (the two
// long ones, a million instructions each, for the oldest, a middle and the newest release; under
// the sanitizers every program for the newest release only).
TEST(Trace, RegistersTheDecoderNamesAreAllThatChange) {
  uint64_t programs = 0, lines = 0, want = 0;
  for (const auto& [v, m, p] : programCases()) {
    std::string_view name = p;
    // Under the sanitizers, the newest release's -N -l objects only (the whole sweep would take
    // 20 minutes).
    if (kSanitized && (v != kNewestGo || m != "nl")) continue;
    bool fewReleases = name == "recursion" || name == "chain";
    if (fewReleases && v != kGoVersions.front() && v != "go1.21" && v != kNewestGo) continue;
    want++;
    std::string obj = fixture(v + "/" + m + "/" + p + ".o");
    SCOPED_TRACE(obj);
    std::string trace[2];
    for (int every = 0; every < 2; every++) {
      auto s = Session::open(obj, {});
      ASSERT_TRUE(s) << s.error().message;
      std::ostringstream out, err;
      JsonTrace json(out, err);
      (*s)->addSink(&json);
      (*s)->setTraceEveryRegister(every == 1);
      ASSERT_TRUE((*s)->start("main.main", {}));
      (*s)->run();
      json.finish();
      trace[every] = out.str();
    }
    ASSERT_EQ(trace[0], trace[1]);
    programs++;
    lines += size_t(std::count(trace[0].begin(), trace[0].end(), '\n'));
  }
  EXPECT_EQ(programs, want);
  EXPECT_GE(programs, (kSanitized ? 1 : 3 * kModes.size()) * kPrograms.size());
  EXPECT_GT(lines, 1'000'000u);
}

// Every runtime event describes g._defer in bounded space (its first names and its length); the
// length the model tracks equals a walk of the chain in guest memory at every event, and the
// names are the walk's first ones, for every program of every release and build.
struct ChainCheck : EventSink {
  Session* s = nullptr;
  uint64_t events = 0, named = 0, longest = 0;
  void onEvent(const Event& e) override {
    auto* r = std::get_if<rt::RuntimeEvent>(&e);
    if (!r) return;
    std::vector<uint64_t> walk = s->runtime().deferChain(s->machine());
    events++;
    longest = std::max<uint64_t>(longest, walk.size());
    ASSERT_EQ(r->chainLength, walk.size()) << r->stub << " at " << std::hex << r->pc;
    if (r->chain.empty()) return; // an event that names no records (prints, stack growth, ...)
    named++;
    ASSERT_EQ(r->chain.size(), std::min(walk.size(), rt::kChainShown)) << r->stub;
    const rt::DeferLayout& L = s->runtime().profile().defer;
    auto flag = [&](uint64_t d, int32_t off) {
      return off >= 0 && s->machine().u8(d + uint64_t(off)).value_or(0) != 0;
    };
    for (size_t k = 0; k < r->chain.size(); k++) {
      uint64_t fn = s->machine().u64(walk[k] + L.fn).value_or(0);
      std::string want = flag(walk[k], L.openDefer)   ? "<open-coded>"
                         : flag(walk[k], L.rangefunc) ? "<range-over-func loop>"
                         : fn                         ? s->runtime().funcvalName(s->machine(), fn)
                                                      : "nil func";
      EXPECT_EQ(r->chain[k], want);
    }
  }
};

// The text trace keeps a space between file:line and the address however long the file name.
TEST(RunDeferr, TextTraceSeparatesLongFileNames) {
  InsnEvent e;
  e.pc = 0x400e40;
  e.info =
      std::make_shared<InsnInfo>(InsnInfo{{}, "NOPL", "main.f", "defer_playground_example.go", 30});
  std::ostringstream out, err;
  TextTrace t(out, err, TextTraceOptions{});
  t.onEvent(e);
  e.info = std::make_shared<InsnInfo>(InsnInfo{{}, "NOPL", "main.f", "deferr.go", 7});
  t.onEvent(e);
  t.finish();
  EXPECT_NE(out.str().find("defer_playground_example.go:30 0x400e40"), std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("  deferr.go:7   0x400e40"), std::string::npos) << out.str();
}

// Instruction events are numbered 1, 2, 3, ... in execution order, across runtime calls, and
// the last number is the count the return reports. An instruction that faults (a nil
// dereference) does not complete and is not counted: it shares its number with the next one.
TEST(RunDeferr, InstructionEventsAreNumberedFromOne) {
  for (const char* obj : {"go1.15-darwin/nl/deferr.o", "go1.24/nl/deferargs.o",
                          "go1.27/opt/panics.o", "go1.22/nl/nilderef.o"}) {
    SCOPED_TRACE(obj);
    auto s = Session::open(fixture(obj), {});
    ASSERT_TRUE(s);
    Collect c;
    (*s)->addSink(&c);
    bool isDeferr = std::string(obj).find("deferr") != std::string::npos;
    ASSERT_TRUE((*s)->start(isDeferr ? "c" : "main.main", {}));
    (*s)->run();
    auto insns = c.all<InsnEvent>();
    ASSERT_FALSE(insns.empty());
    EXPECT_EQ(insns[0].index, 1u);
    size_t repeats = 0, faults = 0;
    for (size_t k = 1; k < insns.size(); k++) {
      if (insns[k].index == insns[k - 1].index) {
        repeats++;
        continue;
      }
      ASSERT_EQ(insns[k].index, insns[k - 1].index + 1) << "event " << k;
    }
    for (const auto& e : c.all<rt::RuntimeEvent>())
      if (e.kind == rt::RuntimeEventKind::PanicStarted &&
          e.detail.find("nil pointer") != std::string::npos)
        faults++;
    EXPECT_EQ(repeats, faults);
    if (std::string(obj).find("nilderef") != std::string::npos) {
      EXPECT_GT(faults, 0u);
    }
    if (!faults) {
      EXPECT_EQ(insns.back().index, (*s)->instructions());
    }
  }
}

TEST(RunDeferr, EventsDescribeTheChainInBoundedSpace) {
  uint64_t events = 0, named = 0, longest = 0;
  for (const auto& v : kVersions)
    for (const auto& m : kModes)
      for (const char* p : {"deferloop", "multidefer", "panics", "opendefer", "recursion",
                            "repanic", "errpanic", "deferargs", "nilderef", "nildefer"}) {
        std::string obj = fixture(v + "/" + m + "/" + p + ".o");
        SCOPED_TRACE(obj);
        SessionOptions so;
        so.trace = false;
        auto s = Session::open(obj, so);
        ASSERT_TRUE(s) << s.error().message;
        ChainCheck check;
        check.s = s->get();
        (*s)->addSink(&check);
        ASSERT_TRUE((*s)->start("main.main", {}));
        (*s)->run();
        events += check.events;
        named += check.named;
        longest = std::max(longest, check.longest);
      }
  EXPECT_GT(events, 1000u);
  EXPECT_GT(named, 1000u);
  EXPECT_GT(longest, rt::kChainShown); // some chains are longer than what an event names
}

// Recursion deep enough to grow the stack several times: morestack runs, the result is the
// native one (recursion.go prints deep(300) = 100501).
TEST(RunStack, DeepRecursionGrowsTheStackAndMatchesNative) {
  for (const auto& v : kVersions) {
    SCOPED_TRACE(v);
    SessionOptions so;
    so.trace = false;
    so.sourceDirs = {root() + "/tests/programs"};
    auto s = Session::open(fixture(v + "/nl/recursion.o"), so);
    ASSERT_TRUE(s);
    Collect c;
    (*s)->addSink(&c);
    ASSERT_TRUE((*s)->start("deep", {300}));
    ASSERT_EQ((*s)->run().kind, StopKind::Returned);
    ASSERT_EQ((*s)->results().size(), 1u);
    EXPECT_EQ((*s)->results()[0].text, "100501");
    int grown = 0;
    uint64_t lastSize = 2048;
    for (const auto& e : c.all<rt::RuntimeEvent>())
      if (e.kind == rt::RuntimeEventKind::StackGrown) {
        grown++;
        EXPECT_GT(e.newSize, lastSize);
        lastSize = e.newSize;
      }
    EXPECT_GE(grown, 3);
  }
}

// Go's fatal "stack overflow" past the limit (runtime.maxstacksize, --stack-size): exit 2 with
// Go's words.
TEST(RunStack, OverflowPastTheLimitIsFatal) {
  SessionOptions so;
  so.trace = false;
  so.maxStack = 64 * 1024;
  auto s = Session::open(fixture("go1.22/nl/recursion.o"), so);
  ASSERT_TRUE(s);
  Collect c;
  (*s)->addSink(&c);
  ASSERT_TRUE((*s)->start("deep", {300}));
  StopReason r = (*s)->run();
  EXPECT_EQ(r.kind, StopKind::Exited);
  EXPECT_EQ(r.exitStatus, 2);
  EXPECT_NE(c.guestErr.find("runtime: goroutine stack exceeds 65536-byte limit\n"),
            std::string::npos);
  EXPECT_NE(c.guestErr.find("fatal error: stack overflow"), std::string::npos);
}

TEST(RunErrors, UnknownFunctionIsAnError) {
  auto s = Session::open(fixture("go1.21/nl/deferr.o"), {});
  ASSERT_TRUE(s);
  auto r = (*s)->start("nosuch", {});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("no function nosuch"), std::string::npos);
}

TEST(RunErrors, InstructionLimitStopsARunawayGuest) {
  SessionOptions so;
  so.trace = false;
  so.maxInstructions = 1000;
  auto s = Session::open(fixture("go1.19/nl/recursion.o"), so);
  ASSERT_TRUE(s);
  ASSERT_TRUE((*s)->start("deep", {300}));
  StopReason r = (*s)->run();
  EXPECT_EQ(r.kind, StopKind::Error);
  EXPECT_EQ(r.exitStatus, 3);
  EXPECT_NE(r.message.find("instruction limit (1000)"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("recursion.go:"), std::string::npos) << r.message;
}

TEST(RunErrors, WrongArgumentCountIsAnError) {
  SessionOptions so;
  auto s = Session::open(fixture("go1.24/nl/recursion.o"), so);
  ASSERT_TRUE(s);
  auto r = (*s)->start("deep", {});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("takes 1 argument"), std::string::npos) << r.error().message;
}

// A runtime function without a model stops the run with exit status 3, naming it and the
// caller's file:line; it never returns silently.
TEST(RunErrors, UnmodelledRuntimeCallNamesItAndTheCaller) {
  std::string text = "TEXT main.f(SB) gofile..x.go\n"
                     "  x.go:3\t\t0x0\t\te800000000\tCALL 0x5\t[1:5]R_CALL:runtime.racefuncenter\n"
                     "  x.go:4\t\t0x5\t\tc3\tRET\n";
  auto obj = loader::loadBytes("x.txt", std::vector<uint8_t>(text.begin(), text.end()));
  ASSERT_TRUE(obj) << obj.error().message;
  auto s = Session::open(*obj, {});
  ASSERT_TRUE(s);
  ASSERT_TRUE((*s)->start("f", {}));
  StopReason r = (*s)->run();
  EXPECT_EQ(r.kind, StopKind::Error);
  EXPECT_EQ(r.exitStatus, 3);
  EXPECT_EQ(r.message,
            "call to runtime.racefuncenter is not modelled (called from main.f at x.go:3)");
}

// A traceback as both runs print it, from its first goroutine header: the native binary's file
// paths carry its build's prefix (`./`, `command-line-arguments/`); a dead slot's value (`0x..?`)
// is whatever was on its stack; with pointers=true, heap addresses (8 or more hex digits) are
// replaced by 0xPTR (the native heap is elsewhere).
std::string normaliseTraceback(std::string s, bool pointers = false) {
  s = s.substr(std::min(s.size(), s.find("\ngoroutine ") + 1));
  for (const char* prefix : {"\t./", "\tcommand-line-arguments/"})
    for (size_t at; (at = s.find(prefix)) != std::string::npos;)
      s.replace(at, std::strlen(prefix), "\t");
  std::string out; // 0x...? -> ?
  for (size_t i = 0; i < s.size(); i++) {
    size_t q = s.find_first_not_of("0123456789abcdefx", i);
    if (s.compare(i, 2, "0x") == 0 && q != std::string::npos && s[q] == '?') {
      out += "?";
      i = q;
      continue;
    }
    out += s[i];
  }
  if (pointers) out = std::regex_replace(out, std::regex("0x[0-9a-f]{8,}"), "0xPTR");
  return out;
}

// The goroutine traceback of an unrecovered panic, as traceback.go prints it: function names,
// argument words (Go 1.15: the argument area; 1.17+: ArgInfo with `?` for dead spill slots),
// file:line and pc offsets.
TEST(RunPanic, TracebackMatchesNative) {
  auto normalise = [](const std::string& s) { return normaliseTraceback(s); };
  for (const auto& v : kVersions)
    for (const auto& m : kModes) {
      SCOPED_TRACE(v + "/" + m);
      std::string base = fixture(v + "/" + m + "/panicexit");
      RunResult r = runFunction(base + ".o", "main.main");
      ASSERT_EQ(r.stop.exitStatus, 2);
      EXPECT_EQ(normalise(r.guestErr), normalise(slurp(base + ".stderr")));
    }
}

// A deadlock: every goroutine not exited, in the order they were made, with its wait reason
// (chan send, select, chan send (nil chan), select (no cases), chan receive), its frames
// (wrappers such as main.main.gowrap1 elided) and `created by` (Go 1.21+: `in goroutine 1`),
// as the native run prints it; exit status 2 and no deferred call run.
TEST(RunDeadlock, EveryGoroutinesTracebackMatchesNative) {
  for (const auto& v : kVersions)
    for (const auto& m : kModes) {
      SCOPED_TRACE(v + "/" + m);
      std::string base = fixture(v + "/" + m + "/deadlock");
      RunResult r = runFunction(base + ".o", "main.main");
      ASSERT_EQ(r.stop.exitStatus, 2);
      std::string native = slurp(base + ".stderr");
      ASSERT_NE(native.find(" [select (no cases)]:\n"), std::string::npos) << native;
      // Goroutine ids past 1 come from the P's id batch, which depends on where the native
      // runtime's main goroutine ran (Go 1.15 optimised: 17, 18, ...); the order is the
      // referee's.
      auto ids = [](const std::string& s) {
        return std::regex_replace(s, std::regex("goroutine ([02-9]|[1-9][0-9]+) \\["),
                                  "goroutine N [");
      };
      EXPECT_EQ(ids(normaliseTraceback(r.guestErr, true)), ids(normaliseTraceback(native, true)));
      EXPECT_EQ(r.guestErr.find("never printed"), std::string::npos);
    }
}

// The results line of each function of results.go (what -q prints) is the line main's println
// prints for it natively: strings, slices as [len/cap]0xptr, errors and interfaces as
// (0xtype,0xdata), complex numbers and floats in the release's print format (Go 1.26+: the
// shortest form), several results separated by spaces. Non-nil addresses differ between the
// runs (the native heap and type data are elsewhere); nil stays 0x0.
TEST(RunResults, ResultsLineIsWhatPrintlnPrints) {
  const std::vector<std::string> fns = {
      "str",      "slice",    "errValue", "nilError", "anyValue", "complex128v", "complex64v",
      "float64v", "float32v", "boolv",    "mixed",    "uint8v",   "int16v"};
  auto addr = [](const std::string& s) {
    return std::regex_replace(s, std::regex("0x[1-9a-f][0-9a-f]*"), "0xADDR");
  };
  for (const auto& v : kVersions)
    for (const auto& m : kModes) {
      SCOPED_TRACE(v + "/" + m);
      std::string base = fixture(v + "/" + m + "/results");
      std::vector<std::string> lines;
      std::istringstream native(slurp(base + ".stderr"));
      for (std::string l; std::getline(native, l);)
        lines.push_back(l);
      ASSERT_EQ(lines.size(), fns.size());
      for (size_t k = 0; k < fns.size(); k++) {
        RunResult r = runFunction(base + ".o", fns[k]);
        ASSERT_EQ(r.error, "") << fns[k];
        EXPECT_EQ(addr(formatResultsLine(r.results)), addr(lines[k])) << fns[k];
      }
    }
}
