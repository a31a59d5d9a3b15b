// Open-coded defers (optimised builds, Go 1.14+): the frame keeps a deferBits byte and the
// closures in stack slots; FUNCDATA_OpenCodedDeferInfo says where (docs/go-internals.md §9.4):
//   Go 1.15:      maxargsize, deferBitsOffset, nDefers, then per defer (last first):
//                 argWidth, closureOffset, nArgs, nArgs × (argOffset, argLen, argCallOffset)
//   Go 1.19-1.21: deferBitsOffset, nDefers, then closureOffset per defer (last first)
//   Go 1.22+:     deferBitsOffset, slotsOffset; slot i at varp - slotsOffset + 8i
// Offsets are subtracted from varp (the frame's saved-BP slot). runOpenDeferFrame and
// _panic.nextDefer run the highest set bit first, clearing it before the call.
#include <fmt/format.h>

#include "runtime_stubs/abi.h"
#include "runtime_stubs/runtime.h"

namespace gd::rt {

uint64_t Runtime::deferBitsAddr(const Guest& g, uint64_t fd, uint64_t varp) const {
  uint64_t q = fd;
  if (prof_.openDefers == OpenDeferInfo::ArgsPerSlot) g.uvarint(q); // maxargsize
  return varp - g.uvarint(q);
}

std::optional<Runtime::OpenSlot> Runtime::takeOpenSlot(Guest& g, uint64_t fd, uint64_t varp) const {
  uint64_t q = fd;
  if (prof_.openDefers == OpenDeferInfo::ArgsPerSlot) g.uvarint(q); // maxargsize
  uint64_t bitsAddr = varp - g.uvarint(q);
  uint8_t bits = g.u8(bitsAddr).value_or(0);
  if (!bits) return std::nullopt;
  OpenSlot slot;
  int taken = -1;
  if (prof_.openDefers == OpenDeferInfo::SlotArray) {
    uint64_t slotsOff = g.uvarint(q);
    for (int i = 7; i >= 0 && taken < 0; i--)
      if (bits & (1 << i)) taken = i;
    slot.closure = g.u64(varp - slotsOff + 8 * uint64_t(taken)).value_or(0);
  } else {
    uint64_t n = g.uvarint(q);
    for (int i = int(n) - 1; i >= 0; i--) {
      uint64_t width = 0, closureOff, nArgs = 0;
      if (prof_.openDefers == OpenDeferInfo::ArgsPerSlot) {
        width = g.uvarint(q);
        closureOff = g.uvarint(q);
        nArgs = g.uvarint(q);
      } else {
        closureOff = g.uvarint(q);
      }
      std::vector<std::array<uint64_t, 3>> args(nArgs);
      for (auto& a : args)
        for (auto& x : a)
          x = g.uvarint(q);
      if (taken >= 0 || !(bits & (1 << i))) continue;
      taken = i;
      slot.closure = g.u64(varp - closureOff).value_or(0);
      slot.argWidth = width;
      slot.args = std::move(args);
    }
  }
  if (taken < 0) return std::nullopt;
  g.put8(bitsAddr, uint8_t(bits & ~(1 << taken)));
  return slot;
}

StubResult Runtime::enterClosure(Guest& g, uint64_t sp, uint64_t returnTo, uint64_t fn) {
  auto code = g.u64(fn);
  if (!fn || !code) return fault(fmt::format("call of a nil or unreadable funcval {:#x}", fn));
  g.put64(sp, returnTo);
  g.setReg(Reg::RSP, sp);
  g.setReg(Reg::RDX, fn);
  g.setReg(Reg::RIP, *code);
  abi::enterGoCode(g, prof_.registerAbi, kGAddr);
  return {};
}

// Go loads the code pointer of the func value in the runtime function that makes the deferred
// call (jmpdefer's `MOVQ 0(DX), BX`, deferreturn's and gopanic's `fn()`), so a nil func value
// faults there: a signal in that frame, which sigpanic turns into the recoverable
// `invalid memory address or nil pointer dereference` (a non-nil unreadable pointer: a fatal
// `unexpected fault address`). The spec: "if a deferred function value evaluates to nil,
// execution panics when the function is invoked, not when the defer statement is executed".
StubResult Runtime::deferredCallFault(Guest& g, uint64_t frameSp, uint64_t fn) {
  g.setReg(Reg::RSP, frameSp);
  return memoryFault(g, g.reg(Reg::RIP), fn);
}

StubResult Runtime::resumeRecovered(Guest& g, uint64_t sp, uint64_t pc,
                                    std::optional<uint64_t> bp) {
  RuntimeEvent e{RuntimeEventKind::PanicRecovered, "runtime.gopanic"};
  e.pc = pc;
  e.sp = sp;
  if (observed()) e.fnName = img_.describe(pc);
  e.chain = chainNames(g);
  emit(std::move(e));
  g.setReg(Reg::RSP, sp);
  g.setReg(Reg::RIP, pc);
  if (prof_.deferprocReturnsFlag) g.setReg(Reg::RAX, 1); // deferproc "returns" 1
  if (bp) g.setReg(Reg::RBP, *bp);
  abi::enterGoCode(g, prof_.registerAbi, kGAddr);
  return {};
}

} // namespace gd::rt
