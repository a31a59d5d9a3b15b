// Where a call's parameters and results go under the object's calling convention: Go's
// register ABI (ABIInternal, Go 1.17+ on amd64: cmd/compile/internal/abi, the "Function call
// argument and result passing" section of the ABI spec) or ABI0 (every value on the stack).
#pragma once

#include <cstdint>
#include <vector>

#include "runtime_stubs/types.h"

namespace gd::emu {

// A part of a value in a register: bytes [offset, offset+size) of the value's memory form in
// integer register `reg` (an index into RAX, RBX, RCX, RDI, RSI, R8, R9, R10, R11) or in the
// low bytes of X`reg`.
struct RegPiece {
  uint32_t offset = 0, size = 0;
  bool isFloat = false;
  int reg = 0;
};

struct Placement {
  bool inRegisters = false;
  std::vector<RegPiece> pieces; // inRegisters: in the order the ABI assigns them
  uint64_t stackOffset = 0;     // otherwise: from the argument area's start (entry SP + 8)
};

struct CallLayout {
  std::vector<Placement> params, results;
  uint64_t areaSize = 0; // the stack argument area, parameters and results, in bytes
};

inline constexpr int kAbiIntRegs = 9, kAbiFloatRegs = 15;

// The placement of each parameter and result of types `params` and `results` (all known).
CallLayout layoutCall(const std::vector<const rt::GoType*>& params,
                      const std::vector<const rt::GoType*>& results, bool registerAbi);

} // namespace gd::emu
