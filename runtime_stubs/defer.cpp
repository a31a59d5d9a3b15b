// deferprocStack, deferproc and deferreturn as src/runtime/panic.go of each release does them
// (docs/go-internals.md §9). Records live in guest memory with the release's _defer layout and
// are chained through g._defer, so compiled code, a debugger and the models all see one chain.
#include <fmt/format.h>

#include "runtime_stubs/runtime.h"
#include "runtime_stubs/types.h"

namespace gd::rt {
namespace {

void putBool(Guest& g, uint64_t rec, int32_t off, bool v) {
  if (off >= 0) g.put8(rec + uint64_t(off), v ? 1 : 0);
}
void putWord(Guest& g, uint64_t rec, int32_t off, uint64_t v) {
  if (off >= 0) g.put64(rec + uint64_t(off), v);
}

// deferproc and deferprocStack are Go functions with a frame: their prologue saves the caller's
// BP just below the return address, where Go 1.21's recovery reads it back ([d.sp - 16]).
void savePrologueBp(Guest& g, Runtime::Call& c) {
  g.put64(c.entrySp() - 8, g.reg(Reg::RBP));
}

} // namespace

// Go 1.15: deferprocStack(d *_defer), d on the stack; the caller filled siz, fn and the
// arguments after the header. Go 1.18+: d in AX; the caller filled fn.
StubResult Runtime::deferprocStack(Guest& g, Call& c) {
  auto d = c.intArg();
  if (!d || !*d) return fault("deferprocStack: no _defer record argument");
  const DeferLayout& L = prof_.defer;
  putBool(g, *d, L.started, false);
  putBool(g, *d, L.heap, false);
  putBool(g, *d, L.openDefer, false);
  putBool(g, *d, L.rangefunc, false);
  putWord(g, *d, int32_t(L.sp), c.callerSp());
  putWord(g, *d, int32_t(L.pc), c.returnAddress());
  putWord(g, *d, L.framepc, 0);
  putWord(g, *d, L.varp, 0);
  putWord(g, *d, L.panic, 0);
  putWord(g, *d, L.fd, 0);
  putWord(g, *d, L.head, 0);
  return pushDefer(g, c, *d, false, L.siz >= 0 ? g.u32(*d + uint64_t(L.siz)).value_or(0) : 0);
}

// Both deferprocs end alike: the record goes on g._defer, and up to Go 1.24 they "return0"
// (AX = 0), so the caller's TESTL AX, AX falls through; from Go 1.25 they return nothing.
StubResult Runtime::pushDefer(Guest& g, Call& c, uint64_t d, bool heap, uint64_t argBytes) {
  savePrologueBp(g, c);
  g.put64(d + prof_.defer.link, g.u64(kGAddr + prof_.g.defer).value_or(0));
  linkDefer(g, kGAddr + prof_.g.defer, d, +1);
  RuntimeEvent e = deferEvent(g, RuntimeEventKind::DeferRegistered, c.name(), c.callSite(), d,
                              c.callerSp(), g.u64(d + prof_.defer.fn).value_or(0));
  e.heap = heap;
  e.argBytes = argBytes;
  emit(std::move(e));
  if (prof_.deferprocReturnsFlag) g.setReg(Reg::RAX, 0); // return0()
  return returnToCaller(g);
}

// A deferred call's event: the record, its frame, the function and the chain after the change.
RuntimeEvent Runtime::deferEvent(const Guest& g, RuntimeEventKind kind, std::string stub,
                                 uint64_t pc, uint64_t record, uint64_t sp, uint64_t fn) const {
  RuntimeEvent e{kind, std::move(stub)};
  e.pc = pc;
  e.record = record;
  e.sp = sp;
  e.fn = fn;
  if (!observed()) return e;
  e.fnCode = g.u64(fn).value_or(0);
  e.fnName = funcvalName(g, fn);
  e.chain = chainNames(g);
  return e;
}

// Go 1.15: deferproc(siz int32, fn *funcval, args...). Go 1.18+: deferproc(fn func()).
// The record comes from the heap (newdefer) with heap = true.
StubResult Runtime::deferproc(Guest& g, Call& c) {
  const DeferLayout& L = prof_.defer;
  uint32_t siz = 0;
  if (L.siz >= 0) {
    auto s = c.int32Arg();
    if (!s) return fault("deferproc: cannot read siz");
    siz = *s;
  }
  auto fn = c.intArg();
  if (!fn) return fault("deferproc: cannot read fn");
  auto d = alloc(g, L.size + siz);
  if (!d) return fault("deferproc: heap exhausted");
  if (siz) { // the arguments follow fn in the caller's outgoing area
    if (!g.copy(*d + L.size, c.entrySp() + 24, siz))
      return fault("deferproc: cannot copy the deferred call's arguments");
    g.put32(*d + uint64_t(L.siz), siz);
  }
  putBool(g, *d, L.heap, true);
  g.put64(*d + L.fn, *fn);
  g.put64(*d + L.sp, c.callerSp());
  g.put64(*d + L.pc, c.returnAddress());
  return pushDefer(g, c, *d, true, siz);
}

StubResult Runtime::deferreturn(Guest& g, Call& c) {
  if (c.continuation() && !run_.deferreturnResume.empty() &&
      run_.deferreturnResume.back().first == g.reg(Reg::RSP)) {
    // An open-coded call with stack arguments returned: back to deferreturn's own SP.
    g.setReg(Reg::RSP, run_.deferreturnResume.back().second);
    run_.deferreturnResume.pop_back();
    Call again(*this, g, c.name(), true);
    return deferreturn(g, again);
  }
  return prof_.deferReturn == DeferReturnStyle::JmpDefer ? deferreturnJmp(g, c)
                                                         : deferreturnLoop(g, c);
}

// runOpenDeferFrame for deferreturn: the caller's frame has open-coded defers left (after a
// recovery); run the highest set bit, returning into our slot, until none are left. `d` is the
// Go 1.15-1.21 record standing for the frame (unlinked when done), 0 for Go 1.22+.
StubResult Runtime::deferreturnOpen(Guest& g, Call& c, uint64_t d) {
  if (auto called = runOpenSlot(g, c, d)) return *called;
  linkDefer(g, kGAddr + prof_.g.defer, g.u64(d + prof_.defer.link).value_or(0), -1);
  return deferreturnDone(g, c);
}

StubResult Runtime::deferreturnDone(Guest& g, Call& c) {
  RuntimeEvent e{RuntimeEventKind::DeferReturnDone, c.name()};
  e.pc = c.callSite();
  e.sp = c.callerSp();
  e.chain = chainNames(g);
  emit(std::move(e));
  return returnToCaller(g);
}

std::optional<StubResult> Runtime::runOpenSlot(Guest& g, Call& c, uint64_t d) {
  auto frames = unwind(g, c.returnAddress(), c.callerSp(), 1);
  uint64_t fd = 0;
  if (frames.empty() || !openDeferInfo(g, c.returnAddress(), fd))
    return fault("deferreturn: the caller's frame has no open-coded defer information");
  uint64_t varp = frames[0].cfa - 16;
  auto slot = takeOpenSlot(g, fd, varp);
  if (!slot) return std::nullopt; // the frame is done
  uint64_t entry = c.entrySp();
  uint64_t calleeSp = entry - 8;
  if (!callable(g, slot->closure)) return deferredCallFault(g, entry, slot->closure);
  if (slot->argWidth) { // Go 1.15: the arguments go below our frame, restored on return
    calleeSp = entry - 8 - ((slot->argWidth + 7) & ~uint64_t(7));
    for (const auto& [argOff, argLen, callOff] : slot->args) {
      g.copy(calleeSp + 8 + callOff, varp - argOff, argLen);
    }
    run_.deferreturnResume.push_back({calleeSp + 8, entry});
  }
  uint64_t slotAddr = img_.address(*img_.externAt(g.reg(Reg::RIP)));
  RuntimeEvent e = deferEvent(g, RuntimeEventKind::DeferRun, c.name(), c.callSite(), d,
                              c.callerSp(), slot->closure);
  e.fnName += " (open-coded)";
  e.returnTo = slotAddr + 8;
  e.unlinked = false; // Go 1.15-1.21: the frame's record goes when its last slot has run
  emit(std::move(e));
  return enterClosure(g, calleeSp, slotAddr + 8, slot->closure);
}

// Go 1.15: deferreturn(arg0) runs one record of the caller's frame and leaves through
// jmpdefer, which makes the deferred function return onto the caller's `CALL deferreturn`, so
// the call repeats until the frame has no records left.
StubResult Runtime::deferreturnJmp(Guest& g, Call& c) {
  const DeferLayout& L = prof_.defer;
  uint64_t argp = c.callerSp();
  uint64_t d = g.u64(kGAddr + prof_.g.defer).value_or(0);
  uint64_t dsp = d ? g.u64(d + L.sp).value_or(0) : 0;
  if (!d || dsp != argp) return deferreturnDone(g, c);
  if (L.openDefer >= 0 && g.u8(d + uint64_t(L.openDefer)).value_or(0))
    return deferreturnOpen(g, c, d);
  uint32_t siz = g.u32(d + uint64_t(L.siz)).value_or(0);
  if (siz) {
    if (!g.copy(argp, d + L.size, siz))
      return fault("deferreturn: cannot copy the deferred call's arguments");
  }
  uint64_t fn = g.u64(d + L.fn).value_or(0);
  linkDefer(g, kGAddr + prof_.g.defer, g.u64(d + L.link).value_or(0), -1);
  RuntimeEvent e = deferEvent(g, RuntimeEventKind::DeferJmp, c.name(), c.callSite(), d, argp, fn);
  e.argBytes = siz;
  e.returnTo = c.callSite();
  emit(std::move(e));
  if (!callable(g, fn)) { // jmpdefer has already set SP and the return address
    g.put64(argp - 8, c.callSite());
    return deferredCallFault(g, argp - 8, fn);
  }
  // jmpdefer(fn, argp): SP = argp - 8 (the slot of deferreturn's return address), which now
  // holds the address of the CALL; DX = fn; jump to the code.
  return enterClosure(g, argp - 8, c.callSite(), fn);
}

// Go 1.18+: deferreturn() calls each of the frame's deferred closures in turn (DX = the
// closure, g in R14, X15 = 0). The closure returns into the middle of our slot, which resumes
// the loop, so a backtrace inside the deferred call shows runtime.deferreturn below it.
StubResult Runtime::deferreturnLoop(Guest& g, Call& c) {
  const DeferLayout& L = prof_.defer;
  uint64_t callerSp = c.callerSp();
  // Go 1.22+: after a recovery in a frame with open-coded defers, the slots still set run first
  // (the state recovery saves in gp.param). Only the recovery landing pad calls deferreturn in
  // such frames, so the frame's deferBits are exactly that state.
  uint64_t fd;
  if (prof_.panicWalk == PanicWalk::NextFrame && openDeferInfo(g, c.returnAddress(), fd))
    if (auto called = runOpenSlot(g, c, 0)) return *called;
  uint64_t d = g.u64(kGAddr + prof_.g.defer).value_or(0);
  uint64_t dsp = d ? g.u64(d + L.sp).value_or(0) : 0;
  // A range-over-func loop's record: its list takes its place, then the records are run.
  while (d && dsp == callerSp && deferconvert(g, d)) {
    d = g.u64(kGAddr + prof_.g.defer).value_or(0);
    dsp = d ? g.u64(d + L.sp).value_or(0) : 0;
  }
  if (!d || dsp != callerSp) return deferreturnDone(g, c);
  if (L.openDefer >= 0 && g.u8(d + uint64_t(L.openDefer)).value_or(0))
    return deferreturnOpen(g, c, d);
  uint64_t fn = g.u64(d + L.fn).value_or(0);
  linkDefer(g, kGAddr + prof_.g.defer, g.u64(d + L.link).value_or(0), -1);
  uint64_t slot = img_.address(*img_.externAt(g.reg(Reg::RIP)));
  RuntimeEvent e =
      deferEvent(g, RuntimeEventKind::DeferRun, c.name(), c.callSite(), d, callerSp, fn);
  e.heap = L.heap >= 0 && g.u8(d + uint64_t(L.heap)).value_or(0);
  e.returnTo = slot + 8;
  emit(std::move(e));
  if (!callable(g, fn)) return deferredCallFault(g, c.entrySp(), fn); // in deferreturn's frame
  return enterClosure(g, g.reg(Reg::RSP) - 8, slot + 8, fn);
}

} // namespace gd::rt

namespace gd::rt {

// ---- range-over-func loops (Go 1.23+, src/runtime/panic.go deferrangefunc/deferprocat/
// deferconvert) ----

// deferrangefunc() any: a record for the caller's frame marked rangefunc, holding a fresh
// atomic list head onto which the loop body's deferprocat pushes; the head is returned as the
// `any` the body passes back (type *atomic.Pointer[_defer]: our own pointer-kind descriptor).
StubResult Runtime::deferrangefunc(Guest& g, Call& c) {
  const DeferLayout& L = prof_.defer;
  if (L.rangefunc < 0 || L.head < 0) return unsupported(g, c.name());
  auto d = alloc(g, L.size);
  auto head = alloc(g, 8);
  auto type = alloc(g, 48);
  if (!d || !head || !type) return fault("deferrangefunc: heap exhausted");
  g.put64(*type + typeoff::Size, 8);
  g.put8(*type + typeoff::Kind, kind::Pointer);
  putBool(g, *d, L.heap, true);
  g.put8(*d + uint64_t(L.rangefunc), 1);
  g.put64(*d + uint64_t(L.head), *head);
  g.put64(*d + L.sp, c.callerSp());
  g.put64(*d + L.pc, prof_.rangefuncPcIsDeferreturn ? walker_.deferreturnCallAt(c.returnAddress())
                                                    : c.returnAddress());
  g.put64(*d + L.link, g.u64(kGAddr + prof_.g.defer).value_or(0));
  linkDefer(g, kGAddr + prof_.g.defer, *d, +1);
  RuntimeEvent e =
      deferEvent(g, RuntimeEventKind::DeferRegistered, c.name(), c.callSite(), *d, c.callerSp(), 0);
  e.fnName = "the range-over-func loop's defers";
  e.heap = true;
  emit(std::move(e));
  c.intResult(*type);
  c.intResult(*head);
  return returnToCaller(g);
}

// deferprocat(fn func(), frame any): like deferproc, onto the loop's list (frame's data word);
// `defer after range func returned` once deferconvert has poisoned the head.
StubResult Runtime::deferprocat(Guest& g, Call& c) {
  const DeferLayout& L = prof_.defer;
  auto fn = c.intArg();
  auto frameType = c.intArg(), head = c.intArg();
  if (!fn || !frameType || !head) return fault("deferprocat: cannot read its arguments");
  auto link = g.u64(*head);
  if (!link) return fault(fmt::format("deferprocat: cannot read the list head {:#x}", *head));
  if (*link == kBadDefer) return fatalError("defer after range func returned");
  auto d = alloc(g, L.size);
  if (!d) return fault("deferprocat: heap exhausted");
  putBool(g, *d, L.heap, true);
  g.put64(*d + L.fn, *fn);
  g.put64(*d + L.link, *link);
  g.put64(*head, *d);
  // The frame the record is for: the one whose rangefunc record holds this head.
  uint64_t frameSp = 0;
  if (observed())
    for (uint64_t x : deferChain(g))
      if (g.u64(x + uint64_t(L.head)).value_or(0) == *head) frameSp = g.u64(x + L.sp).value_or(0);
  RuntimeEvent e =
      deferEvent(g, RuntimeEventKind::DeferRegistered, c.name(), c.callSite(), *d, frameSp, *fn);
  e.heap = true;
  e.fnName += " (on the range-over-func loop's list)";
  emit(std::move(e));
  if (prof_.deferprocReturnsFlag) g.setReg(Reg::RAX, 0); // return0()
  return returnToCaller(g);
}

bool Runtime::deferconvert(Guest& g, uint64_t d0) {
  const DeferLayout& L = prof_.defer;
  if (L.rangefunc < 0 || !g.u8(d0 + uint64_t(L.rangefunc)).value_or(0)) return false;
  uint64_t head = g.u64(d0 + uint64_t(L.head)).value_or(0);
  uint64_t tail = g.u64(d0 + L.link).value_or(0);
  g.put8(d0 + uint64_t(L.rangefunc), 0);
  uint64_t d = head ? g.u64(head).value_or(0) : 0;
  if (head) g.put64(head, kBadDefer);
  uint64_t sp = g.u64(d0 + L.sp).value_or(0), pc = g.u64(d0 + L.pc).value_or(0);
  uint64_t first = d ? d : tail;
  int moved = 0;
  for (uint64_t d1 = d; d1 && moved < 1000000; moved++) {
    g.put64(d1 + L.sp, sp);
    g.put64(d1 + L.pc, pc);
    uint64_t next = g.u64(d1 + L.link).value_or(0);
    if (!next) {
      g.put64(d1 + L.link, tail);
      break;
    }
    d1 = next;
  }
  // d0 is popped with the converted list in its place: g._defer = d (or d0's link).
  if (g.u64(kGAddr + prof_.g.defer).value_or(0) == d0)
    linkDefer(g, kGAddr + prof_.g.defer, first, moved + (d ? 1 : 0) - 1);
  RuntimeEvent e{RuntimeEventKind::Call, "runtime.deferconvert"};
  e.record = d0;
  e.sp = sp;
  e.detail = fmt::format("the range-over-func loop's record {:#x} of frame sp={:#x} leaves "
                         "g._defer; its {} deferred call{} take{} its place",
                         d0, sp, moved + (d ? 1 : 0), moved + (d ? 1 : 0) == 1 ? "" : "s",
                         moved + (d ? 1 : 0) == 1 ? "s" : "");
  e.chain = chainNames(g);
  emit(std::move(e));
  return true;
}

} // namespace gd::rt
