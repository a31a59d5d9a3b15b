// What the engine needs to know about a guest instruction, decoded once per address with Zydis:
// its length, the memory it addresses (as base + index*scale + disp, so the address can be
// computed from the registers of the moment), which general registers it writes (the trace reads
// only those) and whether it calls or returns (the debugger's `next` and `finish`). The machine
// uses it to count the instructions of a translated block and to find which instruction of a
// block faulted (Unicorn 2.0.1 without a code hook reports the block's start as RIP).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

namespace gd::emu {

// General registers are numbered as rt::Reg (RAX, RBX, RCX, RDX, RSI, RDI, RBP, RSP, R8..R15);
// kRegRip stands for RIP-relative addressing, kRegFs/kRegGs for segment bases, kRegNone for none.
inline constexpr uint8_t kRegRip = 16, kRegFs = 17, kRegGs = 18, kRegNone = 0xff;

struct MemAccess {
  uint8_t base = kRegNone, index = kRegNone, segment = kRegNone;
  uint8_t scale = 0;
  int64_t disp = 0;
  uint16_t size = 0; // bytes
  bool read = false, write = false;
};

struct DecodedInsn {
  bool ok = false;     // false: Zydis cannot decode it (Unicorn will raise invalid instruction)
  uint8_t length = 1;  // bytes
  uint32_t writes = 0; // bit i: general register i (rt::Reg numbering) is written
  bool isCall = false, isRet = false;
  std::vector<MemAccess> mem; // explicit and implicit memory operands (not LEA's)
};

// Reads guest bytes: false when [addr, addr+n) is not readable.
using CodeReader = std::function<bool(uint64_t addr, void* dst, size_t n)>;

// A per-address cache of decoded instructions. Code does not change under emulation (text is
// mapped read-only), so an entry never goes stale.
class DecodeCache {
public:
  explicit DecodeCache(CodeReader read) : read_(std::move(read)) {}
  const DecodedInsn& at(uint64_t pc);
  // The number of instructions in [start, start+size) decoded one after another (a translated
  // block); cached by (start, size), the hot entries in a direct-mapped table (this runs once
  // per executed block).
  uint32_t countIn(uint64_t start, uint32_t size) {
    Block& b = hot_[(start ^ (start >> 12)) & (kHot - 1)];
    if (b.start == start && b.size == size) return b.count;
    uint32_t n = countSlow(start, size);
    b = {start, size, n};
    return n;
  }

private:
  struct Block {
    uint64_t start = UINT64_MAX;
    uint32_t size = 0, count = 0;
  };
  static constexpr size_t kHot = 4096;
  uint32_t countSlow(uint64_t start, uint32_t size);
  std::array<Block, kHot> hot_{};
  CodeReader read_;
  std::unordered_map<uint64_t, DecodedInsn> insns_;
  std::unordered_map<uint64_t, uint32_t> blocks_;
};

// The address a memory operand refers to, given the register file in rt::Reg order (RAX..R15,
// RIP, FsBase, GsBase) and the address of the next instruction (for RIP-relative operands).
uint64_t effectiveAddress(const MemAccess& m, const uint64_t* regs, uint64_t nextPc);

} // namespace gd::emu
