// The one stack walker. Go code is unwound as Go's own traceback does it
// (src/runtime/traceback.go): the function's pcsp table gives the SP delta at a pc, the return
// address sits just below the caller's SP. Frames of the runtime models (the extern area) are
// described by the model itself (Runtime::unwind adds them). The runtime's panics, recover and
// tracebacks and the debugger's backtraces, `finish` and variable lookup all walk through it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loader/image.h"
#include "loader/pctab.h"

namespace gd::rt {

struct Frame {
  uint64_t pc = 0;                 // frame 0: where it executes; outer frames: the return address
  uint64_t sp = 0;                 // SP while in the frame
  uint64_t cfa = 0;                // the caller's SP, just above the return address (Go's frame.fp)
  uint64_t lr = 0;                 // the return address, [cfa - 8] (0 when unreadable)
  std::optional<loader::SymId> fn; // the Go function; nullopt in a runtime model's frame
  std::string name;                // "main.c", "runtime.gopanic"
  bool model = false;              // a runtime model's frame (the extern area)
  // Go 1.15's jmpdefer: the deferred call returned onto `CALL runtime.deferreturn` itself.
  bool jmpdefer = false;
  // The pc whose line and variable locations describe the frame: pc for frame 0 and jmpdefer
  // frames, the CALL (pc - 1) for the others.
  uint64_t lookupPc = 0;
};

// Facts of the loaded Go code the walk needs, decoded once per function.
class StackWalker {
public:
  explicit StackWalker(const loader::Image& img) : img_(img) {}

  // The SP delta at `pc` (bytes below the return address) from the function's pcsp table; 0 in
  // the extern area; nullopt outside Go code or past the table.
  std::optional<int64_t> spDelta(uint64_t pc) const;
  // The caller's SP of the frame executing at pc with stack pointer sp.
  std::optional<uint64_t> cfa(uint64_t pc, uint64_t sp) const {
    auto d = spDelta(pc);
    if (!d) return std::nullopt;
    return sp + uint64_t(*d) + 8;
  }
  // The address of fn's `CALL runtime.deferreturn` (the linker's FuncInfo.deferreturn, found
  // from the call's relocation), 0 when it has none.
  uint64_t deferreturnCall(loader::SymId fn) const;
  // The same for the function containing pc.
  uint64_t deferreturnCallAt(uint64_t pc) const {
    auto id = img_.symbolAt(pc);
    return id ? deferreturnCall(*id) : 0;
  }

  // One Go frame at (pc, sp): fn, name, cfa, lookupPc. `outer` when pc is a return address;
  // `jmpdeferReturns` when the release's deferreturn returns deferred calls onto its own CALL.
  // nullopt when pc is not in Go code with a pcsp table.
  std::optional<Frame> goFrame(uint64_t pc, uint64_t sp, bool outer, bool jmpdeferReturns) const;

private:
  const loader::PcTable* table(loader::SymId id) const;

  const loader::Image& img_;
  mutable std::vector<std::optional<loader::PcTable>> tables_;
  mutable std::vector<std::optional<uint64_t>> deferreturn_;
};

} // namespace gd::rt
