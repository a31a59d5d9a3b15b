// gopanic, gorecover and recovery without a CPU, on a FakeGuest holding the image of panics.o of
// each release (tests/programs/panics.go), with recoverInt's frame laid out at its call to
// deferprocStack (the sentinel above). A nil dereference in recoverInt after its defer was
// registered must do what src/runtime/panic.go and signal_unix.go of that release do: the
// deferred closure is called (DX = its funcval) returning into gopanic; if it returns without
// recovering, the program dies with Go's message and exit status 2; if it calls recover(), the
// value is the runtime error and recoverInt resumes where that release resumes a recovered
// frame. Call sites come from `go tool objdump` of the same object.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "tests/runtime/objdump_listing.h"
#include "tests/runtime/world.h"

namespace gd::test {
namespace {

class PanicModel : public ::testing::TestWithParam<std::string> {};

// recoverInt at the return address of its CALL runtime.deferprocStack, its record linked.
struct Frame {
  uint64_t c = 0, afterDeferproc = 0, deferreturnCall = 0, sp = 0, cfa = 0, d = 0, fv = 0;
  uint64_t closure = 0;
};

// The address of fn's first CALL of `callee` in objdump's listing of panics.o.
uint64_t callSite(const std::string& rel, const std::string& fn, uint64_t entry,
                  const std::string& callee) {
  for (const Func& f : parseObjdump(slurp(fixture(rel + "/nl/panics.objdump"))))
    if (f.name == fn)
      for (const Insn& i : f.insns)
        if (i.text.starts_with("CALL ") && i.text.find("R_CALL:" + callee) != std::string::npos)
          return entry + (i.off - f.insns.front().off);
  throw std::runtime_error(fn + " does not call " + callee + " in the listing");
}

Frame enterC(World& w, const std::string& rel) {
  Frame f;
  f.c = w.addressOf("main.recoverInt");
  f.closure = w.addressOf("main.recoverInt.func1");
  uint64_t deferproc = callSite(rel, "main.recoverInt", f.c, "runtime.deferprocStack");
  f.deferreturnCall = callSite(rel, "main.recoverInt", f.c, "runtime.deferreturn");
  f.afterDeferproc = deferproc + 5;
  f.cfa = w.rt->entrySp(0) + 8;
  f.sp = f.cfa - 8 - uint64_t(w.rt->walker().spDelta(deferproc).value_or(0));
  w.g->put64(f.cfa - 8, w.img->sentinel());
  const rt::DeferLayout& L = w.prof->defer;
  f.d = f.sp + 0x10;
  auto fv = w.rt->alloc(*w.g, 16);
  if (!fv) throw std::runtime_error("no heap");
  f.fv = *fv;
  w.g->put64(f.fv, f.closure);
  w.g->put64(f.d + L.fn, f.fv);
  if (L.siz >= 0) w.g->put32(f.d + uint64_t(L.siz), 0);
  w.g->setReg(Reg::RAX, f.d);
  if (!w.prof->registerAbi) w.g->put64(f.sp, f.d);
  auto r = w.call("runtime.deferprocStack", f.sp, f.afterDeferproc);
  if (r.status != rt::StubStatus::Continue) throw std::runtime_error(r.message);
  return f;
}

// The fault: recoverInt dereferences nil at the instruction after its deferprocStack call.
rt::StubResult nilDeref(World& w, const Frame& f) {
  w.g->setReg(Reg::RIP, f.afterDeferproc);
  w.g->setReg(Reg::RSP, f.sp);
  return w.rt->memoryFault(*w.g, f.afterDeferproc, 0);
}

TEST_P(PanicModel, AnUnrecoveredPanicRunsTheDeferredCallThenDies) {
  World w(GetParam() + "/nl/panics.o");
  Frame f = enterC(w, GetParam());
  rt::StubResult r = nilDeref(w, f);
  ASSERT_EQ(r.status, rt::StubStatus::Continue) << r.message;
  EXPECT_EQ(w.g->reg(Reg::RIP), f.closure);
  EXPECT_EQ(w.g->reg(Reg::RDX), f.fv);
  uint64_t callSp = w.g->reg(Reg::RSP);
  EXPECT_EQ(w.g->u64(callSp), w.img->runtimeSlot(0)); // returns into gopanic
  EXPECT_LT(callSp, f.sp);                            // below the panicking frame
  // The stack as the debugger sees it: the closure, gopanic, recoverInt.
  auto frames = w.rt->unwind(*w.g, f.closure, callSp);
  ASSERT_GE(frames.size(), 3u);
  EXPECT_EQ(frames[1].name, "runtime.gopanic");
  EXPECT_EQ(frames.back().name, "main.recoverInt");
  EXPECT_EQ(frames.back().cfa, f.cfa);

  r = w.ret(); // the closure returns: no record left, nobody recovered
  ASSERT_EQ(r.status, rt::StubStatus::Exit) << r.message;
  EXPECT_EQ(r.exitStatus, 2);
  EXPECT_TRUE(w.events.output.starts_with(
      "panic: runtime error: invalid memory address or nil pointer dereference\n"
      "[signal SIGSEGV: segmentation violation code="))
      << w.events.output;
  EXPECT_NE(w.events.output.find("\n\ngoroutine 1 [running]:\nmain.recoverInt("), std::string::npos)
      << w.events.output;
  EXPECT_EQ(w.gDefer(), 0u);
}

TEST_P(PanicModel, RecoverInTheDeferredCallResumesTheFrame) {
  World w(GetParam() + "/nl/panics.o");
  Frame f = enterC(w, GetParam());
  ASSERT_EQ(nilDeref(w, f).status, rt::StubStatus::Continue);
  uint64_t callSp = w.g->reg(Reg::RSP);
  uint64_t p = w.g->u64(w.rt->gAddr() + w.prof->g.panic).value_or(0);
  ASSERT_NE(p, 0u);
  const rt::PanicLayout& P = w.prof->panic;

  // The closure calls recover() (its CALL runtime.gorecover, its frame set up).
  uint64_t call = callSite(GetParam(), "main.recoverInt.func1", f.closure, "runtime.gorecover");
  uint64_t at = call + 5;
  int64_t delta = w.rt->walker().spDelta(call).value_or(0);
  uint64_t sp = callSp - uint64_t(delta);
  if (w.prof->recover == rt::RecoverRule::Argp) { // gorecover(argp): the closure's argument pointer
    w.g->setReg(Reg::RAX, callSp + 8);
    if (!w.prof->registerAbi) w.g->put64(sp, callSp + 8);
  }
  rt::StubResult r = w.call("runtime.gorecover", sp, at);
  ASSERT_EQ(r.status, rt::StubStatus::Continue) << r.message;
  EXPECT_EQ(w.g->reg(Reg::RIP), at);
  uint64_t type = w.prof->registerAbi ? w.g->reg(Reg::RAX) : w.g->u64(sp + 8).value_or(0);
  uint64_t data = w.prof->registerAbi ? w.g->reg(Reg::RBX) : w.g->u64(sp + 16).value_or(0);
  EXPECT_EQ(type, w.g->u64(p + P.arg).value_or(1)); // the panic's value, the runtime error
  EXPECT_EQ(data, w.g->u64(p + P.arg + 8).value_or(1));
  EXPECT_NE(type, 0u);

  // The closure returns into gopanic, which finds the panic recovered.
  w.g->setReg(Reg::RSP, callSp);
  r = w.ret();
  ASSERT_EQ(r.status, rt::StubStatus::Continue) << r.message;
  EXPECT_EQ(w.g->reg(Reg::RSP), f.sp);
  if (w.prof->deferprocReturnsFlag) {
    // Up to Go 1.24 a linked record resumes at d.pc (Go 1.22-1.24: p.retpc = d.pc) as if
    // deferproc had returned 1, and the frame's `TESTL AX, AX; JNE` goes to deferreturn.
    EXPECT_EQ(w.g->reg(Reg::RIP), f.afterDeferproc);
    EXPECT_EQ(w.g->reg(Reg::RAX), 1u);
  } else {
    // Go 1.25+: at the frame's CALL runtime.deferreturn (f.entry() + f.deferreturn).
    EXPECT_EQ(w.g->reg(Reg::RIP), f.deferreturnCall);
  }
  EXPECT_EQ(w.g->u64(w.rt->gAddr() + w.prof->g.panic), 0u); // no panic in progress
  EXPECT_TRUE(w.events.output.empty()) << w.events.output;
}

INSTANTIATE_TEST_SUITE_P(Releases, PanicModel, ::testing::ValuesIn(kGoVersions), releaseName);

} // namespace
} // namespace gd::test
