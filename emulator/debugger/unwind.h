// Stack frames for the debugger: the runtime's stack walk (runtime_stubs/unwind.h: Go code by
// its pcsp tables, the runtime models' frames as the model knows them) from the current
// registers, each frame annotated with its index and source position.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emulator/engine/session.h"
#include "runtime_stubs/unwind.h"

namespace gd::emu {

struct Frame : rt::Frame {
  int index = 0;
  std::string file; // base name
  int line = 0;
};

class Unwinder {
public:
  explicit Unwinder(Session& s) : s_(s) {}

  // Canonical frame address (the caller's SP) of the frame executing at pc with stack pointer sp.
  std::optional<uint64_t> cfa(uint64_t pc, uint64_t sp) const {
    return s_.runtime().walker().cfa(pc, sp);
  }
  // Frames from the current registers, innermost first, up to the called function.
  std::vector<Frame> frames(size_t max = 256);
  // Frames of code stopped at pc with stack pointer sp (a goroutine that is not running).
  std::vector<Frame> frames(uint64_t pc, uint64_t sp, size_t max = 256);
  // Source position of pc: base file name and line; line 0 when unknown.
  std::pair<std::string, int> position(uint64_t pc);

private:
  Session& s_;
};

} // namespace gd::emu
