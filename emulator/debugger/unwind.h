// Stack frames for the debugger: unwound with the objects' pcsp tables (FuncInfo::pcsp, the
// SP delta at every pc, as Go's own unwinder uses them) through the runtime models' frames in the
// extern area (listings get a pcsp table derived from their instructions by the loader).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "emulator/engine/session.h"
#include "loader/pctab.h"

namespace gd::emu {

struct Frame {
  int index = 0;
  uint64_t pc = 0;                 // frame 0: RIP; outer frames: the return address
  uint64_t sp = 0;                 // SP while in this frame
  uint64_t cfa = 0;                // the caller's SP: just above the return address
  std::optional<loader::SymId> fn; // the Go function (text); nullopt for runtime models
  std::string name;                // "main.c", "runtime.deferreturn"
  bool runtime = false;            // a runtime model (the extern area)
  // The pc whose line and variable locations describe the frame: pc for frame 0, the CALL for
  // outer frames (return address - 1), or the return address itself when jmpdefer made the
  // deferred call return onto `CALL runtime.deferreturn` (Go 1.15).
  uint64_t lookupPc = 0;
  bool jmpdefer = false;
  std::string file; // base name
  int line = 0;
};

class Unwinder {
public:
  explicit Unwinder(Session& s) : s_(s) {}

  // The SP delta at pc (bytes below the return address), from pcsp; 0 in runtime models.
  std::optional<int64_t> spDelta(uint64_t pc);
  // Canonical frame address of the frame executing at pc with stack pointer sp.
  std::optional<uint64_t> cfa(uint64_t pc, uint64_t sp) {
    auto d = spDelta(pc);
    if (!d) return std::nullopt;
    return sp + uint64_t(*d) + 8;
  }
  // Frames from the current registers, innermost first, up to the called function.
  std::vector<Frame> frames(size_t max = 256);
  // Source position of pc: base file name and line; line 0 when unknown.
  std::pair<std::string, int> position(uint64_t pc);

private:
  const loader::PcTable* table(loader::SymId id);

  Session& s_;
  std::vector<std::optional<loader::PcTable>> tables_;
};

} // namespace gd::emu
