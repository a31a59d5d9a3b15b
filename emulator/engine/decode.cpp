#include "emulator/engine/decode.h"

#include "loader/zydis.h"

namespace gd::emu {
namespace {

uint8_t regNumber(ZydisRegister r) {
  if (r == ZYDIS_REGISTER_NONE) return kRegNone;
  if (r == ZYDIS_REGISTER_RIP || r == ZYDIS_REGISTER_EIP) return kRegRip;
  if (r == ZYDIS_REGISTER_FS) return kRegFs;
  if (r == ZYDIS_REGISTER_GS) return kRegGs;
  static const ZydisRegister order[16] = {
      ZYDIS_REGISTER_RAX, ZYDIS_REGISTER_RBX, ZYDIS_REGISTER_RCX, ZYDIS_REGISTER_RDX,
      ZYDIS_REGISTER_RSI, ZYDIS_REGISTER_RDI, ZYDIS_REGISTER_RBP, ZYDIS_REGISTER_RSP,
      ZYDIS_REGISTER_R8,  ZYDIS_REGISTER_R9,  ZYDIS_REGISTER_R10, ZYDIS_REGISTER_R11,
      ZYDIS_REGISTER_R12, ZYDIS_REGISTER_R13, ZYDIS_REGISTER_R14, ZYDIS_REGISTER_R15};
  ZydisRegister big = ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, r);
  for (uint8_t i = 0; i < 16; i++)
    if (order[i] == big) return i;
  return kRegNone; // segment registers other than FS/GS, vector, flags...
}

DecodedInsn decode(const uint8_t* code, size_t n) {
  DecodedInsn out;
  ZydisDecodedInstruction zi;
  ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
  if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&loader::zydis(), code, n, &zi, ops))) return out;
  out.ok = true;
  out.length = zi.length;
  out.isCall = zi.mnemonic == ZYDIS_MNEMONIC_CALL;
  out.isRet = zi.mnemonic == ZYDIS_MNEMONIC_RET;
  for (uint8_t i = 0; i < zi.operand_count; i++) {
    const ZydisDecodedOperand& op = ops[i];
    if (op.type == ZYDIS_OPERAND_TYPE_REGISTER && (op.actions & ZYDIS_OPERAND_ACTION_MASK_WRITE)) {
      uint8_t r = regNumber(op.reg.value);
      if (r < 16) out.writes |= 1u << r;
    }
    if (op.type != ZYDIS_OPERAND_TYPE_MEMORY || op.mem.type == ZYDIS_MEMOP_TYPE_AGEN ||
        op.mem.type == ZYDIS_MEMOP_TYPE_MIB)
      continue;
    MemAccess m;
    m.base = regNumber(op.mem.base);
    m.index = regNumber(op.mem.index);
    m.scale = op.mem.scale;
    m.disp = op.mem.disp.has_displacement ? op.mem.disp.value : 0;
    if (op.mem.segment == ZYDIS_REGISTER_FS || op.mem.segment == ZYDIS_REGISTER_GS)
      m.segment = regNumber(op.mem.segment);
    m.size = uint16_t(op.size / 8);
    m.read = op.actions & ZYDIS_OPERAND_ACTION_MASK_READ;
    m.write = op.actions & ZYDIS_OPERAND_ACTION_MASK_WRITE;
    out.mem.push_back(m);
  }
  return out;
}

} // namespace

const DecodedInsn& DecodeCache::at(uint64_t pc) {
  auto it = insns_.find(pc);
  if (it != insns_.end()) return it->second;
  uint8_t buf[ZYDIS_MAX_INSTRUCTION_LENGTH] = {};
  size_t n = sizeof buf;
  // The last instruction of a mapped area may sit closer than 15 bytes to its end.
  while (n > 0 && !read_(pc, buf, n))
    n--;
  return insns_.emplace(pc, decode(buf, n)).first->second;
}

uint32_t DecodeCache::countSlow(uint64_t start, uint32_t size) {
  uint64_t key = start ^ (uint64_t(size) << 48);
  auto it = blocks_.find(key);
  if (it != blocks_.end()) return it->second;
  uint32_t count = 0;
  for (uint64_t pc = start; pc < start + size; count++)
    pc += at(pc).length;
  blocks_.emplace(key, count);
  return count;
}

uint64_t effectiveAddress(const MemAccess& m, const uint64_t* regs, uint64_t nextPc) {
  auto value = [&](uint8_t r) -> uint64_t {
    if (r == kRegNone) return 0;
    if (r == kRegRip) return nextPc;
    return regs[r]; // RAX..R15, then RIP (16), FsBase (17), GsBase (18)
  };
  uint64_t a =
      value(m.base) + value(m.index) * (m.index == kRegNone ? 0 : m.scale) + uint64_t(m.disp);
  if (m.segment != kRegNone) a += value(m.segment);
  return a;
}

} // namespace gd::emu
