// Time travel (checkpoints and re-execution, emulator/engine/timeline.h) is exact: running forward
// and then back restores every register (general, EFLAGS, FS/GS base, segment selectors, XMM,
// MXCSR, x87), every byte of every mapped region, the mappings themselves, the runtime model's
// state and the session's, compared with a fresh start of the same call or a forward run to the
// same instruction; reverse-continue to a breakpoint matches a forward run to it. Checkpoint
// intervals are made small in some tests so that positions fall on both sides of many checkpoints.
#include <chrono>
#include <cstdio>
#include <filesystem>

#include <gtest/gtest.h>
#include <unicorn/unicorn.h>

#include "emulator/debugger/debugger.h"
#include "support.h"

using namespace gd;
using namespace gd::emu;

namespace {

using namespace gd::test;

// Every deferr fixture: each Go release in both modes, the darwin seed object, the seed listing.
std::vector<std::string> deferrFixtures() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(root() + "/tests/fixtures"))
    for (const char* mode : {"nl", "opt"}) {
      auto p = e.path() / mode / "deferr.o";
      if (std::filesystem::exists(p)) out.push_back(p.string());
    }
  std::sort(out.begin(), out.end());
  out.push_back(fixture("seed/deferr-objdump.txt"));
  return out;
}

struct MachineState {
  std::vector<uint64_t> regs;
  std::vector<uint8_t> wide; // XMM, MXCSR, x87
  std::vector<std::pair<uint64_t, uint64_t>> regions;
  std::vector<uint8_t> memory;
  uint64_t instructions = 0;
  rt::Runtime::State runtime;
  bool finished = false;
  std::vector<std::string> results, watched;
};

// All of memory, or (`full` false, for checks at every instruction) the first 256 KiB of each
// region (the whole first stack mapping; the heap's start: TLS, g, allocations).
MachineState capture(Session& s, bool full = true) {
  MachineState st;
  Machine& m = s.machine();
  st.regs.resize(Machine::kRegFile);
  m.readRegFile(st.regs.data());
  for (int r :
       {UC_X86_REG_CS, UC_X86_REG_SS, UC_X86_REG_DS, UC_X86_REG_ES, UC_X86_REG_FS, UC_X86_REG_GS}) {
    uint64_t v = 0;
    m.readEngineReg(r, &v);
    st.regs.push_back(v);
  }
  auto wide = [&](int id, size_t n) {
    uint8_t b[64] = {};
    m.readEngineReg(id, b);
    st.wide.insert(st.wide.end(), b, b + n);
  };
  for (int k = 0; k < 16; k++)
    wide(UC_X86_REG_XMM0 + k, 16);
  wide(UC_X86_REG_MXCSR, 4);
  wide(UC_X86_REG_FPCW, 2);
  wide(UC_X86_REG_FPSW, 2);
  wide(UC_X86_REG_FPTAG, 2);
  for (int k = 0; k < 8; k++)
    wide(UC_X86_REG_ST0 + k, 10);
  st.regions = m.regions();
  for (auto [b, e] : st.regions) {
    uint64_t n = full ? e - b : std::min<uint64_t>(e - b, 256 << 10);
    size_t at = st.memory.size();
    st.memory.resize(at + n);
    EXPECT_TRUE(m.read(b, st.memory.data() + at, n));
  }
  st.instructions = m.instructionsExecuted();
  st.runtime = s.runtime().state();
  auto ss = s.saveState();
  st.finished = ss.finished;
  for (const auto& v : ss.results)
    st.results.push_back(v.name + "=" + v.text);
  for (const auto& v : ss.watchedValues)
    st.watched.push_back(v.text);
  return st;
}

void expectSame(const MachineState& a, const MachineState& b, const std::string& what) {
  EXPECT_EQ(a.regs, b.regs) << what << ": registers";
  EXPECT_EQ(a.wide, b.wide) << what << ": XMM/MXCSR/x87";
  EXPECT_EQ(a.regions, b.regions) << what << ": mapped regions";
  EXPECT_TRUE(a.memory == b.memory) << what << ": memory";
  EXPECT_EQ(a.instructions, b.instructions) << what << ": instruction count";
  EXPECT_TRUE(a.runtime == b.runtime) << what << ": runtime model state";
  EXPECT_EQ(a.finished, b.finished) << what << ": finished";
  EXPECT_EQ(a.results, b.results) << what << ": results";
  EXPECT_EQ(a.watched, b.watched) << what << ": watched values";
}

std::unique_ptr<Debugger> openDebugger(const std::string& object, const std::string& fn,
                                       std::vector<emu::Arg> args = {},
                                       TimelineOptions timeline = {}) {
  Debugger::Options o;
  o.timeline = timeline;
  o.object = object;
  o.function = fn;
  o.args = std::move(args);
  o.session.sourceDirs = {root() + "/tests/programs"};
  auto d = Debugger::open(o, nullptr);
  EXPECT_TRUE(d) << object << ": " << (d ? "" : d.error().message);
  return d ? std::move(*d) : nullptr;
}

} // namespace

TEST(Timeline, DeferrToTheEndAndBackEqualsAFreshStart) {
  auto fixtures = deferrFixtures();
  // nl and opt of every release, the darwin seed object, Go 1.25 without DWARF 5 and the seed
  // listing.
  EXPECT_EQ(fixtures.size(), 2 * kGoVersions.size() + 3);
  for (const auto& f : fixtures) {
    SCOPED_TRACE(f);
    auto fresh = openDebugger(f, "c");
    auto d = openDebugger(f, "c");
    ASSERT_TRUE(fresh && d);
    MachineState start = capture(fresh->session());
    DebugStop end = d->cont();
    EXPECT_EQ(end.why, StopWhy::Returned) << end.message;
    ASSERT_EQ(d->session().results().size(), 1u);
    EXPECT_EQ(d->session().results()[0].text, "2");
    EXPECT_GT(d->timeline().now(), 20u);
    DebugStop back = d->reverseContinue();
    EXPECT_EQ(back.why, StopWhy::HistoryStart);
    EXPECT_EQ(d->session().instructions(), 0u);
    expectSame(capture(d->session()), start, f + " back at the start");
    // And forward again to the same end.
    EXPECT_EQ(d->cont().why, StopWhy::Returned);
    EXPECT_EQ(d->session().results()[0].text, "2");
  }
}

TEST(Timeline, ReverseContinueToABreakpointEqualsAForwardRunToIt) {
  for (const auto& f : deferrFixtures()) {
    SCOPED_TRACE(f);
    auto fwd = openDebugger(f, "c");
    auto rev = openDebugger(f, "c", {}, TimelineOptions{7, 256ull << 20});
    ASSERT_TRUE(fwd && rev);
    ASSERT_TRUE(fwd->addBreakpoint("c.func1"));
    DebugStop hit = fwd->cont();
    ASSERT_EQ(hit.why, StopWhy::Breakpoint);
    MachineState there = capture(fwd->session());

    EXPECT_EQ(rev->cont().why, StopWhy::Returned);
    ASSERT_TRUE(rev->addBreakpoint("c.func1"));
    DebugStop back = rev->reverseContinue();
    ASSERT_EQ(back.why, StopWhy::Breakpoint);
    EXPECT_EQ(back.id, hit.id);
    expectSame(capture(rev->session()), there, f + " at c.func1");
    // Forward from there ends as the forward run does.
    EXPECT_EQ(rev->cont().why, StopWhy::Returned);
    EXPECT_EQ(fwd->cont().why, StopWhy::Returned);
    expectSame(capture(rev->session()), capture(fwd->session()), f + " at the end");
  }
}

// At every instruction: states seen stepping forward one at a time (each step a separate engine
// run, so nothing is cached) equal the states reverse-stepi comes back through, with checkpoints
// every 2^20 instructions (all replays from the start) and every 37.
class EveryState : public ::testing::TestWithParam<uint64_t> {};

TEST_P(EveryState, IsRestoredByReverseStepi) {
  struct Case {
    std::string object, fn;
    std::vector<emu::Arg> args;
  };
  std::vector<Case> cases;
  for (const auto& f : deferrFixtures())
    cases.push_back({f, "c", {}});
  for (const char* v : {"go1.15", "go1.24"}) {
    std::string dir = std::string(v) + "/nl/";
    cases.push_back({fixture(dir + "deferloop.o"), "both", {3}});
    cases.push_back({fixture(dir + "closures.o"), "useCounter", {}});
    cases.push_back({fixture(dir + "spin.o"), "spin", {5}});
    cases.push_back({fixture(dir + "panics.o"), "main", {}});
    cases.push_back({fixture(dir + "recursion.o"), "deep", {2}}); // the stack grows
    cases.push_back({fixture(dir + "initorder.o"), "main", {}});  // init functions first
  }
  for (const auto& c : cases) {
    SCOPED_TRACE(c.object + " " + c.fn);
    auto d = openDebugger(c.object, c.fn, c.args, TimelineOptions{GetParam(), 256ull << 20});
    ASSERT_TRUE(d);
    auto full = [](size_t k) { return k % 64 == 0; };
    std::vector<MachineState> seen{capture(d->session(), full(0))};
    while (!d->finished() && seen.size() < 20000) {
      d->stepi(1);
      seen.push_back(capture(d->session(), full(seen.size())));
    }
    EXPECT_TRUE(d->finished());
    for (size_t k = seen.size() - 1; k-- > 0;) {
      DebugStop s = d->reverseStepi(1);
      ASSERT_EQ(s.why, StopWhy::Step) << "at step " << k;
      expectSame(capture(d->session(), full(k)), seen[k], "step " + std::to_string(k));
      if (HasFailure()) return;
    }
    EXPECT_EQ(d->reverseStepi(1).why, StopWhy::HistoryStart);
  }
}

INSTANTIATE_TEST_SUITE_P(Intervals, EveryState, ::testing::Values(1u << 20, 37u));

// Stack growth maps new memory and the heap grows: undone exactly, in one long run, with
// checkpoints on both sides of the growth.
TEST(Timeline, StackGrowthAndHeapAreUndone) {
  for (const char* v : {"go1.15", "go1.21", "go1.24"}) {
    std::string obj = fixture(std::string(v) + "/nl/recursion.o");
    SCOPED_TRACE(obj);
    auto fresh = openDebugger(obj, "deep", {100});
    auto d = openDebugger(obj, "deep", {100}, TimelineOptions{500, 256ull << 20});
    ASSERT_TRUE(fresh && d);
    MachineState start = capture(fresh->session());
    EXPECT_EQ(d->cont().why, StopWhy::Returned);
    EXPECT_GT(d->session().runtime().state().run.stackLo, 0u);
    EXPECT_NE(capture(d->session()).regions, start.regions); // the stack grew
    EXPECT_EQ(d->reverseContinue().why, StopWhy::HistoryStart);
    expectSame(capture(d->session()), start, "back at the start");
  }
}

// Past the memory limit, older checkpoints are thinned; the first stays, so reverse execution
// still reaches the start, and any instruction is still reached exactly (compared with a forward
// run to it), only from farther back.
TEST(Timeline, ThinningKeepsEveryInstructionReachable) {
  const std::string obj = fixture("go1.24/nl/spin.o");
  auto d = openDebugger(obj, "spin", {20000}, TimelineOptions{1000, 1 << 20});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->cont().why, StopWhy::Returned);
  uint64_t end = d->session().instructions();
  Timeline& t = d->timeline();
  EXPECT_TRUE(t.thinned());
  EXPECT_LT(t.checkpoints(), end / 1000);
  EXPECT_LE(t.bytes(), uint64_t(1) << 20);
  EXPECT_EQ(t.origin(), 0u);
  for (uint64_t back : {1u, 999u, 1000u, 12345u, 77777u}) {
    SCOPED_TRACE(back);
    ASSERT_EQ(d->reverseStepi(back).why, StopWhy::Step);
    auto fwd = openDebugger(obj, "spin", {20000});
    ASSERT_TRUE(fwd);
    fwd->stepi(d->session().instructions());
    expectSame(capture(d->session()), capture(fwd->session()), "the same instruction");
  }
  EXPECT_EQ(d->reverseContinue().why, StopWhy::HistoryStart);
  EXPECT_EQ(d->session().instructions(), 0u);
}

// Breakpoint hits backward, across checkpoints, stop where a forward run stops,
// in reverse order.
TEST(Timeline, BreakpointHitsBackwardMirrorForward) {
  const std::string obj = fixture("go1.24/nl/deferloop.o");
  auto fwd = openDebugger(obj, "both", {3});
  auto rev = openDebugger(obj, "both", {3}, TimelineOptions{50, 256ull << 20});
  ASSERT_TRUE(fwd && rev);
  ASSERT_TRUE(fwd->addBreakpoint("both.func2"));
  std::vector<uint64_t> hits;
  while (true) {
    DebugStop s = fwd->cont();
    if (s.why != StopWhy::Breakpoint) break;
    hits.push_back(fwd->session().instructions());
  }
  ASSERT_GE(hits.size(), 2u);
  EXPECT_EQ(rev->cont().why, StopWhy::Returned);
  ASSERT_TRUE(rev->addBreakpoint("both.func2"));
  for (size_t k = hits.size(); k-- > 0;) {
    DebugStop s = rev->reverseContinue();
    ASSERT_EQ(s.why, StopWhy::Breakpoint) << k;
    EXPECT_EQ(rev->session().instructions(), hits[k]);
  }
  EXPECT_EQ(rev->reverseContinue().why, StopWhy::HistoryStart);
}

// Every program of the corpus (each Go release, both modes), run as a whole program from
// main.main: to the end (a return, a panic's death, or an unmodelled runtime call) and back
// equals a fresh start.
TEST(Timeline, EveryProgramToTheEndAndBack) {
  size_t n = 0;
  for (const auto& dir : std::filesystem::directory_iterator(root() + "/tests/fixtures"))
    for (const char* mode : {"nl", "opt"}) {
      auto folder = dir.path() / mode;
      if (!std::filesystem::exists(folder) || dir.path().filename() == "go1.15-darwin") continue;
      // Under the sanitizers: the oldest, a middle and the newest release, -N -l objects.
      std::string release = dir.path().filename().string();
      if (kSanitized && release != kGoVersions.front() && release != "go1.21" &&
          release != kNewestGo)
        continue;
      if (kSanitized && std::string_view(mode) == "opt") continue; // -N -l only there
      for (const auto& f : std::filesystem::directory_iterator(folder)) {
        if (f.path().extension() != ".o") continue;
        SCOPED_TRACE(f.path().string());
        auto fresh = openDebugger(f.path().string(), "main");
        auto d = openDebugger(f.path().string(), "main", {}, TimelineOptions{1000, 256ull << 20});
        ASSERT_TRUE(fresh && d);
        MachineState start = capture(fresh->session());
        DebugStop end = d->cont();
        // Returned, died as Go would, or stopped where the model ends: all can be undone.
        EXPECT_TRUE(end.why == StopWhy::Returned || end.why == StopWhy::Exited ||
                    end.why == StopWhy::Error)
            << end.message;
        MachineState atEnd = capture(d->session());
        EXPECT_EQ(d->reverseContinue().why, StopWhy::HistoryStart);
        expectSame(capture(d->session()), start, "back at the start");
        // Deterministic: forward again ends in the same state.
        d->cont();
        expectSame(capture(d->session()), atEnd, "the same end again");
        n++;
      }
    }
  EXPECT_GE(n, kSanitized ? 3u * 25 : 12u * 13);
}
