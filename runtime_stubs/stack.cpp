// morestack / morestack_noctxt and newstack (src/runtime/asm_amd64.s, stack.go). The goroutine
// stack starts at _StackMin (2 KiB) and doubles when a prologue finds it too small. Go copies
// the frames to a new allocation; we reserve the address range below the stack instead and
// extend the mapping downward, so the frames stay where they are (the observable facts, stack
// bounds, sizes, the overflow limit and message, are Go's).
#include <fmt/format.h>

#include "loader/pctab.h"
#include "runtime_stubs/runtime.h"

namespace gd::rt {
namespace {

constexpr uint64_t kPage = 0x1000;
uint64_t roundDown(uint64_t v, uint64_t a) {
  return v / a * a;
}

} // namespace

StubResult Runtime::morestackNoctxt(Guest& g, Call& c) {
  g.setReg(Reg::RDX, 0); // morestack_noctxt: no closure context to preserve
  return morestack(g, c);
}

StubResult Runtime::morestack(Guest& g, Call& c) {
  // [SP] is the return address into f (its `JMP f` after the call); f's SP is SP+8.
  uint64_t fPc = c.returnAddress();
  uint64_t fSp = c.callerSp();
  uint64_t oldSize = run_.stackHi - run_.stackLo;
  uint64_t newSize = oldSize * 2;
  if (prof_.morestackFitsFrame) {
    // Go 1.19+ (stack.go newstack): make sure the new stack fits f's largest frame.
    uint64_t maxDelta = 0;
    if (auto id = img_.symbolAt(fPc); id && img_.obj->sym(*id).func) {
      auto sp = loader::PcTable::decode(img_.obj->sym(*id).func->pcsp);
      for (const auto& r : sp.ranges)
        maxDelta = std::max<uint64_t>(maxDelta, uint64_t(r.value));
    }
    uint64_t needed = maxDelta + prof_.stackGuard;
    uint64_t used = run_.stackHi - fSp;
    while (newSize - used < needed)
      newSize *= 2;
  }
  if (newSize > opts_.maxStack) return stackOverflow(g, fSp, newSize);
  uint64_t newLo = run_.stackHi - newSize;
  uint64_t mapLo = roundDown(newLo, kPage);
  if (mapLo < run_.mappedLo) {
    if (!g.mapRW(mapLo, run_.mappedLo - mapLo)) return fault("morestack: cannot map the new stack");
    run_.mappedLo = mapLo;
  }
  run_.stackLo = newLo;
  g.put64(kGAddr + prof_.g.stackLo, newLo);
  g.put64(kGAddr + prof_.g.stackguard0, newLo + prof_.stackGuard);
  g.put64(kGAddr + prof_.g.stackguard1, newLo + prof_.stackGuard);
  RuntimeEvent e{RuntimeEventKind::StackGrown, c.name()};
  e.pc = c.callSite();
  e.sp = fSp;
  e.oldSize = oldSize;
  e.newSize = newSize;
  e.stackLo = newLo;
  e.stackHi = run_.stackHi;
  if (observed()) e.fnName = img_.describe(fPc);
  emit(std::move(e));
  // Resume f's `JMP f`: the prologue runs again and now passes.
  return returnToCaller(g);
}

StubResult Runtime::stackOverflow(Guest& g, uint64_t sp, uint64_t newSize) {
  // stack.go newstack: the limit message, then throw("stack overflow").
  output(fmt::format("runtime: goroutine stack exceeds {}-byte limit\n", opts_.maxStack));
  output(fmt::format("runtime: sp={:#x} stack=[{:#x}, {:#x}]\n", sp, run_.stackLo, run_.stackHi));
  output("fatal error: stack overflow\n\n");
  return {StubStatus::Exit, 2,
          fmt::format("goroutine stack exceeds {}-byte limit (a stack of {} bytes was needed)",
                      opts_.maxStack, newSize)};
}

} // namespace gd::rt
