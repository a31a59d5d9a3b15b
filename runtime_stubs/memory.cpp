// Heap allocation and write barriers (src/runtime/malloc.go, mbarrier.go, asm_amd64.s).
#include <fmt/format.h>

#include "runtime_stubs/runtime.h"

namespace gd::rt {

// newobject(typ *_type) unsafe.Pointer: a zeroed object of typ.size (the first word of the
// type descriptor); size 0 gets runtime.zerobase's address in Go, any fixed non-nil address.
StubResult Runtime::newobject(Guest& g, Call& c) {
  auto typ = c.intArg();
  if (!typ) return fault("newobject: cannot read its argument");
  auto size = g.u64(*typ);
  if (!size) return fault(fmt::format("newobject: cannot read the type descriptor at {:#x}", *typ));
  auto p = alloc(g, *size);
  if (!p) return fault("newobject: heap exhausted");
  RuntimeEvent e{RuntimeEventKind::Alloc, c.name()};
  e.pc = c.callSite();
  e.record = *p;
  e.newSize = *size;
  if (observed()) e.fnName = img_.describe(*typ);
  emit(std::move(e));
  c.intResult(*p);
  return returnToCaller(g);
}

// mallocgc(size uintptr, typ *_type, needzero bool) unsafe.Pointer.
StubResult Runtime::mallocgc(Guest& g, Call& c) {
  auto size = c.intArg();
  auto typ = c.intArg();
  auto needzero = c.intArg();
  if (!size || !typ || !needzero) return fault("mallocgc: cannot read its arguments");
  auto p = alloc(g, *size);
  if (!p) return fault("mallocgc: heap exhausted");
  emitAlloc(c, *p, *size);
  c.intResult(*p);
  return returnToCaller(g);
}

// Go 1.15-1.19 gcWriteBarrier: *DI = AX (the CX/BX/DX variants take the value from that
// register). We keep runtime.writeBarrier.enabled zero, as a program without a running GC
// sees it, so compiled code never calls these; they are modelled for completeness.
StubResult Runtime::gcWriteBarrier(Guest& g, Call& c) {
  Reg src = Reg::RAX;
  if (c.name().ends_with("CX"))
    src = Reg::RCX;
  else if (c.name().ends_with("BX"))
    src = Reg::RBX;
  else if (c.name().ends_with("DX"))
    src = Reg::RDX;
  else if (c.name().ends_with("BP"))
    src = Reg::RBP;
  else if (c.name().ends_with("SI"))
    src = Reg::RSI;
  else if (c.name().ends_with("R8"))
    src = Reg::R8;
  else if (c.name().ends_with("R9"))
    src = Reg::R9;
  if (!g.put64(g.reg(Reg::RDI), g.reg(src)))
    return fault(fmt::format("{}: cannot write at {:#x}", c.name(), g.reg(Reg::RDI)));
  return returnToCaller(g);
}

// Go 1.21+ gcWriteBarrierN: reserves N pointer slots in the write-barrier buffer and returns
// them in R11; the caller stores into them. A private buffer does the same for us.
StubResult Runtime::gcWriteBarrierN(Guest& g, Call& c) {
  int n = c.name().back() - '0';
  auto buf = alloc(g, uint64_t(n) * 8);
  if (!buf) return fault("gcWriteBarrier: heap exhausted");
  g.setReg(Reg::R11, *buf);
  return returnToCaller(g);
}

void Runtime::emitAlloc(const Call& c, uint64_t addr, uint64_t size) {
  RuntimeEvent e{RuntimeEventKind::Alloc, c.name()};
  e.pc = c.callSite();
  e.record = addr;
  e.newSize = size;
  emit(std::move(e));
}

} // namespace gd::rt

namespace gd::rt {

// makeslice(et *_type, len, cap int) unsafe.Pointer (slice.go): a zeroed backing array of cap
// elements, or Go's runtime errors for impossible lengths.
StubResult Runtime::makeslice(Guest& g, Call& c) {
  auto et = c.intArg(), len = c.intArg(), cap = c.intArg();
  if (!et || !len || !cap) return fault("makeslice: cannot read its arguments");
  uint64_t size = g.u64(*et).value_or(0);
  constexpr uint64_t kMaxAlloc = 1ull << 48; // malloc.go maxAlloc on linux/amd64
  auto tooBig = [&](int64_t n) { return n < 0 || (size && uint64_t(n) > kMaxAlloc / size); };
  if (tooBig(int64_t(*cap)) || int64_t(*len) > int64_t(*cap)) {
    if (tooBig(int64_t(*len))) return raise(g, c, "makeslice: len out of range");
    return raise(g, c, "makeslice: cap out of range");
  }
  auto p = alloc(g, size * *cap);
  if (!p) {
    output("fatal error: out of memory\n");
    return {StubStatus::Exit, 2, fmt::format("out of memory allocating {} bytes", size * *cap)};
  }
  c.intResult(*p);
  return returnToCaller(g);
}

} // namespace gd::rt
