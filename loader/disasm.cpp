// x86-64 disassembly: Zydis decodes, and the result is re-expressed the way
// golang.org/x/arch/x86/x86asm models an instruction (opcode name, arguments in Intel order,
// prefixes with their roles, operand and memory sizes), then printed as x86asm.GoSyntax prints
// it. That printer is what `go tool objdump` uses, quirks included: byte-register operations
// carry the operand-size suffix (`ADDL CL, AL`), 32-bit displacements are not sign-extended
// (`0xfffffff8(SP)`), and CMP reads left to right only from Go 1.21 on.
#include "loader/disasm.h"

#include <Zydis/Zydis.h>

#include "loader/zydis.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

namespace gd::loader {

const ZydisDecoder& zydis() {
  static const ZydisDecoder decoder = [] {
    ZydisDecoder d;
    ZydisDecoderInit(&d, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    return d;
  }();
  return decoder;
}

namespace {

// ----------------------------------------------------------------------------------------------
// The x86asm instruction model

// x86asm's opcode names (tables.go), space-separated. UD0 arrived after Go 1.15.
constexpr std::string_view kOpNames =
    "AAA AAD AAM AAS ADC ADD ADDPD ADDPS ADDSD ADDSS ADDSUBPD ADDSUBPS AESDEC AESDECLAST "
    "AESENC AESENCLAST AESIMC AESKEYGENASSIST AND ANDNPD ANDNPS ANDPD ANDPS ARPL BLENDPD "
    "BLENDPS BLENDVPD BLENDVPS BOUND BSF BSR BSWAP BT BTC BTR BTS CALL CBW CDQ CDQE CLC CLD "
    "CLFLUSH CLI CLTS CMC CMOVA CMOVAE CMOVB CMOVBE CMOVE CMOVG CMOVGE CMOVL CMOVLE CMOVNE "
    "CMOVNO CMOVNP CMOVNS CMOVO CMOVP CMOVS CMP CMPPD CMPPS CMPSB CMPSD CMPSD_XMM CMPSQ CMPSS "
    "CMPSW CMPXCHG CMPXCHG16B CMPXCHG8B COMISD COMISS CPUID CQO CRC32 CVTDQ2PD CVTDQ2PS "
    "CVTPD2DQ CVTPD2PI CVTPD2PS CVTPI2PD CVTPI2PS CVTPS2DQ CVTPS2PD CVTPS2PI CVTSD2SI CVTSD2SS "
    "CVTSI2SD CVTSI2SS CVTSS2SD CVTSS2SI CVTTPD2DQ CVTTPD2PI CVTTPS2DQ CVTTPS2PI CVTTSD2SI "
    "CVTTSS2SI CWD CWDE DAA DAS DEC DIV DIVPD DIVPS DIVSD DIVSS DPPD DPPS EMMS ENTER EXTRACTPS "
    "F2XM1 FABS FADD FADDP FBLD FBSTP FCHS FCMOVB FCMOVBE FCMOVE FCMOVNB FCMOVNBE FCMOVNE "
    "FCMOVNU FCMOVU FCOM FCOMI FCOMIP FCOMP FCOMPP FCOS FDECSTP FDIV FDIVP FDIVR FDIVRP FFREE "
    "FFREEP FIADD FICOM FICOMP FIDIV FIDIVR FILD FIMUL FINCSTP FIST FISTP FISTTP FISUB FISUBR "
    "FLD FLD1 FLDCW FLDENV FLDL2E FLDL2T FLDLG2 FLDLN2 FLDPI FLDZ FMUL FMULP FNCLEX FNINIT "
    "FNOP FNSAVE FNSTCW FNSTENV FNSTSW FPATAN FPREM FPREM1 FPTAN FRNDINT FRSTOR FSCALE FSIN "
    "FSINCOS FSQRT FST FSTP FSUB FSUBP FSUBR FSUBRP FTST FUCOM FUCOMI FUCOMIP FUCOMP FUCOMPP "
    "FWAIT FXAM FXCH FXRSTOR FXRSTOR64 FXSAVE FXSAVE64 FXTRACT FYL2X FYL2XP1 HADDPD HADDPS HLT "
    "HSUBPD HSUBPS ICEBP IDIV IMUL IN INC INSB INSD INSERTPS INSW INT INTO INVD INVLPG INVPCID "
    "IRET IRETD IRETQ JA JAE JB JBE JCXZ JE JECXZ JG JGE JL JLE JMP JNE JNO JNP JNS JO JP "
    "JRCXZ JS LAHF LAR LCALL LDDQU LDMXCSR LDS LEA LEAVE LES LFENCE LFS LGDT LGS LIDT LJMP "
    "LLDT LMSW LODSB LODSD LODSQ LODSW LOOP LOOPE LOOPNE LRET LSL LSS LTR LZCNT MASKMOVDQU "
    "MASKMOVQ MAXPD MAXPS MAXSD MAXSS MFENCE MINPD MINPS MINSD MINSS MONITOR MOV MOVAPD MOVAPS "
    "MOVBE MOVD MOVDDUP MOVDQ2Q MOVDQA MOVDQU MOVHLPS MOVHPD MOVHPS MOVLHPS MOVLPD MOVLPS "
    "MOVMSKPD MOVMSKPS MOVNTDQ MOVNTDQA MOVNTI MOVNTPD MOVNTPS MOVNTQ MOVNTSD MOVNTSS MOVQ "
    "MOVQ2DQ MOVSB MOVSD MOVSD_XMM MOVSHDUP MOVSLDUP MOVSQ MOVSS MOVSW MOVSX MOVSXD MOVUPD "
    "MOVUPS MOVZX MPSADBW MUL MULPD MULPS MULSD MULSS MWAIT NEG NOP NOT OR ORPD ORPS OUT OUTSB "
    "OUTSD OUTSW PABSB PABSD PABSW PACKSSDW PACKSSWB PACKUSDW PACKUSWB PADDB PADDD PADDQ "
    "PADDSB PADDSW PADDUSB PADDUSW PADDW PALIGNR PAND PANDN PAUSE PAVGB PAVGW PBLENDVB PBLENDW "
    "PCLMULQDQ PCMPEQB PCMPEQD PCMPEQQ PCMPEQW PCMPESTRI PCMPESTRM PCMPGTB PCMPGTD PCMPGTQ "
    "PCMPGTW PCMPISTRI PCMPISTRM PEXTRB PEXTRD PEXTRQ PEXTRW PHADDD PHADDSW PHADDW PHMINPOSUW "
    "PHSUBD PHSUBSW PHSUBW PINSRB PINSRD PINSRQ PINSRW PMADDUBSW PMADDWD PMAXSB PMAXSD PMAXSW "
    "PMAXUB PMAXUD PMAXUW PMINSB PMINSD PMINSW PMINUB PMINUD PMINUW PMOVMSKB PMOVSXBD PMOVSXBQ "
    "PMOVSXBW PMOVSXDQ PMOVSXWD PMOVSXWQ PMOVZXBD PMOVZXBQ PMOVZXBW PMOVZXDQ PMOVZXWD PMOVZXWQ "
    "PMULDQ PMULHRSW PMULHUW PMULHW PMULLD PMULLW PMULUDQ POP POPA POPAD POPCNT POPF POPFD "
    "POPFQ POR PREFETCHNTA PREFETCHT0 PREFETCHT1 PREFETCHT2 PREFETCHW PSADBW PSHUFB PSHUFD "
    "PSHUFHW PSHUFLW PSHUFW PSIGNB PSIGND PSIGNW PSLLD PSLLDQ PSLLQ PSLLW PSRAD PSRAW PSRLD "
    "PSRLDQ PSRLQ PSRLW PSUBB PSUBD PSUBQ PSUBSB PSUBSW PSUBUSB PSUBUSW PSUBW PTEST PUNPCKHBW "
    "PUNPCKHDQ PUNPCKHQDQ PUNPCKHWD PUNPCKLBW PUNPCKLDQ PUNPCKLQDQ PUNPCKLWD PUSH PUSHA PUSHAD "
    "PUSHF PUSHFD PUSHFQ PXOR RCL RCPPS RCPSS RCR RDFSBASE RDGSBASE RDMSR RDPMC RDRAND RDTSC "
    "RDTSCP RET ROL ROR ROUNDPD ROUNDPS ROUNDSD ROUNDSS RSM RSQRTPS RSQRTSS SAHF SAR SBB SCASB "
    "SCASD SCASQ SCASW SETA SETAE SETB SETBE SETE SETG SETGE SETL SETLE SETNE SETNO SETNP "
    "SETNS SETO SETP SETS SFENCE SGDT SHL SHLD SHR SHRD SHUFPD SHUFPS SIDT SLDT SMSW SQRTPD "
    "SQRTPS SQRTSD SQRTSS STC STD STI STMXCSR STOSB STOSD STOSQ STOSW STR SUB SUBPD SUBPS "
    "SUBSD SUBSS SWAPGS SYSCALL SYSENTER SYSEXIT SYSRET TEST TZCNT UCOMISD UCOMISS UD0 UD1 UD2 "
    "UNPCKHPD UNPCKHPS UNPCKLPD UNPCKLPS VERR VERW VMOVDQA VMOVDQU VMOVNTDQ VMOVNTDQA "
    "VZEROUPPER WBINVD WRFSBASE WRGSBASE WRMSR XABORT XADD XBEGIN XCHG XEND XGETBV XLATB XOR "
    "XORPD XORPS XRSTOR XRSTOR64 XRSTORS XRSTORS64 XSAVE XSAVE64 XSAVEC XSAVEC64 XSAVEOPT "
    "XSAVEOPT64 XSAVES XSAVES64 XSETBV XTEST ";

// Opcodes that GoSyntax gives a B/W/L/Q operand-size suffix (plan9x.go). POPCNT joined in 1.16.
constexpr std::string_view kSuffixOps =
    "ADC ADD AND BSF BSR BT BTC BTR BTS CMP CMPXCHG CVTSI2SD CVTSI2SS CVTSD2SI CVTSS2SI "
    "CVTTSD2SI CVTTSS2SI DEC DIV FLDENV FRSTOR IDIV IMUL IN INC LEA MOV MOVNTI MUL NEG NOP NOT "
    "OR OUT POP POPA PUSH PUSHA RCL RCR ROL ROR SAR SBB SHL SHLD SHR SHRD SUB TEST XADD XCHG "
    "XOR ";

std::unordered_set<std::string_view> wordSet(std::string_view words) {
  std::unordered_set<std::string_view> set;
  for (size_t i = 0; i < words.size();) {
    size_t end = std::min(words.find(' ', i), words.size());
    if (end > i) set.insert(words.substr(i, end - i));
    i = end + 1;
  }
  return set;
}

bool knownOp(std::string_view op, const X86asmRules& rules) {
  static const auto ops = wordSet(kOpNames);
  if (op == "UD0") return rules.ud0;
  return ops.contains(op);
}

bool suffixOp(std::string_view op, const X86asmRules& rules) {
  static const auto ops = wordSet(kSuffixOps);
  if (op == "POPCNT") return rules.popcntSuffix;
  return ops.contains(op);
}

// One legacy prefix byte and the role x86asm gives it.
struct Prefix {
  uint8_t byte = 0;
  bool ignored = false;  // overridden by a later prefix of its group, or meaningless here
  bool implicit = false; // implied by the instruction text (mandatory prefix, used segment)
  bool predict = false;  // CS/DS turned branch hint (PN/PT) on a conditional jump
};

struct Mem {
  ZydisRegister segment = ZYDIS_REGISTER_NONE, base = ZYDIS_REGISTER_NONE,
                index = ZYDIS_REGISTER_NONE;
  uint8_t scale = 0; // 1<<SIB.ss whenever a SIB byte is present, even without an index
  int64_t disp = 0;  // disp8 sign-extended, disp32 zero-extended (as x86asm reads them)
};

struct Arg {
  enum Kind { None, Reg, Memory, Imm, Rel } kind = None;
  ZydisRegister reg = ZYDIS_REGISTER_NONE;
  Mem mem;
  int64_t value = 0; // Imm value or Rel displacement
};

struct Inst {
  std::string op;
  std::array<Arg, 4> args;
  std::vector<Prefix> prefixes;
  int dataSize = 32;
  int memBytes = 0;
  int len = 0;
};

Arg regArg(ZydisRegister r) {
  Arg a;
  a.kind = Arg::Reg;
  a.reg = r;
  return a;
}

Arg immArg(int64_t v) {
  Arg a;
  a.kind = Arg::Imm;
  a.value = v;
  return a;
}

Arg memArg(ZydisRegister segment, ZydisRegister base) {
  Arg a;
  a.kind = Arg::Memory;
  a.mem.segment = segment;
  a.mem.base = base;
  return a;
}

// ----------------------------------------------------------------------------------------------
// Prefixes, scanned as x86asm scans them in 64-bit mode

struct PrefixScan {
  std::vector<Prefix> prefixes;                                    // the legacy prefixes, in order
  int lock = -1, rep = -1, seg = -1, dataSize = -1, addrSize = -1; // last of each group
  uint8_t rex = 0;
  bool vex = false;
  bool ok = true; // false: x86asm gives up on this prefix sequence
};

constexpr size_t kMaxPrefixes = 14; // x86asm's Prefixes array

// Whether byte b is one of `set`, a string of byte values.
bool oneOf(uint8_t b, std::string_view set) {
  return set.find(char(b)) != std::string_view::npos;
}

bool isLegacyPrefix(uint8_t b) {
  return oneOf(b, "\xF0\xF2\xF3\x26\x2E\x36\x3E\x64\x65\x66\x67");
}

PrefixScan scanPrefixes(std::span<const uint8_t> code) {
  PrefixScan s;
  size_t pos = 0;
  // A later prefix of the same group overrides an earlier one.
  auto group = [&](int& index) {
    if (index >= 0) s.prefixes[size_t(index)].ignored = true;
    index = int(pos);
  };
  for (; pos < code.size() && isLegacyPrefix(code[pos]); pos++) {
    Prefix p{code[pos]};
    if (p.byte == 0xF0)
      group(s.lock);
    else if (p.byte == 0xF2 || p.byte == 0xF3)
      group(s.rep);
    else if (p.byte == 0x64 || p.byte == 0x65)
      group(s.seg);
    else if (p.byte == 0x66)
      group(s.dataSize);
    else if (p.byte == 0x67)
      group(s.addrSize);
    else
      p.ignored = true; // CS, DS, ES, SS: no overrides in 64-bit mode
    s.prefixes.push_back(p);
    if (pos + 1 >= kMaxPrefixes) {
      s.ok = false;
      return s;
    }
  }
  if (pos == 0 && code.size() > (code[0] == 0xC4 ? 2u : 1u) &&
      (code[0] == 0xC4 || code[0] == 0xC5)) {
    s.vex = true; // only as the first byte
    return s;
  }
  if (pos < code.size() && (code[pos] & 0xF0) == 0x40) {
    s.rex = code[pos++];
    // x86asm takes one REX right before the opcode; a prefix after it is an unknown opcode.
    if (pos < code.size() && (isLegacyPrefix(code[pos]) || (code[pos] & 0xF0) == 0x40))
      s.ok = false;
  }
  return s;
}

// ----------------------------------------------------------------------------------------------
// Zydis -> x86asm

bool isGpr64(ZydisRegister r) {
  return r >= ZYDIS_REGISTER_RAX && r <= ZYDIS_REGISTER_R15;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = char(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool hasXmmOperand(const ZydisDecodedInstruction& zi, const ZydisDecodedOperand* ops) {
  for (int i = 0; i < zi.operand_count_visible; i++)
    if (ops[i].type == ZYDIS_OPERAND_TYPE_REGISTER &&
        ZydisRegisterGetClass(ops[i].reg.value) == ZYDIS_REGCLASS_XMM)
      return true;
  return false;
}

// Names that differ only in spelling: x86asm says A/AE/E/G/GE/NE where Zydis says
// NBE/NB/Z/NLE/NL/NZ, and has its own names for a few more.
std::string_view renamed(ZydisMnemonic m) {
  struct Rename {
    ZydisMnemonic zydis;
    std::string_view x86asm;
  };
  static constexpr Rename kRenames[] = {
      {ZYDIS_MNEMONIC_JNBE, "JA"},       {ZYDIS_MNEMONIC_JNB, "JAE"},
      {ZYDIS_MNEMONIC_JZ, "JE"},         {ZYDIS_MNEMONIC_JNLE, "JG"},
      {ZYDIS_MNEMONIC_JNL, "JGE"},       {ZYDIS_MNEMONIC_JNZ, "JNE"},
      {ZYDIS_MNEMONIC_CMOVNBE, "CMOVA"}, {ZYDIS_MNEMONIC_CMOVNB, "CMOVAE"},
      {ZYDIS_MNEMONIC_CMOVZ, "CMOVE"},   {ZYDIS_MNEMONIC_CMOVNLE, "CMOVG"},
      {ZYDIS_MNEMONIC_CMOVNL, "CMOVGE"}, {ZYDIS_MNEMONIC_CMOVNZ, "CMOVNE"},
      {ZYDIS_MNEMONIC_SETNBE, "SETA"},   {ZYDIS_MNEMONIC_SETNB, "SETAE"},
      {ZYDIS_MNEMONIC_SETZ, "SETE"},     {ZYDIS_MNEMONIC_SETNLE, "SETG"},
      {ZYDIS_MNEMONIC_SETNL, "SETGE"},   {ZYDIS_MNEMONIC_SETNZ, "SETNE"},
      {ZYDIS_MNEMONIC_INT1, "ICEBP"},    {ZYDIS_MNEMONIC_INT3, "INT"},
      {ZYDIS_MNEMONIC_XLAT, "XLATB"},
  };
  for (const Rename& r : kRenames)
    if (r.zydis == m) return r.x86asm;
  return {};
}

// The x86asm name for what Zydis decoded; empty when x86asm has no such instruction.
std::string opName(const ZydisDecodedInstruction& zi, const ZydisDecodedOperand* ops,
                   bool prefix66) {
  if (std::string_view r = renamed(zi.mnemonic); !r.empty()) return std::string(r);
  bool far = zi.meta.branch_type == ZYDIS_BRANCH_TYPE_FAR;
  switch (zi.mnemonic) {
  case ZYDIS_MNEMONIC_CALL:
    return far ? "LCALL" : "CALL";
  case ZYDIS_MNEMONIC_JMP:
    return far ? "LJMP" : "JMP";
  case ZYDIS_MNEMONIC_RET:
    return far ? "LRET" : "RET";
  // With a 66 prefix Zydis ignores, the register forms of 66 0F 12/16 are x86asm's MOVLPD/MOVHPD.
  case ZYDIS_MNEMONIC_MOVHLPS:
    return prefix66 ? "MOVLPD" : "MOVHLPS";
  case ZYDIS_MNEMONIC_MOVLHPS:
    return prefix66 ? "MOVHPD" : "MOVLHPS";
  case ZYDIS_MNEMONIC_MOVSD:
    return hasXmmOperand(zi, ops) ? "MOVSD_XMM" : "MOVSD";
  case ZYDIS_MNEMONIC_CMPSD:
    return hasXmmOperand(zi, ops) ? "CMPSD_XMM" : "CMPSD";
  case ZYDIS_MNEMONIC_NOP:
    // x86asm knows the hint NOP only as 0F 1F /0, in 16- and 32-bit forms.
    if (zi.opcode_map == ZYDIS_OPCODE_MAP_0F &&
        (zi.opcode != 0x1F || zi.raw.modrm.reg != 0 || zi.operand_width == 64))
      return {};
    return "NOP";
  default:
    return upper(ZydisMnemonicGetString(zi.mnemonic));
  }
}

// Encodings Zydis accepts as aliases that x86asm's tables do not have.
bool missingInX86asm(const ZydisDecodedInstruction& zi) {
  if (zi.opcode_map == ZYDIS_OPCODE_MAP_DEFAULT) {
    if (oneOf(zi.opcode, "\xC0\xC1\xD0\xD1\xD2\xD3")) return zi.raw.modrm.reg == 6; // SAL
    if (oneOf(zi.opcode, "\xF6\xF7")) return zi.raw.modrm.reg == 1;                 // TEST
    return false;
  }
  bool fence = zi.mnemonic == ZYDIS_MNEMONIC_LFENCE || zi.mnemonic == ZYDIS_MNEMONIC_MFENCE ||
               zi.mnemonic == ZYDIS_MNEMONIC_SFENCE;
  return fence && zi.raw.modrm.rm != 0;
}

bool isStringOp(std::string_view op) {
  static const auto ops = wordSet("INSB INSW INSD OUTSB OUTSW OUTSD MOVSB MOVSW MOVSD MOVSQ "
                                  "CMPSB CMPSW CMPSD CMPSQ LODSB LODSW LODSD LODSQ STOSB STOSW "
                                  "STOSD STOSQ SCASB SCASW SCASD SCASQ");
  return ops.contains(op);
}

// Conditional jumps as decode.go counts them for branch hints (with the loops and JCXZ).
bool isConditionalJump(std::string_view op) {
  static const auto ops = wordSet("JA JAE JB JBE JE JG JGE JL JLE JNE JNO JNP JNS JO JP JS LOOP "
                                  "LOOPE LOOPNE JCXZ JECXZ JRCXZ");
  return ops.contains(op);
}

// The value of an immediate as x86asm records it: imm8 zero-extended except for the
// sign-extending opcodes 6A, 6B and 83; imm16 sign-extended except for RET/LRET/ENTER;
// imm32 sign-extended; imm64 as is.
int64_t immValue(const ZydisDecodedInstruction& zi, const ZydisDecodedOperand& op, int rawIndex) {
  if (op.encoding == ZYDIS_OPERAND_ENCODING_NONE || rawIndex > 1) return int64_t(op.imm.value.u);
  uint64_t raw = zi.raw.imm[rawIndex].value.u;
  bool legacyMap = zi.opcode_map == ZYDIS_OPCODE_MAP_DEFAULT;
  switch (zi.raw.imm[rawIndex].size) {
  case 8:
    if (legacyMap && (zi.opcode == 0x6A || zi.opcode == 0x6B || zi.opcode == 0x83))
      return int8_t(raw);
    return uint8_t(raw);
  case 16:
    if (legacyMap && (zi.opcode == 0xC2 || zi.opcode == 0xCA || zi.opcode == 0xC8))
      return uint16_t(raw);
    return int16_t(raw);
  case 32:
    return int32_t(raw);
  default:
    return int64_t(raw);
  }
}

Mem convertMem(const ZydisDecodedInstruction& zi, const ZydisDecodedOperand& op,
               ZydisRegister segment) {
  Mem m;
  m.segment = segment;
  m.base = op.mem.base;
  m.index = op.mem.index;
  if (zi.attributes & ZYDIS_ATTRIB_HAS_SIB) {
    m.scale = uint8_t(1u << zi.raw.sib.scale);
    if (zi.raw.modrm.mod == 0 && (zi.raw.sib.base & 7) == 5) m.base = ZYDIS_REGISTER_NONE;
  } else if (m.index != ZYDIS_REGISTER_NONE) {
    m.scale = op.mem.scale;
  }
  switch (zi.raw.disp.size) {
  case 8:
    m.disp = int8_t(zi.raw.disp.value);
    break;
  case 16:
    m.disp = uint16_t(zi.raw.disp.value);
    break;
  case 32:
    m.disp = uint32_t(zi.raw.disp.value);
    break;
  case 64:
    m.disp = zi.raw.disp.value;
    break;
  default:
    m.disp = 0;
  }
  return m;
}

// The registers of string instructions at the current address size.
struct AddrRegs {
  ZydisRegister si, di, bx;
};

// x86asm spells out the memory operands of string instructions (decode.go adds them after
// matching): ES:(DI) for the destination, the overridable segment (default DS) for the source.
void buildStringArgs(Inst& in, const PrefixScan& ps, int width) {
  bool addr32 = ps.addrSize >= 0;
  AddrRegs r = addr32 ? AddrRegs{ZYDIS_REGISTER_ESI, ZYDIS_REGISTER_EDI, ZYDIS_REGISTER_EBX}
                      : AddrRegs{ZYDIS_REGISTER_RSI, ZYDIS_REGISTER_RDI, ZYDIS_REGISTER_RBX};
  auto defaultSeg = [&]() {
    if (ps.seg < 0) return ZYDIS_REGISTER_DS;
    in.prefixes[ps.seg].implicit = true;
    return ps.prefixes[ps.seg].byte == 0x64 ? ZYDIS_REGISTER_FS : ZYDIS_REGISTER_GS;
  };
  auto acc = [&]() {
    switch (width) {
    case 8:
      return ZYDIS_REGISTER_AL;
    case 16:
      return ZYDIS_REGISTER_AX;
    case 32:
      return ZYDIS_REGISTER_EAX;
    default:
      return ZYDIS_REGISTER_RAX;
    }
  };
  std::string_view base = std::string_view(in.op).substr(0, in.op.size() - 1);
  Arg dst = memArg(ZYDIS_REGISTER_ES, r.di);
  if (in.op == "XLATB") {
    in.args[0] = memArg(defaultSeg(), r.bx);
  } else if (base == "INS") {
    in.args = {dst, regArg(ZYDIS_REGISTER_DX)};
  } else if (base == "OUTS") {
    in.args = {regArg(ZYDIS_REGISTER_DX), memArg(defaultSeg(), r.si)};
  } else if (base == "MOVS") {
    in.args = {dst, memArg(defaultSeg(), r.si)};
  } else if (base == "CMPS") {
    in.args = {memArg(defaultSeg(), r.si), dst};
  } else if (base == "LODS") {
    in.args = {regArg(acc()), memArg(defaultSeg(), r.si)};
  } else if (base == "STOS") {
    in.args = {dst, regArg(acc())};
  } else if (base == "SCAS") {
    in.args = {regArg(acc()), dst};
  }
}

// 90 is XCHG eAX, eAX in x86asm's tables, shown as NOP; with REX.B it exchanges with R8;
// an F3 prefix makes either form PAUSE.
void buildXchg90(Inst& in, const PrefixScan& ps) {
  bool r8 = ps.rex & 0x01;
  ZydisRegister acc = in.dataSize == 64   ? ZYDIS_REGISTER_RAX
                      : in.dataSize == 16 ? ZYDIS_REGISTER_AX
                                          : ZYDIS_REGISTER_EAX;
  ZydisRegister other = !r8                 ? acc
                        : in.dataSize == 64 ? ZYDIS_REGISTER_R8
                        : in.dataSize == 16 ? ZYDIS_REGISTER_R8W
                                            : ZYDIS_REGISTER_R8D;
  in.op = "XCHG";
  in.args = {regArg(other), regArg(acc)};
  if (!r8) {
    in.op = "NOP";
    in.args = {};
  }
  if (ps.rep >= 0 && ps.prefixes[ps.rep].byte == 0xF3 && !ps.prefixes[ps.rep].ignored) {
    in.prefixes[ps.rep].implicit = true;
    in.op = "PAUSE";
    in.args = {};
  }
}

using InstBytes = std::array<uint8_t, ZYDIS_MAX_INSTRUCTION_LENGTH>;

bool zydisDecodeBytes(std::span<const uint8_t> code, ZydisDecodedInstruction& zi,
                      ZydisDecodedOperand* ops) {
  size_t n = std::min<size_t>(code.size(), ZYDIS_MAX_INSTRUCTION_LENGTH);
  return ZYAN_SUCCESS(ZydisDecoderDecodeFull(&zydis(), code.data(), n, &zi, ops));
}

// Copies the first bytes of `code`, turning LOCK (and, if asked, REP/REPNE and 66) prefixes into
// `replacement`; returns how many bytes were copied, 0 when no prefix changed.
size_t rewritePrefixes(std::span<const uint8_t> code, InstBytes& copy, bool repAndSize,
                       uint8_t replacement) {
  size_t n = std::min(code.size(), copy.size());
  std::copy_n(code.begin(), n, copy.begin());
  bool changed = false;
  for (size_t i = 0; i < n && isLegacyPrefix(copy[i]); i++) {
    uint8_t& b = copy[i];
    if (b == 0xF0 || (repAndSize && (b == 0xF2 || b == 0xF3 || b == 0x66))) {
      b = replacement;
      changed = true;
    }
  }
  return changed ? n : 0;
}

// x86asm follows Intel XED: on an opcode that has a 66-selected form, a REP/REPNE prefix that
// selects no form makes the instruction invalid. Probed by decoding with 66 in its place, with
// the operand as given and as a memory operand (some 66 forms exist only for one of them).
bool hasMandatory66Form(std::span<const uint8_t> code, const ZydisDecodedInstruction& zi) {
  InstBytes copy{};
  size_t n = std::min(code.size(), copy.size());
  std::copy_n(code.begin(), n, copy.begin());
  for (size_t i = 0; i < n && isLegacyPrefix(copy[i]); i++) {
    if (copy[i] == 0xF2 || copy[i] == 0xF3)
      copy[i] = 0x66;
    else if (copy[i] == 0xF0)
      copy[i] = 0x26;
  }
  auto mandatory66 = [&] {
    ZydisDecodedInstruction probe;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    if (!zydisDecodeBytes(std::span(copy).first(n), probe, ops)) return false;
    for (int i = 0; i < probe.raw.prefix_count; i++)
      if (probe.raw.prefixes[i].value == 0x66 &&
          probe.raw.prefixes[i].type == ZYDIS_PREFIX_TYPE_MANDATORY)
        return true;
    return false;
  };
  if (mandatory66()) return true;
  if (!(zi.attributes & ZYDIS_ATTRIB_HAS_MODRM) || zi.raw.modrm.offset >= n) return false;
  copy[zi.raw.modrm.offset] &= 0x38; // mod 00, rm 000: [rAX]
  return mandatory66();
}

bool zydisDecode(std::span<const uint8_t> code, ZydisDecodedInstruction& zi,
                 ZydisDecodedOperand* ops) {
  if (zydisDecodeBytes(code, zi, ops)) return true;
  // Zydis rejects a LOCK the instruction cannot take, and REP/REPNE or 66 prefixes that select
  // no form of the opcode; x86asm decodes the instruction and shows or ignores the prefix.
  // Decode again with such bytes turned into ES overrides, which change nothing in 64-bit mode
  // and keep the length: first LOCK alone, then the others too.
  InstBytes copy{};
  if (size_t n = rewritePrefixes(code, copy, false, 0x26);
      n && zydisDecodeBytes(std::span(copy).first(n), zi, ops))
    return true;
  size_t n = rewritePrefixes(code, copy, true, 0x26);
  if (!n || !zydisDecodeBytes(std::span(copy).first(n), zi, ops)) return false;
  PrefixScan ps = scanPrefixes(code);
  return ps.rep < 0 || !hasMandatory66Form(code, zi);
}

bool isVexAllowed(std::string_view op) {
  return op == "VMOVDQU" || op == "VMOVDQA" || op == "VMOVNTDQ" || op == "VMOVNTDQA" ||
         op == "VZEROUPPER";
}

// Builds the x86asm view of one instruction; nullopt where x86asm reports an error.
std::optional<Inst> buildInst(std::span<const uint8_t> code, const ZydisDecodedInstruction& zi,
                              const ZydisDecodedOperand* ops, const X86asmRules& rules) {
  PrefixScan ps = scanPrefixes(code);
  if (!ps.ok) return std::nullopt;

  Inst in;
  in.len = zi.length;
  in.prefixes = ps.prefixes;
  in.dataSize = (ps.rex & 0x08) ? 64 : ps.dataSize >= 0 ? 16 : 32;
  in.op = opName(zi, ops, ps.dataSize >= 0);
  bool avx = zi.encoding == ZYDIS_INSTRUCTION_ENCODING_VEX && rules.avxDecoder;
  if (in.op.empty() || (!avx && !knownOp(in.op, rules)) || missingInX86asm(zi)) return std::nullopt;
  switch (zi.encoding) {
  case ZYDIS_INSTRUCTION_ENCODING_LEGACY:
    break;
  case ZYDIS_INSTRUCTION_ENCODING_VEX:
    if (!avx && !isVexAllowed(in.op)) return std::nullopt;
    break;
  default:
    return std::nullopt;
  }

  ZydisRegister segment = ZYDIS_REGISTER_NONE;
  if (ps.seg >= 0)
    segment = ps.prefixes[ps.seg].byte == 0x64 ? ZYDIS_REGISTER_FS : ZYDIS_REGISTER_GS;

  bool legacyMap = zi.opcode_map == ZYDIS_OPCODE_MAP_DEFAULT;
  bool haveMem = false;
  if (legacyMap && zi.opcode == 0x90 && zi.encoding == ZYDIS_INSTRUCTION_ENCODING_LEGACY) {
    buildXchg90(in, ps);
  } else if (isStringOp(in.op) || in.op == "XLATB") {
    buildStringArgs(in, ps, zi.operand_width);
  } else {
    size_t n = 0;
    int rawImm = 0;
    for (int i = 0; i < zi.operand_count && n < in.args.size(); i++) {
      const ZydisDecodedOperand& op = ops[i];
      if (op.visibility == ZYDIS_OPERAND_VISIBILITY_HIDDEN) continue;
      Arg a;
      switch (op.type) {
      case ZYDIS_OPERAND_TYPE_REGISTER:
        a = regArg(op.reg.value);
        break;
      case ZYDIS_OPERAND_TYPE_MEMORY:
        a.kind = Arg::Memory;
        a.mem = convertMem(zi, op, segment);
        haveMem = true;
        if (op.mem.type == ZYDIS_MEMOP_TYPE_MEM) in.memBytes = op.size / 8;
        break;
      case ZYDIS_OPERAND_TYPE_IMMEDIATE:
        if (op.imm.is_relative) {
          a.kind = Arg::Rel;
          a.value = op.imm.value.s;
          rawImm++;
        } else {
          a = immArg(immValue(zi, op, rawImm));
          if (op.encoding != ZYDIS_OPERAND_ENCODING_NONE) rawImm++;
        }
        break;
      default:
        continue;
      }
      in.args[n++] = a;
    }
    if (in.op == "NOP") in.args[1] = {}; // 0F 1F: x86asm shows only the r/m operand
    if (in.op == "INT" && zi.mnemonic == ZYDIS_MNEMONIC_INT3) in.args[0] = immArg(3);
    if (in.op == "FLDENV" || in.op == "FRSTOR") in.memBytes = 0;
    if ((in.op == "BLENDVPS" || in.op == "BLENDVPD" || in.op == "PBLENDVB") && n < 4)
      in.args[n] = regArg(ZYDIS_REGISTER_XMM0);
  }

  // Prefix roles that depend on the instruction.
  if (ps.rep >= 0 && !isStringOp(in.op)) {
    if (zi.raw.prefixes[ps.rep].type == ZYDIS_PREFIX_TYPE_MANDATORY)
      in.prefixes[size_t(ps.rep)].implicit = true;
    else if (!legacyMap && hasMandatory66Form(code, zi))
      return std::nullopt;
  }
  if (ps.seg >= 0 && haveMem) in.prefixes[ps.seg].implicit = true;
  if (isConditionalJump(in.op)) {
    for (size_t i = in.prefixes.size(); i-- > 0;) {
      if (in.prefixes[i].byte == 0x2E || in.prefixes[i].byte == 0x3E) {
        in.prefixes[i].predict = true;
        break;
      }
    }
  }
  return in;
}

// A VEX prefix on an instruction x86asm has no VEX form for: x86asm decodes the bytes after it
// as a legacy instruction (without REX), except at the opcodes whose tables test for VEX.
std::optional<Inst> decodeAfterVex(std::span<const uint8_t> code, const X86asmRules& rules) {
  size_t vexLen = code[0] == 0xC5 ? 2 : 3;
  std::span<const uint8_t> rest = code.subspan(std::min(vexLen, code.size()));
  size_t k = 0;
  while (k < rest.size() && isLegacyPrefix(rest[k]))
    k++;
  if (k >= rest.size()) return std::nullopt;
  if (oneOf(rest[k], "\x2A\x6F\x77\x7F\xE7")) return std::nullopt; // tables that test VEX
  if ((rest[k] & 0xF0) == 0x40) return std::nullopt;               // no REX after VEX
  ZydisDecodedInstruction zi;
  ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
  if (!zydisDecode(rest, zi, ops) || zi.encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY)
    return std::nullopt;
  std::optional<Inst> in = buildInst(rest, zi, ops, rules);
  if (!in) return std::nullopt;
  in->len += int(vexLen);
  in->prefixes.clear(); // GoSyntax stops showing prefixes at the VEX bytes
  return in;
}

// The instruction x86asm.Decode finds at the start of `code`; nullopt where it reports an error.
// VEX instructions outside avx.go's tables (generated from XED's AVX, AVX2, FMA, F16C, AVX-512
// iforms): BMI1/BMI2 ops such as ANDN, SHLX and RORX are ErrUnrecognized in x86asm (Go 1.27+).
bool outsideAvxTables(const ZydisDecodedInstruction& zi) {
  return zi.meta.isa_ext == ZYDIS_ISA_EXT_BMI1 || zi.meta.isa_ext == ZYDIS_ISA_EXT_BMI2;
}

std::optional<Inst> decodeX86asm(std::span<const uint8_t> code, const X86asmRules& rules) {
  ZydisDecodedInstruction zi;
  ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
  bool decoded = zydisDecode(code, zi, ops);
  if (rules.avxDecoder &&
      (scanPrefixes(code).vex || (!code.empty() && code[0] == 0x62 && decoded &&
                                  zi.encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY))) {
    // avx.go decodes every VEX/EVEX instruction itself; what it does not know is one "?" byte.
    // EVEX (masks, broadcast, rounding suffixes) is not modelled here and prints as "?".
    if (!decoded || zi.encoding != ZYDIS_INSTRUCTION_ENCODING_VEX || outsideAvxTables(zi))
      return std::nullopt;
    return buildInst(code, zi, ops, rules);
  }
  if (scanPrefixes(code).vex) {
    if (decoded && zi.encoding == ZYDIS_INSTRUCTION_ENCODING_VEX &&
        isVexAllowed(opName(zi, ops, false)))
      return buildInst(code, zi, ops, rules);
    return decodeAfterVex(code, rules);
  }
  if (!decoded) return std::nullopt;
  return buildInst(code, zi, ops, rules);
}

// ----------------------------------------------------------------------------------------------
// GoSyntax

std::string_view plan9Reg(ZydisRegister r) {
  static constexpr std::string_view gpr[] = {"AX", "CX", "DX",  "BX",  "SP",  "BP",  "SI",  "DI",
                                             "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15"};
  static constexpr std::string_view gpr8[] = {"AL",  "CL",  "DL",  "BL",  "AH",  "CH", "DH",
                                              "BH",  "SP",  "BP",  "SI",  "DI",  "R8", "R9",
                                              "R10", "R11", "R12", "R13", "R14", "R15"};
  static constexpr std::string_view xmm[] = {"X0", "X1", "X2",  "X3",  "X4",  "X5",  "X6",  "X7",
                                             "X8", "X9", "X10", "X11", "X12", "X13", "X14", "X15"};
  static constexpr std::string_view st[] = {"F0", "F1", "F2", "F3", "F4", "F5", "F6", "F7"};
  static constexpr std::string_view mm[] = {"M0", "M1", "M2", "M3", "M4", "M5", "M6", "M7"};
  static constexpr std::string_view cr[] = {"CR0",  "CR1",  "CR2",  "CR3", "CR4",  "CR5",
                                            "CR6",  "CR7",  "CR8",  "CR9", "CR10", "CR11",
                                            "CR12", "CR13", "CR14", "CR15"};
  static constexpr std::string_view dr[] = {"DR0",  "DR1",  "DR2",  "DR3", "DR4",  "DR5",
                                            "DR6",  "DR7",  "DR8",  "DR9", "DR10", "DR11",
                                            "DR12", "DR13", "DR14", "DR15"};
  auto in = [r](ZydisRegister first, size_t count) {
    return r >= first && size_t(r - first) < count;
  };
  if (in(ZYDIS_REGISTER_AL, 20)) return gpr8[r - ZYDIS_REGISTER_AL];
  if (in(ZYDIS_REGISTER_AX, 16)) return gpr[r - ZYDIS_REGISTER_AX];
  if (in(ZYDIS_REGISTER_EAX, 16)) return gpr[r - ZYDIS_REGISTER_EAX];
  if (in(ZYDIS_REGISTER_RAX, 16)) return gpr[r - ZYDIS_REGISTER_RAX];
  if (in(ZYDIS_REGISTER_XMM0, 16)) return xmm[r - ZYDIS_REGISTER_XMM0];
  if (in(ZYDIS_REGISTER_YMM0, 16)) return xmm[r - ZYDIS_REGISTER_YMM0];
  if (in(ZYDIS_REGISTER_ST0, 8)) return st[r - ZYDIS_REGISTER_ST0];
  if (in(ZYDIS_REGISTER_MM0, 8)) return mm[r - ZYDIS_REGISTER_MM0];
  if (in(ZYDIS_REGISTER_CR0, 16)) return cr[r - ZYDIS_REGISTER_CR0];
  if (in(ZYDIS_REGISTER_DR0, 16)) return dr[r - ZYDIS_REGISTER_DR0];
  switch (r) {
  case ZYDIS_REGISTER_IP:
  case ZYDIS_REGISTER_EIP:
  case ZYDIS_REGISTER_RIP:
    return "IP";
  case ZYDIS_REGISTER_ES:
    return "ES";
  case ZYDIS_REGISTER_CS:
    return "CS";
  case ZYDIS_REGISTER_SS:
    return "SS";
  case ZYDIS_REGISTER_DS:
    return "DS";
  case ZYDIS_REGISTER_FS:
    return "FS";
  case ZYDIS_REGISTER_GS:
    return "GS";
  default:
    return "";
  }
}

bool isPcRegister(ZydisRegister r) {
  return r == ZYDIS_REGISTER_IP || r == ZYDIS_REGISTER_EIP || r == ZYDIS_REGISTER_RIP;
}

// Go's %#x of a signed value: -0x8, 0x0, 0x10.
std::string goHex(int64_t v) {
  return v < 0 ? fmt::format("-{:#x}", -static_cast<uint64_t>(v)) : fmt::format("{:#x}", v);
}

std::string memToSymbol(const Mem& m, uint64_t pc, int len, const SymbolLookup& lookup) {
  if (!lookup || m.segment != ZYDIS_REGISTER_NONE || m.disp == 0 ||
      m.index != ZYDIS_REGISTER_NONE || m.scale != 0)
    return {};
  uint64_t addr;
  if (isPcRegister(m.base))
    addr = uint64_t(m.disp) + pc + uint64_t(len);
  else if (m.base == ZYDIS_REGISTER_NONE)
    addr = uint64_t(m.disp);
  else
    return {};
  auto hit = lookup(addr);
  if (!hit || hit->name.empty()) return {};
  int64_t off = int64_t(addr - hit->base);
  return off != 0 ? fmt::format("{}{:+d}(SB)", hit->name, off) : hit->name + "(SB)";
}

std::string plan9Arg(const Inst& in, uint64_t pc, const SymbolLookup& lookup, const Arg& a,
                     const X86asmRules& rules) {
  switch (a.kind) {
  case Arg::Reg:
    // avx.go's register set has Y0-Y15 (and Z, K); older x86asm printed a YMM as its XMM.
    if (rules.avxDecoder && a.reg >= ZYDIS_REGISTER_YMM0 && a.reg <= ZYDIS_REGISTER_YMM15)
      return fmt::format("Y{}", int(a.reg - ZYDIS_REGISTER_YMM0));
    return std::string(plan9Reg(a.reg));
  case Arg::Rel: {
    if (pc == 0) return fmt::format(".{:+d}", int32_t(a.value));
    uint64_t addr = pc + uint64_t(in.len) + uint64_t(a.value);
    if (lookup) {
      auto hit = lookup(addr);
      if (hit && !hit->name.empty() && hit->base == addr) return hit->name + "(SB)";
    }
    return fmt::format("{:#x}", addr);
  }
  case Arg::Imm: {
    uint64_t v = uint64_t(a.value);
    bool symbolise = !rules.immSymbolsOnlyMovPush32 ||
                     ((in.op == "MOV" || in.op == "PUSH") && in.dataSize == 32);
    if (lookup && symbolise) {
      auto hit = lookup(v);
      if (hit && !hit->name.empty()) {
        std::string suffix = v != hit->base ? fmt::format("+{}", v - hit->base) : "";
        return fmt::format("${}{}(SB)", hit->name, suffix);
      }
    }
    if (int64_t(int32_t(a.value)) == a.value) return "$" + goHex(a.value);
    return fmt::format("${:#x}", v);
  }
  case Arg::Memory: {
    if (std::string s = memToSymbol(a.mem, pc, in.len, lookup); !s.empty()) return s;
    std::string s;
    if (a.mem.segment != ZYDIS_REGISTER_NONE) s += fmt::format("{}:", plan9Reg(a.mem.segment));
    s += a.mem.disp != 0 ? goHex(a.mem.disp) : "0";
    if (a.mem.base != ZYDIS_REGISTER_NONE) s += fmt::format("({})", plan9Reg(a.mem.base));
    if (a.mem.index != ZYDIS_REGISTER_NONE && a.mem.scale != 0)
      s += fmt::format("({}*{})", plan9Reg(a.mem.index), a.mem.scale);
    return s;
  }
  case Arg::None:
    break;
  }
  return {};
}

std::string_view prefixName(const Prefix& p) {
  switch (p.byte) {
  case 0x26:
    return "ES";
  case 0x2E:
    return p.predict ? "PN" : "CS";
  case 0x36:
    return "SS";
  case 0x3E:
    return p.predict ? "PT" : "DS";
  case 0x64:
    return "FS";
  case 0x65:
    return "GS";
  case 0xF0:
    return "LOCK";
  default:
    return "";
  }
}

std::string goSyntax(const Inst& in, uint64_t pc, const SymbolLookup& lookup,
                     const X86asmRules& rules) {
  std::vector<std::string> args;
  for (size_t i = in.args.size(); i-- > 0;)
    if (in.args[i].kind != Arg::None) args.push_back(plan9Arg(in, pc, lookup, in.args[i], rules));

  // Only REP/REPN and the last other prefix are shown; 66 and 67 never are.
  std::string rep;
  const Prefix* last = nullptr;
  for (const Prefix& p : in.prefixes) {
    if (p.implicit && !p.ignored && !p.predict) continue;
    if (p.byte == 0xF3)
      rep = "REP; ";
    else if (p.byte == 0xF2)
      rep = "REPNE; ";
    else
      last = &p;
  }
  std::string text = rep;
  if (last && last->byte != 0x66 && last->byte != 0x67) {
    text += prefixName(*last);
    text += ' ';
  }

  text += in.op;
  if (suffixOp(in.op, rules)) {
    int size = in.dataSize;
    if (in.memBytes != 0)
      size = in.memBytes * 8;
    else if (rules.oneReg64Suffix && in.args[1].kind == Arg::None && in.args[0].kind == Arg::Reg &&
             isGpr64(in.args[0].reg))
      size = 64;
    switch (size) {
    case 8:
      text += 'B';
      break;
    case 16:
      text += 'W';
      break;
    case 32:
      text += 'L';
      break;
    case 64:
      text += 'Q';
      break;
    }
  }
  if (in.op == "CMP" && rules.cmpLeftToRight && args.size() >= 2) std::swap(args[0], args[1]);
  for (size_t i = 0; i < args.size(); i++) {
    text += i == 0 ? " " : ", ";
    text += args[i];
  }
  return text;
}

// ----------------------------------------------------------------------------------------------
// Intel syntax (Zydis' own formatter)

// Branch targets print as plain addresses, followed by `<symbol>` where one starts there.
std::string intelSyntax(const ZydisDecodedInstruction& zi, const ZydisDecodedOperand* ops,
                        uint64_t pc, const SymbolLookup& lookup) {
  static const ZydisFormatter formatter = [] {
    ZydisFormatter f;
    ZydisFormatterInit(&f, ZYDIS_FORMATTER_STYLE_INTEL);
    ZydisFormatterSetProperty(&f, ZYDIS_FORMATTER_PROP_ADDR_PADDING_ABSOLUTE,
                              ZYDIS_PADDING_DISABLED);
    return f;
  }();
  char buf[256];
  if (!ZYAN_SUCCESS(ZydisFormatterFormatInstruction(&formatter, &zi, ops, zi.operand_count_visible,
                                                    buf, sizeof buf, pc, nullptr)))
    return "?";
  std::string text = buf;
  for (int i = 0; lookup && i < zi.operand_count_visible; i++) {
    if (ops[i].type != ZYDIS_OPERAND_TYPE_IMMEDIATE || !ops[i].imm.is_relative) continue;
    uint64_t target = pc + zi.length + uint64_t(ops[i].imm.value.s);
    if (auto hit = lookup(target); hit && hit->base == target && !hit->name.empty())
      text += fmt::format(" <{}>", hit->name);
  }
  return text;
}

void classify(Instruction& out, const ZydisDecodedInstruction& zi, const ZydisDecodedOperand* ops,
              uint64_t pc) {
  switch (zi.meta.category) {
  case ZYDIS_CATEGORY_CALL:
    out.isCall = true;
    break;
  case ZYDIS_CATEGORY_RET:
    out.isRet = true;
    break;
  case ZYDIS_CATEGORY_COND_BR:
  case ZYDIS_CATEGORY_UNCOND_BR:
    out.isJump = true;
    break;
  default:
    break;
  }
  for (int i = 0; i < zi.operand_count_visible; i++) {
    if (ops[i].type == ZYDIS_OPERAND_TYPE_IMMEDIATE && ops[i].imm.is_relative) {
      out.branchTarget = pc + zi.length + uint64_t(ops[i].imm.value.s);
      break;
    }
  }
}

void classify(Instruction& out, const Inst& in, uint64_t pc) {
  out.isCall = in.op == "CALL" || in.op == "LCALL";
  out.isRet = in.op == "RET" || in.op == "LRET";
  out.isJump = in.op == "JMP" || in.op == "LJMP" || isConditionalJump(in.op);
  for (const Arg& a : in.args)
    if (a.kind == Arg::Rel) out.branchTarget = pc + uint64_t(in.len) + uint64_t(a.value);
}

} // namespace

Instruction disassemble(std::span<const uint8_t> code, uint64_t pc, Syntax syntax,
                        const SymbolLookup& lookup, const X86asmRules& rules) {
  Instruction out;
  out.text = "?";
  if (code.empty()) return out;

  if (syntax == Syntax::Intel) {
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    if (!zydisDecode(code, zi, ops)) return out;
    out.ok = true;
    out.length = zi.length;
    out.text = intelSyntax(zi, ops, pc, lookup);
    classify(out, zi, ops, pc);
    return out;
  }

  std::optional<Inst> in = decodeX86asm(code, rules);
  if (!in) return out; // x86asm: "?", one byte
  out.ok = true;
  out.length = uint8_t(in->len);
  out.text = goSyntax(*in, pc, lookup, rules);
  classify(out, *in, pc);
  return out;
}

Instruction disassemble(std::span<const uint8_t> code, uint64_t pc, Syntax syntax,
                        const SymbolLookup& lookup, int goMinor) {
  return disassemble(code, pc, syntax, lookup, x86asmRulesFor(goMinor));
}

} // namespace gd::loader
