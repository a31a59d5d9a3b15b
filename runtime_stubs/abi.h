// Go's amd64 calling conventions as the runtime model and the session use them
// (src/cmd/compile/abi-internal.md): ABIInternal's argument registers and the state Go code may
// assume whenever it gets control. ABI0 (Go 1.15; assembly everywhere) passes everything on the
// stack and assumes nothing of registers.
#pragma once

#include <array>
#include <cstdint>

#include "runtime_stubs/guest.h"

namespace gd::rt::abi {

// ABIInternal's integer argument and result registers, in order.
inline constexpr std::array<Reg, 9> kIntRegs = {Reg::RAX, Reg::RBX, Reg::RCX, Reg::RDI, Reg::RSI,
                                                Reg::R8,  Reg::R9,  Reg::R10, Reg::R11};

// Before Go code runs (a function's entry, the return from a call the model made): under
// ABIInternal R14 holds g and X15 is zero. Nothing under ABI0.
inline void enterGoCode(Guest& g, bool registerAbi, uint64_t gAddr) {
  if (!registerAbi) return;
  g.setReg(Reg::R14, gAddr);
  g.zeroX15();
}

} // namespace gd::rt::abi
