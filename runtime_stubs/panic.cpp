// gopanic, gorecover and recovery, as src/runtime/panic.go of each generation does them
// (docs/go-internals.md §9):
//  - Go 1.15-1.21 walk the defer chain: each record is marked started and run with p.argp set
//    to the caller's argument pointer; open-coded frames get a record added by
//    addOneOpenDeferFrame. Recovery resumes at d.pc with SP = d.sp and AX = 1.
//  - Go 1.22+ walk the frames (_panic.nextFrame): for each frame, its open-coded slots (highest
//    deferBits bit first), then its linked records. Recovery resumes at p.retpc with SP = p.sp,
//    BP = p.fp - 16, AX = 1; from Go 1.25 at the frame's CALL runtime.deferreturn instead.
//  - recover() matches p.argp up to Go 1.25; from Go 1.26 it walks the stack for exactly one
//    non-wrapper frame between itself and the gopanic frame.
//  - A re-panic with the recovered value prints as one `[recovered, repanicked]` line from 1.25.
// The model runs deferred calls as real guest calls that return into a runtime slot, where the
// loop resumes; the _panic and _defer records live in guest memory.
#include <algorithm>

#include <fmt/format.h>

#include "loader/pctab.h"
#include "runtime_stubs/format.h"
#include "runtime_stubs/guestmem.h"
#include "runtime_stubs/runtime.h"
#include "runtime_stubs/types.h"

namespace gd::rt {
namespace {

int highestBit(uint8_t bits) {
  for (int i = 7; i >= 0; i--)
    if (bits & (1 << i)) return i;
  return -1;
}

} // namespace

// ---- frames ----

// FUNCDATA_OpenCodedDeferInfo of the function at pc: the address of its bytes in memory.
bool Runtime::openDeferInfo(const Guest&, uint64_t pc, uint64_t& fd) const {
  auto id = img_.symbolAt(pc);
  if (!id) return false;
  const auto& sym = img_.obj->sym(*id);
  uint8_t idx = img_.obj->profile->funcdataOpenCodedDefer;
  if (!sym.func || idx >= sym.func->funcdata.size()) return false;
  loader::SymId fdSym = sym.func->funcdata[idx];
  if (fdSym == loader::kNoSym || !img_.address(fdSym)) return false;
  fd = img_.address(fdSym);
  return true;
}

// Go 1.15-1.21 addOneOpenDeferFrame: finds the next frame (above skipSp's) with open-coded
// defers and inserts a record for it into the chain, ordered by sp. Returns the record or 0.
uint64_t Runtime::addOneOpenDeferFrame(Guest& g, uint64_t pc, uint64_t sp, uint64_t skipSp) {
  const DeferLayout& L = prof_.defer;
  for (const Frame& f : unwind(g, pc, sp)) {
    if (skipSp && f.sp <= skipSp) continue;
    uint64_t fd;
    if (!openDeferInfo(g, f.pc, fd)) continue;
    uint64_t d = g.u64(kGAddr + prof_.g.defer).value_or(0), prev = 0;
    while (d) {
      uint64_t dsp = g.u64(d + L.sp).value_or(0);
      if (f.sp < dsp) break;
      if (f.sp == dsp) return 0; // already there
      prev = d;
      d = g.u64(d + L.link).value_or(0);
    }
    uint64_t p = fd;
    uint64_t maxargsize = prof_.openDefers == OpenDeferInfo::ArgsPerSlot ? g.uvarint(p) : 0;
    auto d1 = alloc(g, L.size + maxargsize);
    if (!d1) return 0;
    g.put8(*d1 + uint64_t(L.openDefer), 1);
    g.put8(*d1 + uint64_t(L.heap), 1);
    g.put64(*d1 + L.pc, walker_.deferreturnCallAt(f.pc));
    g.put64(*d1 + uint64_t(L.varp), f.cfa - 16);
    g.put64(*d1 + uint64_t(L.fd), fd);
    g.put64(*d1 + uint64_t(L.framepc), f.pc);
    g.put64(*d1 + L.sp, f.sp);
    g.put64(*d1 + L.link, d);
    if (L.siz >= 0) g.put32(*d1 + uint64_t(L.siz), uint32_t(maxargsize));
    linkDefer(g, prev ? prev + L.link : kGAddr + prof_.g.defer, *d1, +1);
    return *d1;
  }
  return 0;
}

// ---- panic values ----

uint64_t Runtime::runtimeError(Guest& g, const std::string& message) {
  // runtime.Error values are printed by their Error method; ours carry the finished text in a
  // string header behind our own type descriptor.
  if (!errorType_) {
    auto t = alloc(g, 48);
    if (!t) return 0;
    errorType_ = *t;
    g.put64(errorType_ + typeoff::Size, 16);
    g.put8(errorType_ + typeoff::Kind, kind::String);
  }
  auto bytes = alloc(g, message.size());
  auto hdr = alloc(g, 16);
  if (!bytes || !hdr) return 0;
  g.write(*bytes, message.data(), message.size());
  g.put64(*hdr, *bytes);
  g.put64(*hdr + 8, message.size());
  return *hdr;
}

bool Runtime::isDirectIface(const Guest& g, uint64_t type) const {
  if (prof_.directIfaceInTFlag) return g.u8(type + typeoff::TFlag).value_or(0) & kTFlagDirectIface;
  return g.u8(type + typeoff::Kind).value_or(0) & kind::DirectIface;
}

std::string Runtime::panicValueText(const Guest& g, uint64_t type, uint64_t data) const {
  auto readString = [&](uint64_t hdr) {
    auto str = readStringHeader(g, hdr);
    if (!str) return std::string("<bad string>");
    const std::string& s = *str;
    if (prof_.panicValueIndented) { // printindented: a tab after each newline
      std::string out;
      for (char c : s) {
        out += c;
        if (c == '\n') out += '\t';
      }
      return out;
    }
    return s;
  };
  if (!type) return "nil";
  if (type == errorType_) return readString(data);
  std::string tname;
  if (auto id = img_.symbolAt(type)) tname = typeStringOfSymbol(img_.obj->sym(*id).name);
  uint8_t k = g.u8(type + typeoff::Kind).value_or(0) & kind::Mask;
  bool direct = isDirectIface(g, type);
  auto word = [&](uint32_t size) -> uint64_t {
    uint64_t v = 0;
    if (direct) return data;
    g.read(data, &v, size);
    return v;
  };
  std::string v;
  switch (k) {
  case kind::Bool:
    v = word(1) ? "true" : "false";
    break;
  case kind::Int:
  case kind::Int64:
    v = formatGoInt(int64_t(word(8)));
    break;
  case kind::Int32:
    v = formatGoInt(int32_t(word(4)));
    break;
  case kind::Int16:
    v = formatGoInt(int16_t(word(2)));
    break;
  case kind::Int8:
    v = formatGoInt(int8_t(word(1)));
    break;
  case kind::Uint:
  case kind::Uint64:
  case kind::Uintptr:
    v = fmt::format("{}", word(8));
    break;
  case kind::Uint32:
    v = fmt::format("{}", uint32_t(word(4)));
    break;
  case kind::Uint16:
    v = fmt::format("{}", uint16_t(word(2)));
    break;
  case kind::Uint8:
    v = fmt::format("{}", uint8_t(word(1)));
    break;
  case kind::Float64:
  case kind::Float32:
  case kind::Complex64:
  case kind::Complex128: {
    // printpanicval prints them as print does: two words of the data for complex128.
    bool wide = k == kind::Float64 || k == kind::Complex128;
    int parts = k == kind::Complex64 || k == kind::Complex128 ? 2 : 1;
    double x[2] = {0, 0};
    for (int i = 0; i < parts; i++) {
      if (wide) {
        uint64_t b = parts == 1 ? word(8) : g.u64(data + 8 * uint64_t(i)).value_or(0);
        std::memcpy(&x[i], &b, 8);
      } else {
        uint32_t b = parts == 1 ? uint32_t(word(4)) : g.u32(data + 4 * uint64_t(i)).value_or(0);
        float f;
        std::memcpy(&f, &b, 4);
        x[i] = f;
      }
    }
    bool shortest = prof_.floats == FloatFormat::Shortest;
    if (parts == 1)
      v = shortest ? formatGoFloatShortest(x[0], wide ? 64 : 32) : formatGoFloat(x[0]);
    else
      v = shortest ? formatGoComplexShortest(x[0], x[1], wide ? 128 : 64)
                   : "(" + formatGoFloat(x[0]) + formatGoFloat(x[1]) + "i)";
    break;
  }
  case kind::String:
    v = readString(data);
    break;
  default:
    return fmt::format("({}) {:#x}", tname.empty() ? "?" : tname, data);
  }
  bool predeclared = builtinTypeFacts(tname).has_value();
  if (predeclared) return v;
  if (k == kind::String) return fmt::format("{}(\"{}\")", tname, v);
  return fmt::format("{}({})", tname, v);
}

// ---- gopanic ----

StubResult Runtime::gopanic(Guest& g, Call& c) {
  auto t = c.intArg(), d = c.intArg();
  if (!t || !d) return fault("gopanic: cannot read its argument");
  return startPanic(g, c.entrySp(), *t, *d, PanicRun{});
}

StubResult Runtime::startPanic(Guest& g, uint64_t entrySp, uint64_t type, uint64_t data,
                               const PanicRun& signal) {
  const PanicLayout& P = prof_.panic;
  auto p = alloc(g, P.size);
  if (!p) return fault("gopanic: heap exhausted");
  g.put64(*p + P.arg, type);
  g.put64(*p + P.arg + 8, data);
  g.put64(*p + P.link, g.u64(kGAddr + prof_.g.panic).value_or(0));
  g.put64(kGAddr + prof_.g.panic, *p);
  PanicRun r = signal;
  r.p = *p;
  r.entrySp = entrySp;
  r.callSp = ((entrySp - 0x400) & ~uint64_t(15)) - 8; // gopanic's own frame below the caller
  if (P.startSP >= 0) g.put64(*p + uint64_t(P.startSP), r.callSp + 8);
  if (P.startPC >= 0) g.put64(*p + uint64_t(P.startPC), g.u64(entrySp).value_or(0));
  if (P.gopanicFP >= 0) g.put64(*p + uint64_t(P.gopanicFP), entrySp + 8); // getcallersp()
  RuntimeEvent e{RuntimeEventKind::PanicStarted, "runtime.gopanic"};
  uint64_t ret = g.u64(entrySp).value_or(0);
  e.pc = signal.signal ? ret : ret - 5;
  e.record = *p;
  e.detail = panicValueText(g, type, data);
  e.chain = chainNames(g);
  emit(std::move(e));
  if (prof_.panicWalk == PanicWalk::NextFrame) {
    r.cursorPc = ret; // _panic.start: the cursor is the panicking frame
    r.cursorSp = entrySp + 8;
    run_.panics.push_back(r);
    nextFrame(g, run_.panics.back());
    return panicLoopNextFrame(g);
  }
  run_.panics.push_back(r);
  addOneOpenDeferFrame(g, ret, entrySp + 8, 0);
  return panicLoopDeferChain(g);
}

StubResult Runtime::callDeferred(Guest& g, PanicRun& r, uint64_t fn, uint64_t args, uint32_t siz) {
  uint64_t sp = r.callSp;
  if (siz) {
    if (!g.copy(sp + 8, args, siz))
      return fault("gopanic: cannot copy the deferred call's arguments");
  }
  if (prof_.panic.argp >= 0) // p.argp: recover() in the callee matches it (Go 1.15-1.25)
    g.put64(r.p + uint64_t(prof_.panic.argp), sp + 8);
  RuntimeEvent e = deferEvent(g, RuntimeEventKind::DeferRun, "runtime.gopanic",
                              g.u64(r.entrySp).value_or(0), r.d, r.sp, fn);
  e.argBytes = siz;
  e.returnTo = img_.runtimeSlot(0);
  e.unlinked = prof_.panicWalk == PanicWalk::NextFrame; // nextDefer pops before the call
  emit(std::move(e));
  if (!callable(g, fn)) return deferredCallFault(g, sp + 8, fn); // in gopanic's frame
  return enterClosure(g, sp, img_.runtimeSlot(0), fn);
}

// The deferred call returned into gopanic's slot: finish that record, then go on.
StubResult Runtime::panicContinue(Guest& g) {
  if (run_.panics.empty()) return fault("return into gopanic with no panic in progress");
  PanicRun& r = run_.panics.back();
  if (prof_.panicWalk == PanicWalk::NextFrame) return panicLoopNextFrame(g);
  const DeferLayout& L = prof_.defer;
  const PanicLayout& P = prof_.panic;
  g.put64(r.p + uint64_t(P.argp), 0);
  uint64_t d = r.d;
  bool recovered = g.u8(r.p + P.recovered).value_or(0);
  bool done = true;
  if (r.runningOpen) {
    bool aborted = P.aborted >= 0 && g.u8(r.p + uint64_t(P.aborted)).value_or(0);
    uint64_t fd = g.u64(d + uint64_t(L.fd)).value_or(0);
    uint64_t varp = g.u64(d + uint64_t(L.varp)).value_or(0);
    uint8_t bits = g.u8(deferBitsAddr(g, fd, varp)).value_or(0);
    if (!aborted && !recovered && bits) return panicLoopDeferChain(g); // more of this frame to run
    done = aborted || bits == 0;
  }
  if (g.u64(kGAddr + prof_.g.defer).value_or(0) != d) {
    output("fatal error: bad defer entry in panic\n");
    return {StubStatus::Exit, 2, "bad defer entry in panic"};
  }
  if (L.panic >= 0) g.put64(d + uint64_t(L.panic), 0);
  uint64_t pc = g.u64(d + L.pc).value_or(0), sp = g.u64(d + L.sp).value_or(0);
  if (r.runningOpen && done && !recovered)
    addOneOpenDeferFrame(g, g.u64(d + uint64_t(L.framepc)).value_or(0), sp, sp);
  if (done) linkDefer(g, kGAddr + prof_.g.defer, g.u64(d + L.link).value_or(0), -1);
  r.d = 0;
  r.runningOpen = false;
  if (recovered) {
    // A recover would bypass the Goexit this panic aborted: Goexit's loop goes on instead.
    uint64_t link = g.u64(r.p + P.link).value_or(0);
    if (link && P.goexit >= 0 && P.aborted >= 0 && g.u8(link + uint64_t(P.goexit)).value_or(0) &&
        g.u8(link + uint64_t(P.aborted)).value_or(0))
      if (auto res = resumeGoexit(g, link)) return *res;
    if (done) { // drop open-coded records that never started (their frames are gone)
      uint64_t prev = 0, x = g.u64(kGAddr + prof_.g.defer).value_or(0);
      while (x) {
        uint64_t next = g.u64(x + L.link).value_or(0);
        bool open = g.u8(x + uint64_t(L.openDefer)).value_or(0);
        bool started = g.u8(x + uint64_t(L.started)).value_or(0);
        if (open && started) break;
        if (open)
          linkDefer(g, prev ? prev + L.link : kGAddr + prof_.g.defer, next, -1);
        else
          prev = x;
        x = next;
      }
    }
    return recover115(g, sp, pc);
  }
  return panicLoopDeferChain(g);
}

// Go 1.15-1.21: the gopanic loop over g._defer.
StubResult Runtime::panicLoopDeferChain(Guest& g) {
  PanicRun& r = run_.panics.back();
  const DeferLayout& L = prof_.defer;
  while (true) {
    uint64_t d = r.d ? r.d : g.u64(kGAddr + prof_.g.defer).value_or(0);
    if (!d) return deferredCallsDone(g);
    bool open = g.u8(d + uint64_t(L.openDefer)).value_or(0);
    if (!r.d) {
      if (g.u8(d + uint64_t(L.started)).value_or(0)) {
        // Started by an earlier panic, which this one aborts.
        uint64_t old = g.u64(d + uint64_t(L.panic)).value_or(0);
        if (old && prof_.panic.aborted >= 0) g.put8(old + uint64_t(prof_.panic.aborted), 1);
        g.put64(d + uint64_t(L.panic), 0);
        if (!open) {
          g.put64(d + L.fn, 0);
          linkDefer(g, kGAddr + prof_.g.defer, g.u64(d + L.link).value_or(0), -1);
          continue;
        }
      }
      g.put8(d + uint64_t(L.started), 1);
      g.put64(d + uint64_t(L.panic), r.p);
      r.d = d;
    }
    if (!open) {
      uint64_t fn = g.u64(d + L.fn).value_or(0);
      uint32_t siz = L.siz >= 0 ? g.u32(d + uint64_t(L.siz)).value_or(0) : 0;
      r.sp = g.u64(d + L.sp).value_or(0);
      return callDeferred(g, r, fn, d + L.size, siz);
    }
    // runOpenDeferFrame: the highest set bit of the frame's deferBits runs next.
    r.runningOpen = true;
    uint64_t fd = g.u64(d + uint64_t(L.fd)).value_or(0);
    uint64_t varp = g.u64(d + uint64_t(L.varp)).value_or(0);
    if (auto slot = takeOpenSlot(g, fd, varp)) {
      g.put64(d + L.fn, slot->closure);
      for (const auto& [argOff, argLen, callOff] : slot->args) {
        g.copy(d + L.size + callOff, varp - argOff, argLen);
      }
      r.sp = g.u64(d + L.sp).value_or(0);
      return callDeferred(g, r, slot->closure, d + L.size, uint32_t(slot->argWidth));
    }
    // No bits left: the frame is done (panicContinue's bookkeeping, without a call).
    return panicContinue(g);
  }
}

StubResult Runtime::recover115(Guest& g, uint64_t sp, uint64_t pc) {
  const PanicLayout& P = prof_.panic;
  uint64_t p = run_.panics.back().p;
  uint64_t next = g.u64(p + P.link).value_or(0);
  while (next && P.aborted >= 0 && g.u8(next + uint64_t(P.aborted)).value_or(0))
    next = g.u64(next + P.link).value_or(0);
  g.put64(kGAddr + prof_.g.panic, next);
  // Panics whose gopanic frames lie below the recovering frame are gone with them.
  while (!run_.panics.empty() && run_.panics.back().entrySp < sp)
    run_.panics.pop_back();
  // Go 1.21 recovery reloads BP from the slot deferproc's prologue saved it in; earlier
  // releases leave the stale BP, which the frame's epilogue reloads anyway.
  std::optional<uint64_t> bp;
  if (prof_.recoveryReloadsBp) bp = g.u64(sp - 16).value_or(0);
  return resumeRecovered(g, sp, pc, bp);
}

// Go 1.22+ _panic.nextFrame: the next frame with linked or open-coded defers, from the cursor.
// Go 1.22-1.26 keep the found frame's caller (p.lr, p.fp) as the cursor; Go 1.27 keeps the found
// frame itself (p.pc, p.sp) and, on reaching the frame where the next panic up the stack
// started, skips ahead to where that panic was last looking (issue 77062).
bool Runtime::nextFrame(const Guest& g, PanicRun& r) {
  if (!r.cursorPc) return false;
  uint64_t limit = 0;
  if (uint64_t d = g.u64(kGAddr + prof_.g.defer).value_or(0))
    limit = g.u64(d + prof_.defer.sp).value_or(0);
  const PanicLayout& P = prof_.panic;
  const PanicRun* outer = nullptr; // p.link's run, for the 1.27 skip
  if (prof_.panicCursorAtFrame)
    for (const PanicRun& o : run_.panics)
      if (&o != &r && o.p && o.p == g.u64(r.p + P.link).value_or(0)) outer = &o;
  uint64_t pc = r.cursorPc, sp = r.cursorSp;
  for (int restarts = 0; restarts < 2; restarts++) {
    bool restarted = false;
    for (const Frame& f : unwind(g, pc, sp)) {
      bool found = f.sp == limit;
      uint64_t fd;
      if (!found && openDeferInfo(g, f.pc, fd)) {
        uint64_t q = fd, varp = f.cfa - 16;
        uint64_t bitsOff = g.uvarint(q), slotsOff = g.uvarint(q);
        if (g.u8(varp - bitsOff).value_or(0)) {
          r.retpc = walker_.deferreturnCallAt(f.pc);
          r.deferBitsPtr = varp - bitsOff;
          r.slotsPtr = varp - slotsOff;
          found = true;
        }
      }
      if (found) {
        r.sp = f.sp;
        r.fp = f.cfa;
        r.cursorPc = prof_.panicCursorAtFrame ? f.pc : f.lr;
        r.cursorSp = prof_.panicCursorAtFrame ? f.sp : f.cfa;
        return true;
      }
      if (outer && outer->cursorPc && f.sp == outer->callSp + 8 && outer->cursorSp > f.sp) {
        pc = outer->cursorPc; // the outer panic's cursor (p.link.pc, p.link.sp)
        sp = outer->cursorSp;
        restarted = true;
        break;
      }
    }
    if (!restarted) break;
  }
  r.cursorPc = 0;
  return false;
}

StubResult Runtime::panicLoopNextFrame(Guest& g) {
  PanicRun& r = run_.panics.back();
  const PanicLayout& P = prof_.panic;
  if (g.u8(r.p + P.recovered).value_or(0)) return recover122(g, r);
  if (P.argp >= 0) g.put64(r.p + uint64_t(P.argp), r.callSp + 8);
  while (true) {
    while (r.deferBitsPtr) {
      uint8_t bits = g.u8(r.deferBitsPtr).value_or(0);
      if (!bits) {
        r.deferBitsPtr = 0;
        break;
      }
      int i = highestBit(bits);
      g.put8(r.deferBitsPtr, bits & ~(1 << i));
      uint64_t fn = g.u64(r.slotsPtr + 8 * uint64_t(i)).value_or(0);
      return callDeferred(g, r, fn, 0, 0);
    }
    uint64_t d = g.u64(kGAddr + prof_.g.defer).value_or(0);
    if (d && g.u64(d + prof_.defer.sp).value_or(0) == r.sp && deferconvert(g, d))
      continue; // Recheck: the range-over-func loop's records are now on g._defer
    if (d && g.u64(d + prof_.defer.sp).value_or(0) == r.sp) {
      uint64_t fn = g.u64(d + prof_.defer.fn).value_or(0);
      r.retpc = g.u64(d + prof_.defer.pc).value_or(0);
      r.d = d;
      linkDefer(g, kGAddr + prof_.g.defer, g.u64(d + prof_.defer.link).value_or(0), -1);
      return callDeferred(g, r, fn, 0, 0);
    }
    if (!nextFrame(g, r)) return deferredCallsDone(g);
  }
}

StubResult Runtime::recover122(Guest& g, PanicRun& r) {
  uint64_t pc = r.retpc, sp = r.sp, fp = r.fp;
  // Go 1.25+ recovery: resume at the frame's CALL runtime.deferreturn (f.entry +
  // f.deferreturn) rather than after its deferproc call with AX = 1.
  if (!prof_.deferprocReturnsFlag) pc = walker_.deferreturnCallAt(pc);
  const PanicLayout& P = prof_.panic;
  // Unwind the panic stack: panics started below the recovering frame are over. A pending
  // Goexit is not jumped past: its loop goes on where it was (recovery's `if p.goexit`).
  uint64_t p = g.u64(kGAddr + prof_.g.panic).value_or(0);
  while (p && g.u64(p + uint64_t(P.startSP)).value_or(0) < sp) {
    if (P.goexit >= 0 && g.u8(p + uint64_t(P.goexit)).value_or(0))
      if (auto res = resumeGoexit(g, p)) return *res;
    p = g.u64(p + P.link).value_or(0);
  }
  g.put64(kGAddr + prof_.g.panic, p);
  while (!run_.panics.empty() && run_.panics.back().entrySp < sp)
    run_.panics.pop_back();
  return resumeRecovered(g, sp, pc, fp - 16);
}

// The arguments of a frame as traceback.go prints them. Go 1.15: the words of the argument
// area (FuncInfo args), at most ten. Go 1.17+: FUNCDATA_ArgInfo's (offset, size) list with its
// aggregate markers, and `?` after a register argument whose spill slot is not live at pc
// (FUNCDATA_ArgLiveInfo, PCDATA_ArgLiveIndex).
std::string Runtime::traceArgs(const Guest& g, loader::SymId fn, uint64_t argp, uint64_t pc) const {
  const auto& sym = img_.obj->sym(fn);
  if (!sym.func) return "";
  std::string out;
  if (!prof_.registerAbi) {
    for (uint64_t i = 0; i < sym.func->args / 8; i++) {
      if (i >= 10) {
        out += ", ...";
        break;
      }
      out += fmt::format("{}{:#x}", i ? ", " : "", g.u64(argp + 8 * i).value_or(0));
    }
    return out;
  }
  uint8_t infoIdx = img_.obj->profile->funcdataArgInfo;
  auto fdAddr = [&](size_t idx) -> uint64_t {
    if (idx >= sym.func->funcdata.size() || sym.func->funcdata[idx] == loader::kNoSym) return 0;
    return img_.address(sym.func->funcdata[idx]);
  };
  uint64_t info = fdAddr(infoIdx), live = fdAddr(size_t(infoIdx) + 1);
  if (!info) return "";
  int32_t liveIdx = -1;
  if (sym.func->pcdata.size() > 3)
    liveIdx = loader::PcTable::decode(sym.func->pcdata[3])
                  .lookup(uint32_t(pc - img_.address(fn)))
                  .value_or(-1);
  uint8_t startOffset = live ? g.u8(live).value_or(0xff) : 0xff;
  auto isLive = [&](uint8_t off, uint8_t slot) {
    if (!live || liveIdx <= 0 || off < startOffset) return true;
    uint8_t bits = g.u8(live + uint64_t(liveIdx) + slot / 8).value_or(0);
    return (bits & (1 << (slot % 8))) != 0;
  };
  bool start = true;
  uint8_t slot = 0;
  for (uint64_t p = info; p < info + 512;) { // abi.TraceArgsMaxLen bounds the list
    uint8_t o = g.u8(p++).value_or(0xff);
    if (o == 0xff) break; // TraceArgsEndSeq
    if (o == 0xfe) {      // TraceArgsStartAgg
      out += start ? "{" : ", {";
      start = true;
      continue;
    }
    if (o == 0xfd)
      out += "}"; // TraceArgsEndAgg
    else if (o == 0xfc)
      out += start ? "..." : ", ..."; // TraceArgsDotdotdot
    else if (o == 0xfb)
      out += start ? "_" : ", _"; // TraceArgsOffsetTooLarge
    else {
      uint8_t sz = g.u8(p++).value_or(8);
      uint64_t x = g.u64(argp + o).value_or(0);
      if (sz < 8) x = x << (64 - 8 * sz) >> (64 - 8 * sz);
      out += fmt::format("{}{:#x}{}", start ? "" : ", ", x, isLive(o, slot) ? "" : "?");
      if (o >= startOffset) slot++;
    }
    start = false;
  }
  return out;
}

std::string Runtime::tracebackFrames(const Guest& g, uint64_t pc, uint64_t sp, bool signal) const {
  std::string text;
  bool innermost = true;
  for (const Frame& f : unwind(g, pc, sp)) {
    if (f.model) continue;
    uint64_t lookupPc = f.pc > 0 && !(innermost && signal) ? f.pc - 1 : f.pc;
    for (const LogicalFrame& lf : logicalFrames(lookupPc)) {
      // showframe: a wrapper (main.main.gowrap1, deferwrap, method value wrappers) is shown
      // only when it called the panic itself (elideWrapperCalling).
      if (lf.funcId == prof_.funcIdWrapper && !innermost) continue;
      innermost = false;
      std::string name = lf.fn != loader::kNoSym ? img_.obj->displayName(lf.fn) : "?";
      std::string where;
      if (auto pos = img_.position(lf.pc))
        where = fmt::format("{}:{}", loader::displayFile(pos->file), pos->line);
      if (lf.inlined) { // traceback.go: `(...)` and no pc offset for an inlined call
        text += fmt::format("{}(...)\n\t{}\n", name, where);
        continue;
      }
      where += fmt::format(" +{:#x}", f.pc - img_.address(lf.fn));
      text += fmt::format("{}({})\n\t{}\n", f.name.substr(0, f.name.find('+')),
                          traceArgs(g, lf.fn, f.cfa, lookupPc), where);
    }
  }
  return text;
}

// ---- Goexit ----

// runtime.Goexit (panic.go): a _panic record with goexit set, started as a panic's is, whose loop
// runs every deferred call of the goroutine, then goexit1 ends it. recover() returns nil in
// those calls (gorecover passes over goexit records). Go 1.15-1.21 walk g._defer in Goexit's own
// loop, the same walk as gopanic's; Go 1.22+ use the panic state machine (p.start, p.nextDefer).
StubResult Runtime::goexitCall(Guest& g, Call& c) {
  ensureMainGoroutine();
  const PanicLayout& P = prof_.panic;
  if (P.goexit < 0) return fault("runtime.Goexit: this release's _panic has no goexit field");
  auto p = alloc(g, P.size);
  if (!p) return fault("runtime.Goexit: heap exhausted");
  g.put8(*p + uint64_t(P.goexit), 1);
  g.put64(*p + P.link, g.u64(kGAddr + prof_.g.panic).value_or(0));
  g.put64(kGAddr + prof_.g.panic, *p);
  PanicRun r;
  r.p = *p;
  r.goexit = true;
  r.entrySp = c.entrySp();
  r.callSp = ((r.entrySp - 0x400) & ~uint64_t(15)) - 8; // Goexit's own frame below the caller
  if (P.startSP >= 0) g.put64(*p + uint64_t(P.startSP), r.callSp + 8);
  if (P.startPC >= 0) g.put64(*p + uint64_t(P.startPC), c.returnAddress());
  RuntimeEvent e{RuntimeEventKind::Goroutine, "runtime.Goexit"};
  e.pc = c.callSite();
  e.detail = fmt::format("goroutine {} runs its deferred calls, then exits", currentGoid());
  e.chain = chainNames(g);
  emit(std::move(e));
  uint64_t ret = c.returnAddress();
  run_.panics.push_back(r);
  if (prof_.panicWalk == PanicWalk::NextFrame) {
    PanicRun& q = run_.panics.back();
    q.cursorPc = ret; // p.start(getcallerpc(), getcallersp())
    q.cursorSp = r.entrySp + 8;
    nextFrame(g, q);
    return panicLoopNextFrame(g);
  }
  addOneOpenDeferFrame(g, ret, r.entrySp + 8, 0);
  return panicLoopDeferChain(g);
}

// The loop of gopanic or Goexit found no deferred call left: a panic is fatal, a Goexit ends
// the goroutine (goexit1).
StubResult Runtime::deferredCallsDone(Guest& g) {
  if (!run_.panics.back().goexit) return fatalPanic(g);
  run_.panics.pop_back();
  return goexit(g);
}

// A recovered panic would unwind past the pending Goexit whose record is p: Goexit's loop goes
// on instead (Go 1.15-1.21 gopanic's "bypassed recovery", Go 1.22+ recovery() returning into
// p.start). The panics started after it are over.
std::optional<StubResult> Runtime::resumeGoexit(Guest& g, uint64_t p) {
  auto it = std::find_if(run_.panics.begin(), run_.panics.end(),
                         [&](const PanicRun& r) { return r.p == p && r.goexit; });
  if (it == run_.panics.end()) return std::nullopt;
  run_.panics.erase(it + 1, run_.panics.end());
  g.put64(kGAddr + prof_.g.panic, p);
  PanicRun& r = run_.panics.back();
  r.d = 0;
  r.runningOpen = false;
  RuntimeEvent e{RuntimeEventKind::Goroutine, "runtime.Goexit"};
  e.pc = g.u64(r.entrySp).value_or(5) - 5;
  e.detail = fmt::format(
      "the panic is recovered; goroutine {} goes on with Goexit's deferred calls", currentGoid());
  e.chain = chainNames(g);
  emit(std::move(e));
  if (prof_.panicWalk == PanicWalk::NextFrame) return panicLoopNextFrame(g);
  // Go 1.15-1.21 Goexit: `if p.aborted { addOneOpenDeferFrame(gp, getcallerpc(), getcallersp())
  // ... p.aborted = false; continue }`: the open-coded frames are found again from its caller.
  if (prof_.panic.aborted >= 0) g.put8(p + uint64_t(prof_.panic.aborted), 0);
  addOneOpenDeferFrame(g, g.u64(r.entrySp).value_or(0), r.entrySp + 8, 0);
  return panicLoopDeferChain(g);
}

// No deferred call recovered: printpanics, the signal line, the goroutine, exit 2.
StubResult Runtime::fatalPanic(Guest& g) {
  if (auto pre = preprintPanics(g)) return *pre; // v.Error() / v.String() first (iface.cpp)
  const PanicLayout& P = prof_.panic;
  std::vector<uint64_t> chain;
  for (uint64_t p = g.u64(kGAddr + prof_.g.panic).value_or(0); p && chain.size() < 1000;
       p = g.u64(p + P.link).value_or(0))
    chain.push_back(p);
  // printpanics, oldest first: a panic whose older neighbour was marked repanicked (Go 1.25+,
  // by preprintpanics) is not printed; the older one says so instead.
  auto flag = [&](uint64_t p, int32_t off) {
    return off >= 0 && g.u8(p + uint64_t(off)).value_or(0);
  };
  std::string text;
  for (size_t k = chain.size(); k-- > 0;) {
    uint64_t p = chain[k];
    if (k + 1 < chain.size()) {
      uint64_t link = chain[k + 1];
      if (flag(link, P.repanicked)) continue;
      if (!flag(link, P.goexit)) text += "\t";
    }
    if (flag(p, P.goexit)) continue;
    text += "panic: " +
            panicValueText(g, g.u64(p + P.arg).value_or(0), g.u64(p + P.arg + 8).value_or(0));
    bool recovered = flag(p, int32_t(P.recovered)), repanicked = flag(p, P.repanicked);
    if (repanicked && (recovered || prof_.repanic == RepanicRule::SameValue))
      text += " [recovered, repanicked]";
    else if (recovered)
      text += " [recovered]";
    text += "\n";
  }
  const PanicRun& r = run_.panics.back();
  if (r.signal)
    text += fmt::format("[signal SIGSEGV: segmentation violation code=0x1 addr={:#x} pc={:#x}]\n",
                        r.sigAddr, r.sigPc);
  text += "\n" + goroutineHeader() + "\n";
  text += tracebackFrames(g, g.u64(r.entrySp).value_or(0), r.entrySp + 8, r.signal);
  if (!sched_.gs.empty()) text += createdBy(sched_.gs[sched_.current]);
  output(text);
  std::string first = text.substr(0, text.find('\n'));
  return {StubStatus::Exit, 2, first};
}

// ---- recover ----

StubResult Runtime::gorecover(Guest& g, Call& c) {
  const PanicLayout& P = prof_.panic;
  uint64_t p = g.u64(kGAddr + prof_.g.panic).value_or(0);
  bool goexit = p && P.goexit >= 0 && g.u8(p + uint64_t(P.goexit)).value_or(0);
  bool may = p && !goexit && !g.u8(p + P.recovered).value_or(0);
  if (prof_.recover == RecoverRule::Argp) {
    auto argp = c.intArg(); // gorecover(argp): the caller's FP
    if (!argp) return fault("gorecover: cannot read its argument");
    may = may && *argp == g.u64(p + uint64_t(P.argp)).value_or(0);
  } else if (may) {
    may = recoverableFromHere(g, c, p);
  }
  uint64_t type = 0, data = 0;
  if (may) {
    g.put8(p + P.recovered, 1);
    type = g.u64(p + P.arg).value_or(0);
    data = g.u64(p + P.arg + 8).value_or(0);
  }
  RuntimeEvent e{RuntimeEventKind::Recover, c.name()};
  e.pc = c.callSite();
  e.record = p;
  e.detail = type ? "recovered " + panicValueText(g, type, data)
                  : (p ? "nil (not called directly by the deferred function of a panic)"
                       : "nil (no panic)");
  emit(std::move(e));
  c.intResult(type);
  c.intResult(data);
  return returnToCaller(g);
}

// Go 1.26+ gorecover: walking up from its caller, exactly one non-wrapper frame must come before
// the gopanic frame of panic p, which Go 1.26 tells by fp == p.gopanicFP and Go 1.27 by
// sp == p.startSP. Frames are logical ones, as runtime's inlineUnwinder gives them: a function
// that calls recover is never inlined, but the function that calls it may be (`defer F(1)`
// with F calling callRecover: F inlined into the deferwrap wrapper is one frame more, so no
// recover; Go issue 73916).
bool Runtime::recoverableFromHere(const Guest& g, Call& c, uint64_t p) const {
  const PanicLayout& P = prof_.panic;
  int nonWrapper = 0;
  for (const Frame& f : unwind(g, c.returnAddress(), c.callerSp())) {
    if (f.name == "runtime.gopanic") {
      bool same = prof_.recover == RecoverRule::GopanicFP
                      ? f.cfa == g.u64(p + uint64_t(P.gopanicFP)).value_or(0)
                      : f.sp == g.u64(p + uint64_t(P.startSP)).value_or(0);
      return same && nonWrapper > 0;
    }
    for (const LogicalFrame& lf : logicalFrames(f.pc - 1)) {
      if (lf.funcId == prof_.funcIdWrapper) continue;
      if (++nonWrapper > 1) return false;
    }
  }
  return false;
}

// The logical frames at text address pc, innermost first, as runtime's inlineUnwinder gives
// them: the functions inlined there (the function's inline tree at its pcinline value, up
// through the parents), each positioned where it was executing (pc for the innermost, the
// inline mark of its call in the enclosing function for the others), then the function itself.
// An inlined function that is not defined in this object (no FuncInfo here) has FuncID 0.
std::vector<Runtime::LogicalFrame> Runtime::logicalFrames(uint64_t pc) const {
  std::vector<LogicalFrame> out;
  auto id = img_.symbolAt(pc);
  if (!id) return out;
  const loader::Symbol& s = img_.obj->sym(*id);
  if (!s.func) return {{*id, 0, pc, false}};
  const loader::FuncInfo& fi = *s.func;
  uint64_t entry = img_.address(*id), at = pc;
  auto ix = loader::PcTable::decode(fi.pcinline).lookup(uint32_t(pc - entry));
  for (int32_t k = ix.value_or(-1), steps = 0;
       k >= 0 && size_t(k) < fi.inlineTree.size() && steps < 64; steps++) {
    const loader::InlineNode& n = fi.inlineTree[size_t(k)];
    const loader::Symbol* callee = n.func != loader::kNoSym ? &img_.obj->sym(n.func) : nullptr;
    out.push_back({n.func, uint8_t(callee && callee->func ? callee->func->funcId : 0), at, true});
    at = entry + uint64_t(n.parentPc);
    k = n.parent;
  }
  out.push_back({*id, fi.funcId, at, false});
  return out;
}

} // namespace gd::rt
