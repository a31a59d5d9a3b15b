// The engine's two speeds (emulator/engine/machine.h): translated blocks counted per block with no
// per-instruction callback, and a code hook before every instruction. Both must give the same
// instruction counts, stop at the same count, and put a fault on the same instruction; where a
// block alone cannot tell which instruction faulted, the machine must say so rather than guess.
#include <gtest/gtest.h>

#include <vector>

#include "emulator/engine/machine.h"
#include "loader/image.h"

namespace gd::emu {
namespace {

constexpr uint64_t kText = 0x400000, kData = 0x500000;

std::unique_ptr<Machine> machineWith(std::vector<uint8_t> code) {
  loader::Image img;
  img.segments.push_back({"text", kText, 0x1000, loader::kRead | loader::kExec, std::move(code)});
  img.segments.push_back({"data", kData, 0x1000, loader::kRead | loader::kWrite, {}});
  auto m = Machine::create(img);
  EXPECT_TRUE(m.has_value());
  (*m)->setReg(rt::Reg::RIP, kText);
  return std::move(*m);
}

// mov rcx, n; L: inc rax; add rbx, rax; dec rcx; jnz L; jmp 0x10 (unmapped: the run ends there)
std::vector<uint8_t> loop(uint32_t n) {
  std::vector<uint8_t> c = {0x48, 0xc7, 0xc1};
  for (int i = 0; i < 4; i++)
    c.push_back(uint8_t(n >> (8 * i)));
  std::vector<uint8_t> body = {0x48, 0xff, 0xc0, 0x48, 0x01, 0xc3, 0x48, 0xff, 0xc9, 0x75, 0xf5};
  c.insert(c.end(), body.begin(), body.end());
  c.insert(c.end(), {0x48, 0xc7, 0xc2, 0x10, 0, 0, 0, 0xff, 0xe2}); // mov rdx, 0x10; jmp rdx
  return c;
}

struct Outcome {
  Halt halt;
  uint64_t count;
  uint64_t rax, rbx;
};

Outcome runIt(std::vector<uint8_t> code, bool step, uint64_t count = 0,
              void (*setup)(Machine&) = nullptr) {
  auto m = machineWith(std::move(code));
  m->setStepAlways(step);
  if (setup) setup(*m);
  Halt h = m->run(count);
  return {h, m->instructionsExecuted(), m->reg(rt::Reg::RAX), m->reg(rt::Reg::RBX)};
}

TEST(Machine, BlockCountingAgreesWithTheCodeHook) {
  Outcome fast = runIt(loop(1000), false), slow = runIt(loop(1000), true);
  EXPECT_EQ(fast.halt.kind, HaltKind::FetchUnmapped);
  EXPECT_EQ(fast.halt.pc, 0x10u);
  EXPECT_EQ(fast.count, 1 + 4 * 1000 + 2); // the loop's instructions, counted by hand
  EXPECT_EQ(slow.count, fast.count);
  EXPECT_EQ(fast.rbx, 1000u * 1001 / 2);
}

TEST(Machine, StopsAtACountInsideABlockAtBothSpeeds) {
  for (uint64_t n : {1u, 2u, 3u, 6u, 1234u}) {
    Outcome fast = runIt(loop(1000), false, n), slow = runIt(loop(1000), true, n);
    EXPECT_EQ(fast.halt.kind, HaltKind::CountDone) << n;
    EXPECT_EQ(fast.count, n);
    EXPECT_EQ(slow.count, n);
    EXPECT_EQ(fast.halt.pc, slow.halt.pc) << n;
    EXPECT_EQ(fast.rax, slow.rax) << n;
  }
}

// A loop of three translated blocks chained to one another (Unicorn does not store RIP when it
// jumps from one chained block to the next): stopping before any of them leaves RIP where the
// stepped run has it. mov rcx, n; A: inc rax; jmp B; B: add rbx, rax; mov [data], rbx; jmp C;
// C: dec rcx; jnz A; mov rdx, 0x10; jmp rdx
TEST(Machine, StopsBetweenChainedBlocksAtTheRightPlace) {
  std::vector<uint8_t> code = {0x48, 0xc7, 0xc1, 0xe8, 0x03, 0,    0,          // mov rcx, 1000
                               0x48, 0xff, 0xc0, 0xeb, 0x00,                   // A (7)
                               0x48, 0x01, 0xc3,                               // B (12)
                               0x48, 0x89, 0x1c, 0x25, 0x00, 0x00, 0x50, 0x00, //
                               0xeb, 0x00,                                     //
                               0x48, 0xff, 0xc9, 0x75, 0xe9,                   // C (25)
                               0x48, 0xc7, 0xc2, 0x10, 0,    0,    0,    0xff, 0xe2};
  for (uint64_t n = 1; n < 40; n++) {
    Outcome fast = runIt(code, false, n), slow = runIt(code, true, n);
    ASSERT_EQ(fast.count, n) << int(fast.halt.kind) << " " << std::hex << fast.halt.pc << " "
                             << slow.halt.pc;
    ASSERT_EQ(fast.halt.pc, slow.halt.pc) << n;
    ASSERT_EQ(fast.rbx, slow.rbx) << n;
  }
  Outcome all = runIt(code, false);
  EXPECT_EQ(all.count, 1 + 7 * 1000 + 2);
  EXPECT_EQ(all.rbx, 1000u * 1001 / 2);
}

// mov rax, 1; add rax, 5; mov rbx, [8]; mov rcx, 2
TEST(Machine, AFaultInsideABlockIsPlacedOnItsInstruction) {
  std::vector<uint8_t> code = {0x48, 0xc7, 0xc0, 1, 0, 0, 0,    0x48, 0x83, 0xc0, 0x05, 0x48, 0x8b,
                               0x1c, 0x25, 0x08, 0, 0, 0, 0x48, 0xc7, 0xc1, 2,    0,    0,    0};
  Outcome fast = runIt(code, false), slow = runIt(code, true);
  EXPECT_EQ(fast.halt.kind, HaltKind::ReadUnmapped);
  EXPECT_EQ(fast.halt.addr, 8u);
  EXPECT_TRUE(fast.halt.pcExact);
  EXPECT_EQ(fast.halt.pc, kText + 11);
  EXPECT_EQ(slow.halt.pc, kText + 11);
  EXPECT_EQ(fast.count, 2u);
  EXPECT_EQ(slow.count, 2u);
  EXPECT_EQ(fast.rax, 6u);
}

// mov [rax+0x10], rbx with rax = 0: a store
TEST(Machine, AFaultingStoreIsPlacedToo) {
  std::vector<uint8_t> code = {0x48, 0xff, 0xc3, 0x48, 0x89, 0x58, 0x10, 0x48, 0xff, 0xc3};
  Outcome fast = runIt(code, false);
  EXPECT_EQ(fast.halt.kind, HaltKind::WriteUnmapped);
  EXPECT_TRUE(fast.halt.pcExact);
  EXPECT_EQ(fast.halt.pc, kText + 3);
  EXPECT_EQ(fast.count, 1u);
  EXPECT_EQ(fast.rbx, 1u);
}

// mov rcx, [rdx+8]; mov rdx, [rdx+8] with rdx = 0: both compute to 8, but had the first run,
// the second could not compute to 8 unless the first had changed rdx; it did not (it writes rcx).
TEST(Machine, ASecondCandidateIsRuledOutByTheRegistersTheFirstLeftAlone) {
  std::vector<uint8_t> code = {0x48, 0x8b, 0x4a, 0x08, 0x48, 0x8b, 0x52, 0x08};
  Outcome fast = runIt(code, false);
  EXPECT_TRUE(fast.halt.pcExact);
  EXPECT_EQ(fast.halt.pc, kText);
  EXPECT_EQ(fast.count, 0u);
}

// mov rax, [rax]; mov rax, [rax]: with [rax] = 0 the second faults at 0, and so would the first
// have with rax = 0. Both stories fit the registers: the machine must not pick one.
TEST(Machine, AnAmbiguousFaultIsReportedAsSuch) {
  std::vector<uint8_t> code = {0x48, 0x8b, 0x00, 0x48, 0x8b, 0x00, 0x90};
  auto setup = +[](Machine& m) {
    m.setReg(rt::Reg::RAX, kData + 0x100); // holds 0
    m.setReg(rt::Reg::RBX, 7);
  };
  Outcome fast = runIt(code, false, 0, setup), slow = runIt(code, true, 0, setup);
  EXPECT_EQ(fast.halt.kind, HaltKind::ReadUnmapped);
  EXPECT_FALSE(fast.halt.pcExact);
  EXPECT_EQ(fast.halt.blockStart, kText);
  EXPECT_EQ(fast.halt.blockCount, 0u);
  EXPECT_TRUE(slow.halt.pcExact);
  EXPECT_EQ(slow.halt.pc, kText + 3); // what the code hook sees: the second load
  EXPECT_EQ(slow.count, 1u);
}

} // namespace
} // namespace gd::emu

namespace gd::emu {
namespace {

// The per-pc decoding the engine, the trace and the debugger share: length, registers written
// (implicit ones included), calls and returns.
TEST(Machine, DecodedInstructionsKnowWritesCallsAndReturns) {
  // call +0; ret; cqo (writes RDX); div rcx (RAX, RDX); push rbx (RSP); syscall (RCX, R11)
  auto m = machineWith({0xe8, 0, 0, 0, 0, 0xc3, 0x48, 0x99, 0x48, 0xf7, 0xf1, 0x53, 0x0f, 0x05});
  auto bit = [](rt::Reg r) { return 1u << unsigned(r); };
  const DecodedInsn& call = m->decoded(kText);
  EXPECT_TRUE(call.isCall);
  EXPECT_EQ(call.length, 5);
  EXPECT_TRUE(call.writes & bit(rt::Reg::RSP));
  EXPECT_TRUE(m->decoded(kText + 5).isRet);
  EXPECT_FALSE(m->decoded(kText + 5).isCall);
  EXPECT_EQ(m->decoded(kText + 6).writes, bit(rt::Reg::RDX));
  EXPECT_EQ(m->decoded(kText + 8).writes, bit(rt::Reg::RAX) | bit(rt::Reg::RDX));
  EXPECT_EQ(m->decoded(kText + 11).writes, bit(rt::Reg::RSP));
  EXPECT_EQ(m->decoded(kText + 12).writes, bit(rt::Reg::RCX) | bit(rt::Reg::R11));
}

} // namespace
} // namespace gd::emu
