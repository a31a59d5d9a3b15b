// Emulator throughput and start-up, on fixtures made by the real Go toolchains:
//   BM_SpinBare         main.spin of go1.24/opt/spin.o (a loop that loads and stores a stack slot
//                       every iteration, with an open-coded defer: no runtime call) in a bare
//                       Unicorn engine with no hooks at all: the reference
//   BM_SpinUntracedOpt  the same bytes at the same addresses, untraced, counting instructions
//                       per translated block (what --max-insns and the debugger use)
//   BM_SpinUncountedOpt the same with no callback at all (what -q does)
//   BM_Sum*             the same three for main.sum of go1.24/opt/chain.o, a loop in registers
//                       only (s += i ^ (s >> 3)), where a per-block callback costs the most
//   BM_HaltBare         the engine's floor for a runtime call (see there), halts per second
//   BM_RecdUncounted    recd(100000) of go1.24/nl/recd.o as -q runs it: one defer per recursion
//                       level, so three runtime calls (deferprocStack, deferreturn twice) and a
//                       return through the model every ~50 instructions
//   BM_SpinRecorded, BM_SumRecorded  the same loops under the debugger (godefer-emu -i), cont()
//                       to the return with time-travel recording (checkpoints)
//   BM_ReverseAfter1G   reverse-stepi and reverse-continue to the start after ~10^9 recorded
//                       instructions; peak memory
//   BM_SpinUntraced     spin(n) with SessionOptions{trace=false}, -N -l
//   BM_SpinEvents       spin(n) traced, the events going to a sink that ignores them (what making
//                       the trace's events costs, before any formatting)
//   BM_SpinText         spin(n) traced, the text trace written to a stream that discards it
//   BM_SpinJson         spin(n) traced, JSON lines to the same kind of stream
//   BM_StartupDeferr    Session::open + start + run of deferr.o `c` (the seed, go1.15-darwin)
// The throughput benchmarks time only run() (open and start are paused) and report
// instructions per second as the counter `insns/s`.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

#include <unicorn/unicorn.h>

#include <sys/resource.h>

#include "emulator/debugger/debugger.h"
#include "emulator/engine/session.h"
#include "emulator/frontends/trace/sinks.h"
#include "loader/image.h"
#include "loader/object.h"

namespace {

using namespace gd::emu;

std::string fixture(const std::string& rel) {
  return std::string(GODEFER_SOURCE_DIR) + "/tests/fixtures/" + rel;
}

// The spin workload: tests/programs/spin.go, Go 1.24, -N -l (every local lives in memory, so
// a traced run also records memory writes). GODEFER_BENCH_SPIN overrides the object.
std::string spinObject() {
  if (const char* p = std::getenv("GODEFER_BENCH_SPIN")) return p;
  return fixture("go1.24/nl/spin.o");
}

// An ostream that accepts and drops everything (formatting still happens; no badbit).
class NullBuf final : public std::streambuf {
protected:
  int_type overflow(int_type c) override { return traits_type::not_eof(c); }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

struct NullStream : std::ostream {
  NullStream() : std::ostream(&buf) {}
  NullBuf buf;
};

enum class Sink { Quiet, Text, Json };

// Google Benchmark's CSV needs every run to carry the same counters: the ones a benchmark does
// not measure are 0 (scripts/bench.sh reads 0 as absent).
void fillCounters(benchmark::State& state) {
  for (const char* name :
       {"insns/s", "insns/run", "halts/s", "calls/run", "checkpoint_MiB", "checkpoints", "recorded",
        "reverse_stepi_ms", "reverse_continue_ms", "peak_RSS_MiB"})
    if (!state.counters.count(name)) state.counters[name] = 0;
}

// Instructions of one fn(n) call, from a run before the timed ones.
uint64_t instructionsOf(const std::string& path, const std::string& fn, int64_t n) {
  SessionOptions so;
  so.trace = false;
  auto s = Session::open(path, so);
  if (!s || !(*s)->start(fn, {n})) return 0;
  return (*s)->run().kind == StopKind::Returned ? (*s)->instructions() : 0;
}

void runSpin(benchmark::State& state, bool trace, Sink kind, const std::string& path,
             const std::string& fn = "spin", bool count = true) {
  const int64_t n = state.range(0);
  NullStream out, err;
  uint64_t perRun = instructionsOf(path, fn, n);
  if (!perRun) {
    state.SkipWithError("spin did not run to its return");
    return;
  }
  uint64_t insns = 0, runs = 0;
  for (auto _ : state) {
    state.PauseTiming();
    SessionOptions so;
    so.trace = trace;
    so.count = count;
    auto s = Session::open(path, so);
    if (!s) {
      state.SkipWithError(("open: " + s.error().message).c_str());
      break;
    }
    std::unique_ptr<EventSink> sink;
    if (kind == Sink::Text) {
      sink = std::make_unique<TextTrace>(out, err, TextTraceOptions{});
    } else if (kind == Sink::Json) {
      sink = std::make_unique<JsonTrace>(out, err);
    } else {
      sink = std::make_unique<QuietSink>(err);
    }
    (*s)->addSink(sink.get());
    if (auto r = (*s)->start(fn, {n}); !r) {
      state.SkipWithError(("start: " + r.error().message).c_str());
      break;
    }
    state.ResumeTiming();
    StopReason stop = (*s)->run();
    sink->finish();
    if (stop.kind != StopKind::Returned) {
      state.SkipWithError(("run: " + stop.message).c_str());
      break;
    }
    benchmark::DoNotOptimize((*s)->results());
    insns += perRun;
    runs++;
  }
  state.counters["insns/s"] = benchmark::Counter(double(insns), benchmark::Counter::kIsRate);
  state.counters["insns/run"] = runs ? double(insns) / double(runs) : 0.0;
}

void BM_SpinUntraced(benchmark::State& state) {
  runSpin(state, false, Sink::Quiet, spinObject());
  fillCounters(state);
}
void BM_SpinUntracedOpt(benchmark::State& state) {
  runSpin(state, false, Sink::Quiet, fixture("go1.24/opt/spin.o"));
  fillCounters(state);
}
void BM_SpinUncountedOpt(benchmark::State& state) {
  runSpin(state, false, Sink::Quiet, fixture("go1.24/opt/spin.o"), "spin", false);
  fillCounters(state);
}
void BM_SumUntracedOpt(benchmark::State& state) {
  runSpin(state, false, Sink::Quiet, fixture("go1.24/opt/chain.o"), "sum");
  fillCounters(state);
}
void BM_SumUncountedOpt(benchmark::State& state) {
  runSpin(state, false, Sink::Quiet, fixture("go1.24/opt/chain.o"), "sum", false);
  fillCounters(state);
}
void BM_RecdUncounted(benchmark::State& state) {
  runSpin(state, false, Sink::Quiet, fixture("go1.24/nl/recd.o"), "recd", false);
  // Runtime calls per run (each stops the engine once, and a deferred closure's return into
  // deferreturn once more), from an untimed run.
  SessionOptions so;
  so.trace = false;
  if (auto s = Session::open(fixture("go1.24/nl/recd.o"), so);
      s && (*s)->start("recd", {state.range(0)})) {
    (*s)->run();
    double calls = 0;
    for (const auto& [name, k] : (*s)->runtime().callCounts())
      calls += k;
    state.counters["calls/run"] = calls;
  }
  fillCounters(state);
}
void BM_SpinEvents(benchmark::State& state) {
  runSpin(state, true, Sink::Quiet, spinObject());
  fillCounters(state);
}
void BM_SpinText(benchmark::State& state) {
  runSpin(state, true, Sink::Text, spinObject());
  fillCounters(state);
}
void BM_SpinJson(benchmark::State& state) {
  runSpin(state, true, Sink::Json, spinObject());
  fillCounters(state);
}

// The engine alone: the image godefer-emu lays out (same bytes, same addresses, same
// permissions; the goroutine's stack at the same address), mapped into a Unicorn engine with no
// hook of any kind; FUNCTION called with RAX = n, R14 = a g whose stack guard never trips, and a
// return address nothing is mapped at, where the run ends.
void runBare(benchmark::State& state, const std::string& path, const std::string& function) {
  const int64_t n = state.range(0);
  auto obj = gd::loader::loadFile(path);
  if (!obj) return state.SkipWithError(obj.error().message.c_str());
  auto img = gd::loader::layout(*obj);
  auto fn = (*obj)->findFunction(function);
  if (!img || !fn) return state.SkipWithError("cannot lay out the function");
  uc_engine* uc = nullptr;
  uc_open(UC_ARCH_X86, UC_MODE_64, &uc);
  for (const auto& seg : img->segments) {
    uint32_t perms = ((seg.perm & gd::loader::kRead) ? UC_PROT_READ : 0) |
                     ((seg.perm & gd::loader::kWrite) ? UC_PROT_WRITE : 0) |
                     ((seg.perm & gd::loader::kExec) ? UC_PROT_EXEC : 0);
    uc_mem_map(uc, seg.addr, seg.size, perms);
    if (!seg.bytes.empty()) uc_mem_write(uc, seg.addr, seg.bytes.data(), seg.bytes.size());
  }
  constexpr uint64_t kStackHi = gd::rt::kStackHi, kStackSize = 1 << 20;
  constexpr uint64_t kG = gd::rt::kGAddr & ~uint64_t(0xfff);
  constexpr uint64_t kReturn = 0x10; // unmapped: the run ends there
  uc_mem_map(uc, kStackHi - kStackSize, kStackSize, UC_PROT_READ | UC_PROT_WRITE);
  uc_mem_map(uc, kG, 0x1000, UC_PROT_READ | UC_PROT_WRITE);
  uint64_t entry = img->address(*fn);
  auto call = [&] {
    uint64_t sp = kStackHi - 64, g = gd::rt::kGAddr, rax = uint64_t(n);
    uc_mem_write(uc, sp, &kReturn, 8);
    uc_reg_write(uc, UC_X86_REG_RSP, &sp);
    uc_reg_write(uc, UC_X86_REG_R14, &g);
    uc_reg_write(uc, UC_X86_REG_RAX, &rax);
    uc_emu_start(uc, entry, 0, 0, 0);
    uint64_t pc = 0;
    uc_reg_read(uc, UC_X86_REG_RIP, &pc);
    return pc;
  };
  // The instructions of one call, as godefer-emu counts them (block-counted and stepped counts
  // agree: tests/unit/machine_test.cpp). No hook ever touches this engine: a code hook added and
  // deleted stays in Unicorn's translated code.
  uint64_t perRun = instructionsOf(path, function.substr(function.find('.') + 1), n);
  if (!perRun) return state.SkipWithError("the function did not run to its return");
  uint64_t runs = 0;
  for (auto _ : state) {
    if (call() != kReturn) {
      state.SkipWithError("main.spin did not return");
      break;
    }
    runs++;
  }
  uint64_t result = 0;
  uc_reg_read(uc, UC_X86_REG_RAX, &result);
  benchmark::DoNotOptimize(result);
  uc_close(uc);
  state.counters["insns/s"] =
      benchmark::Counter(double(perRun * runs), benchmark::Counter::kIsRate);
  state.counters["insns/run"] = double(perRun);
}

// The engine's floor for a runtime call: a bare Unicorn engine (no hooks) runs
//   loop: CALL extern; DECQ CX; JNZ loop; CALL end
// where `extern` is unmapped, as the tool's runtime functions are: each CALL stops the engine
// (fetch from unmapped memory), the harness does what the smallest model does (pops the return
// address) and starts the engine again there. Reported as halts per second (`halts/s`).
void BM_HaltBare(benchmark::State& state) {
  const int64_t n = state.range(0);
  constexpr uint64_t kCode = 0x1000000, kExtern = 0x2000000, kEnd = 0x3000000;
  constexpr uint64_t kStack = 0x4000000;
  auto rel32 = [](uint64_t from, uint64_t to) { return uint32_t(int32_t(to - from)); };
  std::vector<uint8_t> code = {0xe8, 0, 0, 0, 0, 0x48, 0xff, 0xc9, 0x75, 0xf6, 0xe8, 0, 0, 0, 0};
  uint32_t r1 = rel32(kCode + 5, kExtern), r2 = rel32(kCode + 15, kEnd);
  std::memcpy(&code[1], &r1, 4);
  std::memcpy(&code[11], &r2, 4);
  uc_engine* uc = nullptr;
  uc_open(UC_ARCH_X86, UC_MODE_64, &uc);
  uc_mem_map(uc, kCode, 0x1000, UC_PROT_READ | UC_PROT_EXEC);
  uc_mem_write(uc, kCode, code.data(), code.size());
  uc_mem_map(uc, kStack, 0x10000, UC_PROT_READ | UC_PROT_WRITE);
  uint64_t halts = 0;
  for (auto _ : state) {
    uint64_t rcx = uint64_t(n), sp = kStack + 0x8000, pc = kCode;
    uc_reg_write(uc, UC_X86_REG_RCX, &rcx);
    uc_reg_write(uc, UC_X86_REG_RSP, &sp);
    while (true) {
      uc_emu_start(uc, pc, 0, 0, 0);
      uc_reg_read(uc, UC_X86_REG_RIP, &pc);
      if (pc != kExtern) break;
      halts++;
      uc_reg_read(uc, UC_X86_REG_RSP, &sp);
      uc_mem_read(uc, sp, &pc, 8);
      sp += 8;
      uc_reg_write(uc, UC_X86_REG_RSP, &sp);
    }
    if (pc != kEnd) {
      state.SkipWithError("the halt loop did not reach its end");
      break;
    }
  }
  uc_close(uc);
  state.counters["halts/s"] = benchmark::Counter(double(halts), benchmark::Counter::kIsRate);
  fillCounters(state);
}

void BM_SpinBare(benchmark::State& state) {
  runBare(state, fixture("go1.24/opt/spin.o"), "main.spin");
  fillCounters(state);
}
void BM_SumBare(benchmark::State& state) {
  runBare(state, fixture("go1.24/opt/chain.o"), "main.sum");
  fillCounters(state);
}

// Forward execution under the debugger with time travel recording (checkpoints; `continue` with
// no breakpoint at full speed): instructions per second of cont() to the return, and the
// checkpoints' memory.
void runRecorded(benchmark::State& state, const std::string& path, const std::string& fn) {
  const int64_t n = state.range(0);
  uint64_t insns = 0, bytes = 0, cps = 0;
  for (auto _ : state) {
    state.PauseTiming();
    Debugger::Options o;
    o.object = path;
    o.function = fn;
    o.args = {n};
    auto d = Debugger::open(o, nullptr);
    if (!d) {
      state.SkipWithError(d.error().message.c_str());
      break;
    }
    state.ResumeTiming();
    DebugStop stop = (*d)->cont();
    state.PauseTiming();
    if (stop.why != StopWhy::Returned) {
      state.SkipWithError("the function did not return");
      break;
    }
    insns += (*d)->session().instructions();
    bytes = (*d)->timeline().bytes();
    cps = (*d)->timeline().checkpoints();
    d->reset();
    state.ResumeTiming();
  }
  state.counters["insns/s"] = benchmark::Counter(double(insns), benchmark::Counter::kIsRate);
  state.counters["checkpoint_MiB"] = double(bytes) / (1 << 20);
  state.counters["checkpoints"] = double(cps);
}

void BM_SumRecorded(benchmark::State& state) {
  runRecorded(state, fixture("go1.24/opt/chain.o"), "sum");
  fillCounters(state);
}
void BM_SpinRecorded(benchmark::State& state) {
  runRecorded(state, fixture("go1.24/opt/spin.o"), "spin");
  fillCounters(state);
}

// After recording about 10^9 instructions (sum(143000000), Go 1.24, optimised): the time of
// reverse-stepi 1 and of reverse-continue back to the start (no breakpoint: the first
// checkpoint), and the process's peak resident memory.
void BM_ReverseAfter1G(benchmark::State& state) {
  Debugger::Options o;
  o.object = fixture("go1.24/opt/chain.o");
  o.function = "sum";
  o.args = {143'000'000};
  auto d = Debugger::open(o, nullptr);
  if (!d || (*d)->cont().why != StopWhy::Returned) return state.SkipWithError("sum did not return");
  uint64_t recorded = (*d)->session().instructions();
  double stepiSeconds = 0, backSeconds = 0;
  uint64_t rounds = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    if ((*d)->reverseStepi(1).why != StopWhy::Step) return state.SkipWithError("reverse-stepi");
    auto t1 = std::chrono::steady_clock::now();
    if ((*d)->reverseContinue().why != StopWhy::HistoryStart)
      return state.SkipWithError("reverse-continue");
    auto t2 = std::chrono::steady_clock::now();
    stepiSeconds += std::chrono::duration<double>(t1 - t0).count();
    backSeconds += std::chrono::duration<double>(t2 - t1).count();
    rounds++;
    state.PauseTiming();
    (*d)->cont(); // to the end again
    state.ResumeTiming();
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  state.counters["recorded"] = double(recorded);
  state.counters["reverse_stepi_ms"] = rounds ? 1e3 * stepiSeconds / double(rounds) : 0;
  state.counters["reverse_continue_ms"] = rounds ? 1e3 * backSeconds / double(rounds) : 0;
  state.counters["checkpoint_MiB"] = double((*d)->timeline().bytes()) / (1 << 20);
  state.counters["peak_RSS_MiB"] = double(ru.ru_maxrss) / 1024;
  fillCounters(state);
}

// What `godefer-emu -q tests/fixtures/go1.15-darwin/nl/deferr.o c` does, minus process start:
// load and lay out the object, build the machine, call c, run it to its return.
void BM_StartupDeferr(benchmark::State& state) {
  const std::string path = fixture("go1.15-darwin/nl/deferr.o");
  NullStream err;
  for (auto _ : state) {
    SessionOptions so;
    so.trace = false;
    auto s = Session::open(path, so);
    if (!s) {
      state.SkipWithError(("open: " + s.error().message).c_str());
      break;
    }
    QuietSink sink(err);
    (*s)->addSink(&sink);
    if (auto r = (*s)->start("c", {}); !r) {
      state.SkipWithError(("start: " + r.error().message).c_str());
      break;
    }
    StopReason stop = (*s)->run();
    if (stop.kind != StopKind::Returned || (*s)->results().empty() ||
        (*s)->results()[0].text != "2") {
      state.SkipWithError("deferr c did not return 2");
      break;
    }
  }
  fillCounters(state);
}

} // namespace

BENCHMARK(BM_SpinBare)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SpinUntracedOpt)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SpinUncountedOpt)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SumBare)->Arg(100'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SumUntracedOpt)->Arg(100'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SumUncountedOpt)->Arg(100'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SpinRecorded)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SumRecorded)->Arg(100'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReverseAfter1G)->Iterations(3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SpinUntraced)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SpinEvents)->Arg(10'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SpinText)->Arg(10'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SpinJson)->Arg(10'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StartupDeferr)->Unit(benchmark::kMicrosecond);
// After BM_ReverseAfter1G, whose peak resident memory is the process's (recd's deep stack
// would count there otherwise).
BENCHMARK(BM_HaltBare)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RecdUncounted)->Arg(100'000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
