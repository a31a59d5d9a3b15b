// The defer models without a CPU: deferprocStack and deferreturn run on a FakeGuest (memory in
// a map, registers in an array) over the image of a real object of each release, driven the
// way compiled code drives them (argument in AX or on the stack, a pushed return address, a
// jump to the runtime function's extern slot). What they must do is src/runtime/panic.go of
// that release: link the record at the head of g._defer with the caller's sp and pc, return 0
// in AX up to Go 1.24, and at the frame's end unlink the record and call its closure with DX =
// the funcval (Go 1.18+: returning into deferreturn, which then returns to the caller; Go 1.15:
// jmpdefer, returning onto the CALL deferreturn so that it runs again). This binary links the
// loader and the runtime model only, no Unicorn.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "loader/image.h"
#include "loader/object.h"
#include "runtime_stubs/runtime.h"
#include "runtime_stubs/runtime_profile.h"
#include "tests/runtime/world.h"
#include "tests/unit/support.h"

namespace gd::test {
namespace {

using rt::Reg;

class DeferModel : public ::testing::TestWithParam<std::string> {};

TEST_P(DeferModel, DeferprocStackLinksAndDeferreturnCallsTheClosure) {
  World w(GetParam() + "/nl/deferr.o");
  const rt::DeferLayout& L = w.prof->defer;
  uint64_t closure = w.addressOf("main.c.func1"), c = w.addressOf("main.c");
  auto fv = w.rt->alloc(*w.g, 16);
  ASSERT_TRUE(fv);
  w.g->put64(*fv, closure);
  // main.c's frame: the record in it, and the two call sites (the return addresses).
  uint64_t callerSp = w.rt->entrySp(64) - 0x200, d = callerSp + 0x40;
  uint64_t afterDeferproc = c + 0x20, afterDeferreturn = c + 0x40;
  w.g->put64(d + L.fn, *fv);
  if (L.siz >= 0) w.g->put32(d + uint64_t(L.siz), 0); // Go 1.15: no argument bytes
  // ABIInternal: the argument in AX; ABI0: at 0(SP) of the caller's outgoing area.
  w.g->setReg(Reg::RAX, w.prof->registerAbi ? d : 0x1234);
  if (!w.prof->registerAbi) w.g->put64(callerSp, d);

  rt::StubResult r = w.call("runtime.deferprocStack", callerSp, afterDeferproc);
  ASSERT_EQ(r.status, rt::StubStatus::Continue) << r.message;
  EXPECT_EQ(w.g->reg(Reg::RIP), afterDeferproc);
  EXPECT_EQ(w.g->reg(Reg::RSP), callerSp);
  if (w.prof->deferprocReturnsFlag) {
    EXPECT_EQ(w.g->reg(Reg::RAX), 0u); // return0()
  }
  EXPECT_EQ(w.gDefer(), d);
  EXPECT_EQ(w.g->u64(d + L.link), 0u);
  EXPECT_EQ(w.g->u64(d + L.sp), callerSp);
  EXPECT_EQ(w.g->u64(d + L.pc), afterDeferproc);
  EXPECT_EQ(w.rt->deferChain(*w.g), std::vector<uint64_t>{d});

  // The function's end: CALL runtime.deferreturn (Go 1.15: deferreturn(arg0), the caller's
  // outgoing word).
  r = w.call("runtime.deferreturn", callerSp, afterDeferreturn);
  ASSERT_EQ(r.status, rt::StubStatus::Continue) << r.message;
  EXPECT_EQ(w.g->reg(Reg::RIP), closure);
  EXPECT_EQ(w.g->reg(Reg::RDX), *fv);
  EXPECT_EQ(w.gDefer(), 0u);
  EXPECT_TRUE(w.rt->deferChain(*w.g).empty());
  if (w.prof->deferReturn == rt::DeferReturnStyle::JmpDefer) {
    // jmpdefer: the closure returns onto the CALL deferreturn (5 bytes before the return
    // address), with SP where the call left it.
    EXPECT_EQ(w.g->u64(w.g->reg(Reg::RSP)), afterDeferreturn - 5);
    EXPECT_EQ(w.g->reg(Reg::RSP), callerSp - 8);
  } else {
    // The closure returns into deferreturn (an extern continuation), which finds no record
    // of this frame left and returns to the caller.
    r = w.ret();
    ASSERT_EQ(r.status, rt::StubStatus::Continue) << r.message;
    EXPECT_EQ(w.g->reg(Reg::RIP), afterDeferreturn);
    EXPECT_EQ(w.g->reg(Reg::RSP), callerSp);
  }
  std::vector<rt::RuntimeEventKind> kinds;
  for (const auto& e : w.events.seen)
    kinds.push_back(e.kind);
  using K = rt::RuntimeEventKind;
  std::vector<K> want = {K::DeferRegistered, w.prof->deferReturn == rt::DeferReturnStyle::JmpDefer
                                                 ? K::DeferJmp
                                                 : K::DeferRun};
  if (w.prof->deferReturn != rt::DeferReturnStyle::JmpDefer) want.push_back(K::DeferReturnDone);
  EXPECT_EQ(kinds, want);
  ASSERT_FALSE(w.events.seen.empty());
  EXPECT_EQ(w.events.seen[0].chainLength, 1u);
  EXPECT_EQ(w.events.seen[0].fnName, "main.c.func1");
}

// Two records in one frame run newest first, and each runs once: with Go 1.18+'s loop inside
// deferreturn, and with Go 1.15's jmpdefer, where each closure returns onto the CALL
// deferreturn, which runs again for the next record.
TEST_P(DeferModel, DeferreturnRunsTheFramesRecordsNewestFirst) {
  World w(GetParam() + "/nl/deferr.o");
  const rt::DeferLayout& L = w.prof->defer;
  bool jmpdefer = w.prof->deferReturn == rt::DeferReturnStyle::JmpDefer;
  uint64_t closure = w.addressOf("main.c.func1"), c = w.addressOf("main.c");
  uint64_t callerSp = w.rt->entrySp(64) - 0x200;
  uint64_t d1 = callerSp + 0x40, d2 = callerSp + 0x40 + L.size;
  auto fv1 = w.rt->alloc(*w.g, 16), fv2 = w.rt->alloc(*w.g, 16);
  ASSERT_TRUE(fv1 && fv2);
  w.g->put64(*fv1, closure);
  w.g->put64(*fv2, closure);
  for (auto [d, fv] : {std::pair{d1, *fv1}, std::pair{d2, *fv2}}) {
    w.g->put64(d + L.fn, fv);
    if (L.siz >= 0) w.g->put32(d + uint64_t(L.siz), 0);
    w.g->setReg(Reg::RAX, d);
    if (!w.prof->registerAbi) w.g->put64(callerSp, d);
    ASSERT_EQ(w.call("runtime.deferprocStack", callerSp, c + 0x20).status,
              rt::StubStatus::Continue);
  }
  EXPECT_EQ(w.rt->deferChain(*w.g), (std::vector<uint64_t>{d2, d1}));
  uint64_t after = c + 0x40; // the return address of CALL runtime.deferreturn
  ASSERT_EQ(w.call("runtime.deferreturn", callerSp, after).status, rt::StubStatus::Continue);
  EXPECT_EQ(w.g->reg(Reg::RIP), closure);
  EXPECT_EQ(w.g->reg(Reg::RDX), *fv2);
  EXPECT_EQ(w.rt->deferChain(*w.g), std::vector<uint64_t>{d1});
  if (jmpdefer) {
    // The closure's RET lands on the CALL, which calls deferreturn again.
    uint64_t sp = w.g->reg(Reg::RSP);
    EXPECT_EQ(w.g->u64(sp), after - 5);
    ASSERT_EQ(w.call("runtime.deferreturn", callerSp, after).status, rt::StubStatus::Continue);
  } else {
    ASSERT_EQ(w.ret().status, rt::StubStatus::Continue); // back in deferreturn's loop
  }
  EXPECT_EQ(w.g->reg(Reg::RIP), closure);
  EXPECT_EQ(w.g->reg(Reg::RDX), *fv1);
  EXPECT_EQ(w.gDefer(), 0u);
  if (jmpdefer)
    ASSERT_EQ(w.call("runtime.deferreturn", callerSp, after).status, rt::StubStatus::Continue);
  else
    ASSERT_EQ(w.ret().status, rt::StubStatus::Continue);
  // Nothing left for this frame: deferreturn returns to its caller.
  EXPECT_EQ(w.g->reg(Reg::RIP), after);
  EXPECT_EQ(w.g->reg(Reg::RSP), callerSp);
}

INSTANTIATE_TEST_SUITE_P(Releases, DeferModel, ::testing::ValuesIn(kGoVersions), releaseName);

} // namespace
} // namespace gd::test
