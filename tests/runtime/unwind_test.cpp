// The one stack walker (runtime_stubs/unwind.h), without a CPU, referred to `go tool objdump`
// of the same objects: the SP delta it reads from the pcsp tables must be what the prologue's
// instructions do to SP (PUSHQ, SUBQ $n, SP ...), counted along the straight line from each
// function's entry; the deferreturn call it finds from relocations must be objdump's
// first `CALL runtime.deferreturn`; and a walk through a runtime model's frame and a Go frame
// must arrive at the sentinel with each frame's caller SP, return address and name.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/runtime/objdump_listing.h"
#include "tests/runtime/world.h"

namespace gd::test {
namespace {

class Unwind : public ::testing::TestWithParam<std::string> {};

TEST_P(Unwind, SpDeltaIsWhatThePrologueDoesToSp) {
  int checked = 0;
  for (const char* mode : {"nl", "opt"}) {
    std::filesystem::path dir = fixture(GetParam() + "/" + mode);
    if (!std::filesystem::exists(dir)) continue;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() != ".o") continue;
      World w(GetParam() + "/" + mode + "/" + e.path().filename().string());
      auto objdump = e.path();
      objdump.replace_extension(".objdump");
      for (const Func& f : parseObjdump(slurp(objdump))) {
        if (f.insns.empty()) continue;
        uint64_t entry = w.addressOf(f.name);
        int64_t delta = 0;
        for (const Insn& i : f.insns) {
          uint64_t pc = entry + (i.off - f.insns.front().off);
          auto got = w.rt->walker().spDelta(pc);
          ASSERT_TRUE(got) << e.path() << " " << f.name << " at " << i.text;
          EXPECT_EQ(*got, delta) << e.path().filename() << " " << f.name << " +"
                                 << (i.off - f.insns.front().off) << " " << i.text;
          checked++;
          auto eff = spEffect(i.text);
          if (!eff) break;
          delta += *eff;
        }
      }
    }
  }
  EXPECT_GT(checked, 1000);
}

TEST_P(Unwind, WalksFromAModelThroughGoFramesToTheSentinel) {
  World w(GetParam() + "/nl/deferr.o");
  Func c;
  for (Func& f : parseObjdump(slurp(fixture(GetParam() + "/nl/deferr.objdump"))))
    if (f.name == "main.c") c = f;
  ASSERT_FALSE(c.insns.empty());
  uint64_t entry = w.addressOf("main.c");
  // objdump's first CALL runtime.deferreturn and the SP delta at it.
  uint64_t callPc = 0;
  int64_t delta = 0;
  for (const Insn& i : c.insns) {
    if (i.text.rfind("CALL ", 0) == 0 &&
        i.text.find("R_CALL:runtime.deferreturn") != std::string::npos) {
      callPc = entry + (i.off - c.insns.front().off);
      break;
    }
    delta += spEffect(i.text).value_or(0);
  }
  ASSERT_NE(callPc, 0u);
  auto id = w.obj->findFunction("main.c");
  ASSERT_TRUE(id);
  EXPECT_EQ(w.rt->walker().deferreturnCall(*id), callPc);

  // main.c called from the emulator (its return address is the sentinel), at its CALL.
  uint64_t cfaC = w.rt->entrySp(0) + 8, spC = cfaC - 8 - uint64_t(delta);
  w.g->put64(cfaC - 8, w.img->sentinel());
  w.g->put64(spC - 8, callPc + 5);
  uint64_t slot = w.addressOf("runtime.deferreturn");
  auto frames = w.rt->unwind(*w.g, slot, spC - 8);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_TRUE(frames[0].model);
  EXPECT_EQ(frames[0].name, "runtime.deferreturn");
  EXPECT_EQ(frames[0].cfa, spC);
  EXPECT_EQ(frames[0].lr, callPc + 5);
  EXPECT_FALSE(frames[1].model);
  EXPECT_EQ(frames[1].fn, id);
  EXPECT_EQ(frames[1].name, "main.c");
  EXPECT_EQ(frames[1].pc, callPc + 5);
  EXPECT_EQ(frames[1].lookupPc, callPc + 4);
  EXPECT_EQ(frames[1].sp, spC);
  EXPECT_EQ(frames[1].cfa, cfaC);
  EXPECT_EQ(frames[1].lr, w.img->sentinel());
  EXPECT_FALSE(frames[1].jmpdefer);

  // The deferred closure at its entry, returning onto the CALL itself: Go 1.15's jmpdefer
  // (the frame is described at the CALL); for later releases an ordinary return address.
  w.g->put64(spC - 8, callPc);
  frames = w.rt->unwind(*w.g, w.addressOf("main.c.func1"), spC - 8);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].cfa, spC);
  bool jmp = w.prof->deferReturn == rt::DeferReturnStyle::JmpDefer;
  EXPECT_EQ(frames[1].jmpdefer, jmp);
  EXPECT_EQ(frames[1].lookupPc, jmp ? callPc : callPc - 1);
  EXPECT_EQ(frames[1].cfa, cfaC);
  // Stopping after one frame.
  EXPECT_EQ(w.rt->unwind(*w.g, slot, spC - 8, 1).size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Releases, Unwind, ::testing::ValuesIn(kGoVersions), releaseName);

} // namespace
} // namespace gd::test
