// Running a function of an object in-process and collecting what the guest printed: shared by
// the per-program corpus (run_test.cpp) and the Go test corpus (corpus_test.cpp).
#pragma once

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "emulator/engine/session.h"
#include "support.h"

namespace gd::test {

struct Collect : emu::EventSink {
  std::vector<emu::Event> events;
  std::string guestErr;      // what the guest wrote to fd 2 (print, println, panics)
  std::string guestOut;      // ... and to fd 1
  bool runtimeEvents = true; // false: as -q, the runtime model describes nothing
  bool keepEvents = true;    // false: only the guest's output is kept
  bool wantsRuntimeEvents() const override { return runtimeEvents; }
  void onEvent(const emu::Event& e) override {
    if (auto* o = std::get_if<rt::GuestOutput>(&e)) (o->fd == 1 ? guestOut : guestErr) += o->bytes;
    if (keepEvents) events.push_back(e);
  }
  template <class T> std::vector<T> all() const {
    std::vector<T> out;
    for (const auto& e : events)
      if (auto* x = std::get_if<T>(&e)) out.push_back(*x);
    return out;
  }
};

struct RunResult {
  emu::StopReason stop;
  std::vector<emu::Value> results;
  std::string guestErr;
  std::string guestOut;
  std::string error; // the object could not be opened or the function started
};

// Runs fn of object to its end under so; failing to open or start is an error in the result.
inline RunResult runFunctionWith(const std::string& object, const std::string& fn,
                                 const emu::SessionOptions& so, std::vector<emu::Arg> args = {},
                                 bool quiet = false) {
  RunResult r;
  auto s = emu::Session::open(object, so);
  if (!s) {
    r.error = s.error().message;
    return r;
  }
  Collect c;
  c.runtimeEvents = !quiet;
  c.keepEvents = !quiet;
  (*s)->addSink(&c);
  auto started = (*s)->start(fn, args);
  if (!started) {
    r.error = started.error().message;
    return r;
  }
  r.stop = (*s)->run();
  r.results = (*s)->results();
  r.guestErr = std::move(c.guestErr);
  r.guestOut = std::move(c.guestOut);
  return r;
}

// As runFunctionWith, failing the test when the object cannot be opened or fn started.
inline RunResult runFunction(const std::string& object, const std::string& fn,
                             std::vector<emu::Arg> args = {}, bool trace = false) {
  emu::SessionOptions so;
  so.trace = trace;
  so.sourceDirs = {root() + "/tests/programs"};
  RunResult r = runFunctionWith(object, fn, so, std::move(args));
  EXPECT_TRUE(r.error.empty()) << r.error;
  if (!r.error.empty()) return {};
  return r;
}

// Go's crash output is compared up to the goroutine traceback (its addresses and argument
// words are the native binary's), and the pc in a `[signal ...]` line is the native one.
inline std::string upToTraceback(const std::string& s) {
  std::string out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("goroutine ")) break;
    if (auto pc = line.find(" pc=0x"); line.starts_with("[signal ") && pc != std::string::npos)
      line = line.substr(0, pc) + " pc=?]";
    out += line + "\n";
  }
  return out;
}

} // namespace gd::test
