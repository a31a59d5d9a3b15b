// Emulator throughput and start-up, on fixtures made by the real Go toolchains:
//   BM_SpinUntraced  spin(n) with SessionOptions{trace=false} (what -q does)
//   BM_SpinText      spin(n) traced, the text trace written to a stream that discards it
//   BM_SpinJson      spin(n) traced, JSON lines to the same kind of stream
//   BM_StartupDeferr Session::open + start + run of deferr.o `c` (the seed, go1.15-darwin)
// The throughput benchmarks time only run() (open and start are paused) and report
// instructions per second as the counter `insns/s`.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <streambuf>
#include <string>

#include "emulator/session.h"
#include "emulator/sinks.h"

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

void runSpin(benchmark::State& state, bool trace, Sink kind) {
  const int64_t n = state.range(0);
  const std::string path = spinObject();
  NullStream out, err;
  uint64_t insns = 0, runs = 0;
  for (auto _ : state) {
    state.PauseTiming();
    SessionOptions so;
    so.trace = trace;
    so.maxInstructions = 2'000'000'000;
    auto s = Session::open(path, so);
    if (!s) {
      state.SkipWithError(("open: " + s.error().message).c_str());
      break;
    }
    std::unique_ptr<EventSink> sink;
    TextTrace* text = nullptr;
    if (kind == Sink::Text) {
      auto t = std::make_unique<TextTrace>(out, err, TextTraceOptions{});
      text = t.get();
      sink = std::move(t);
    } else if (kind == Sink::Json) {
      sink = std::make_unique<JsonTrace>(out, err);
    } else {
      sink = std::make_unique<QuietSink>(err);
    }
    (*s)->addSink(sink.get());
    if (auto r = (*s)->start("spin", {n}); !r) {
      state.SkipWithError(("start: " + r.error().message).c_str());
      break;
    }
    state.ResumeTiming();
    StopReason stop = (*s)->run();
    if (text) text->finish();
    if (stop.kind != StopKind::Returned) {
      state.SkipWithError(("run: " + stop.message).c_str());
      break;
    }
    benchmark::DoNotOptimize((*s)->results());
    insns += (*s)->instructions();
    runs++;
  }
  state.counters["insns/s"] = benchmark::Counter(double(insns), benchmark::Counter::kIsRate);
  state.counters["insns/run"] = runs ? double(insns) / double(runs) : 0.0;
}

void BM_SpinUntraced(benchmark::State& state) {
  runSpin(state, false, Sink::Quiet);
}
void BM_SpinText(benchmark::State& state) {
  runSpin(state, true, Sink::Text);
}
void BM_SpinJson(benchmark::State& state) {
  runSpin(state, true, Sink::Json);
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
}

} // namespace

BENCHMARK(BM_SpinUntraced)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SpinText)->Arg(10'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SpinJson)->Arg(10'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StartupDeferr)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
