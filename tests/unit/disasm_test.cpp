// The Go-syntax disassembler against what golang.org/x/arch/x86/x86asm (as vendored in each Go
// release) prints for the same bytes. Expected texts were produced by x86asm itself.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "loader/disasm.h"
#include "loader/tabwriter.h"

namespace {

using gd::loader::disassemble;
using gd::loader::GoProfile;
using gd::loader::Instruction;
using gd::loader::profileByName;
using gd::loader::SymbolHit;
using gd::loader::SymbolLookup;
using gd::loader::Syntax;

std::vector<uint8_t> hex(std::string_view s) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < s.size(); i += 2)
    out.push_back(uint8_t(std::stoi(std::string(s.substr(i, 2)), nullptr, 16)));
  return out;
}

Instruction go(std::string_view bytes, int minor = 24, uint64_t pc = 0x1000,
               const SymbolLookup& lookup = {}) {
  auto b = hex(bytes);
  return disassemble(b, pc, Syntax::Go, lookup, minor);
}

struct Case {
  const char* bytes;
  int length;
  const char* text; // the same in every release
};

// Forms the Go compiler emits, -N -l and optimized, with x86asm's quirks.
const Case kCommon[] = {
    {"65488b0c2500000000", 9, "MOVQ GS:0, CX"},
    {"4883ec60", 4, "SUBQ $0x60, SP"},
    {"48896c2458", 5, "MOVQ BP, 0x58(SP)"},
    {"488d6c2458", 5, "LEAQ 0x58(SP), BP"},
    {"48c744246800000000", 9, "MOVQ $0x0, 0x68(SP)"},
    {"488d0500000000", 7, "LEAQ 0(IP), AX"},
    {"e800000000", 5, "CALL 0x1005"},
    {"7672", 2, "JBE 0x1074"},
    {"eb00", 2, "JMP 0x1002"},
    {"90", 1, "NOPL"},
    {"6690", 2, "NOPW"},
    {"0f1f00", 3, "NOPL 0(AX)"},
    {"0f1f440000", 5, "NOPL 0(AX)(AX*1)"},
    {"660f1f440000", 6, "NOPW 0(AX)(AX*1)"},
    {"662e0f1f840000000000", 10, "CS NOPW 0(AX)(AX*1)"},
    {"c3", 1, "RET"},
    {"440f117c2440", 6, "MOVUPS X15, 0x40(SP)"},
    {"0f57c0", 3, "XORPS X0, X0"},
    {"f20f1005f0ffffff", 8, "MOVSD_XMM 0xfffffff0(IP), X0"},
    {"f2480f2ac0", 5, "CVTSI2SDQ AX, X0"},
    {"f2480f2cc1", 5, "CVTTSD2SIQ X1, AX"},
    {"660f2ec1", 4, "UCOMISD X1, X0"},
    {"0fb6c0", 3, "MOVZX AL, AX"},
    {"480fbec1", 4, "MOVSX CL, AX"},
    {"4863c8", 3, "MOVSXD AX, CX"},
    {"480f44c1", 4, "CMOVE CX, AX"},
    {"0f94c0", 3, "SETE AL"},
    {"4869c918000000", 7, "IMULQ $0x18, CX, CX"},
    {"48f7f1", 3, "DIVQ CX"},
    {"48d3e0", 3, "SHLQ CL, AX"},
    {"48c1f83f", 4, "SARQ $0x3f, AX"},
    {"d1e0", 2, "SHLL $0x1, AX"},
    {"f0480fb111", 5, "LOCK CMPXCHGQ DX, 0(CX)"},
    {"f0480fc101", 5, "LOCK XADDQ AX, 0(CX)"},
    {"f348ab", 3, "REP; STOSQ AX, ES:0(DI)"},
    {"f3a4", 2, "REP; MOVSB DS:0(SI), ES:0(DI)"},
    {"480fbcc1", 4, "BSFQ CX, AX"},
    {"4899", 2, "CQO"},
    {"0f0b", 2, "UD2"},
    {"cc", 1, "INT $0x3"},
    {"f390", 2, "PAUSE"},
    {"4190", 2, "XCHGL AX, R8"},
    {"f3c3", 2, "REP; RET"},
    // Byte-register operations still take the operand-size suffix.
    {"00c8", 2, "ADDL CL, AL"},
    {"84c0", 2, "TESTL AL, AL"},
    {"8401", 2, "TESTB AL, 0(CX)"},
    // disp8 is sign-extended, disp32 is not.
    {"8b45f8", 3, "MOVL -0x8(BP), AX"},
    {"8b8424f8ffffff", 7, "MOVL 0xfffffff8(SP), AX"},
    // imm8 is sign-extended only for 6A/6B/83; imm16 and imm32 always.
    {"83c0ff", 3, "ADDL $-0x1, AX"},
    {"80c0ff", 3, "ADDL $0xff, AL"},
    {"b8ffffffff", 5, "MOVL $-0x1, AX"},
    {"48b8ffffffffffffffff", 10, "MOVQ $-0x1, AX"},
    {"48b80000000000000080", 10, "MOVQ $0x8000000000000000, AX"},
    {"c2ffff", 3, "RET $0xffff"},
    // Undecodable bytes take one byte each.
    {"f30f1efa", 1, "?"},
    {"ff", 1, "?"},
    {"f20f2a", 1, "?"},
    {"c1f000", 1, "?"}, // SAL: not in x86asm's tables
    {"c5fd6f00", 4, "VMOVDQA 0(AX), X0"},
    {"c5f9efc0", 3, "OUTL AX, DX"}, // VPXOR: x86asm skips the VEX prefix
};

TEST(Disasm, GoSyntaxMatchesX86asm) {
  for (int minor : {15, 19, 21, 22, 23, 24, 25, 26}) {
    for (const Case& c : kCommon) {
      Instruction in = go(c.bytes, minor);
      EXPECT_EQ(in.text, c.text) << "go1." << minor << " " << c.bytes;
      EXPECT_EQ(in.length, c.length) << "go1." << minor << " " << c.bytes;
      EXPECT_EQ(in.ok, std::string_view(c.text) != "?") << c.bytes;
    }
  }
}

TEST(Disasm, ReleaseDifferences) {
  // CMP reads left to right from Go 1.21 (golang/go#60920).
  EXPECT_EQ(go("483b6110", 15).text, "CMPQ 0x10(CX), SP");
  EXPECT_EQ(go("493b6610", 19).text, "CMPQ 0x10(R14), SP");
  EXPECT_EQ(go("493b6610", 21).text, "CMPQ SP, 0x10(R14)");
  EXPECT_EQ(go("493b6610", 24).text, "CMPQ SP, 0x10(R14)");
  // A lone 64-bit register gets Q only after Go 1.15; POPCNT gained its suffix then too.
  EXPECT_EQ(go("55", 15).text, "PUSHL BP");
  EXPECT_EQ(go("55", 19).text, "PUSHQ BP");
  EXPECT_EQ(go("4155", 15).text, "PUSHL R13");
  EXPECT_EQ(go("5d", 24).text, "POPQ BP");
  EXPECT_EQ(go("f3480fb8c1", 15).text, "POPCNT CX, AX");
  EXPECT_EQ(go("f3480fb8c1", 19).text, "POPCNTQ CX, AX");
  // UD0 entered x86asm's tables after Go 1.15.
  EXPECT_EQ(go("0fff00", 15).text, "?");
  EXPECT_EQ(go("0fff00", 19).text, "UD0 0(AX), AX");
}

TEST(Disasm, SymbolLookup) {
  SymbolLookup lookup = [](uint64_t a) -> std::optional<SymbolHit> {
    if (a >= 0x1000 && a < 0x1100) return SymbolHit{"sym.A", 0x1000};
    if (a >= 0x2000 && a < 0x2010) return SymbolHit{"sym.B", 0x2000};
    return std::nullopt;
  };
  auto at = [&](std::string_view b) { return go(b, 24, 0x1000, lookup).text; };
  // Branches name a symbol only at its start.
  EXPECT_EQ(at("ebfe"), "JMP sym.A(SB)");
  EXPECT_EQ(at("e9fb0f0000"), "JMP sym.B(SB)");
  EXPECT_EQ(at("eb00"), "JMP 0x1002");
  // Immediates and absolute or PC-relative addresses anywhere inside one.
  EXPECT_EQ(at("b800100000"), "MOVL $sym.A(SB), AX");
  EXPECT_EQ(at("48c7c008100000"), "MOVQ $sym.A+8(SB), AX");
  EXPECT_EQ(at("8b0510000000"), "MOVL sym.A+22(SB), AX");
  EXPECT_EQ(at("a10820000000000000"), "MOVL sym.B+8(SB), AX");
  // Not with a SIB byte, a segment, or a zero displacement.
  EXPECT_EQ(at("8b042500100000"), "MOVL 0x1000, AX");
  EXPECT_EQ(at("648b0c2508100000"), "MOVL FS:0x1008, CX");
  EXPECT_EQ(at("488d0500000000"), "LEAQ 0(IP), AX");
  // At pc 0 x86asm prints the raw displacement.
  EXPECT_EQ(go("ebfe", 24, 0).text, "JMP .-2");
}

TEST(Disasm, Go127DecodesVexItself) {
  // Go 1.27's x86asm (avx.go) decodes VEX instructions from XED's tables; what the tables lack
  // (BMI: ANDN, SHLX, ...) is one undecodable byte. Before, VPXOR read as an OUTL after the VEX.
  struct VexCase {
    const char* bytes;
    int length;
    const char* text;
  };
  const VexCase cases[] = {
      {"c5fd6f00", 4, "VMOVDQA 0(AX), Y0"},
      {"c5fe6f00", 4, "VMOVDQU 0(AX), Y0"},
      {"c5f9efc0", 4, "VPXOR X0, X0, X0"},
      {"c4e2f9b9c8", 5, "VFMADD231SD X0, X0, X1"},
      {"c5f877", 3, "VZEROUPPER"},
      {"c5fdd7c1", 4, "VPMOVMSKB Y1, AX"},
      {"c4e278f2c1", 1, "?"}, // ANDN
      {"c4e27d5ac0", 1, "?"}, // VBROADCASTI128 from a register: no such form
  };
  for (const VexCase& c : cases) {
    Instruction in = go(c.bytes, 27);
    EXPECT_EQ(in.text, c.text) << c.bytes;
    EXPECT_EQ(in.length, c.length) << c.bytes;
  }
  EXPECT_EQ(go("c5f9efc0", 26).text, "OUTL AX, DX");
  EXPECT_EQ(go("c5fd6f00", 26).text, "VMOVDQA 0(AX), X0");
}

TEST(Disasm, ImmediateSymbolsOnlyForMovAndPush32FromGo125) {
  // golang/go#72942: from Go 1.25 x86asm names a symbol for an immediate only in MOVL/PUSHL.
  SymbolLookup lookup = [](uint64_t a) -> std::optional<SymbolHit> {
    if (a >= 0x1000 && a < 0x1100) return SymbolHit{"sym.A", 0x1000};
    return std::nullopt;
  };
  auto at = [&](std::string_view b, int minor) { return go(b, minor, 0x1000, lookup).text; };
  EXPECT_EQ(at("4881ec10100000", 24), "SUBQ $sym.A+16(SB), SP");
  EXPECT_EQ(at("4881ec10100000", 25), "SUBQ $0x1010, SP");
  EXPECT_EQ(at("48c7c008100000", 25), "MOVQ $0x1008, AX");
  EXPECT_EQ(at("b800100000", 25), "MOVL $sym.A(SB), AX");
  EXPECT_EQ(at("6808100000", 26), "PUSHL $sym.A+8(SB)");
  EXPECT_EQ(at("3d08100000", 26), "CMPL AX, $0x1008");
  // The rules come from the release's profile; the minor number picks the same row.
  const GoProfile* p = profileByName("go1.25");
  ASSERT_NE(p, nullptr);
  auto b = hex("4881ec10100000");
  EXPECT_EQ(disassemble(b, 0x1000, Syntax::Go, lookup, p->x86asm).text, "SUBQ $0x1010, SP");
}

TEST(Disasm, BranchClassification) {
  Instruction call = go("e8fb0f0000");
  EXPECT_TRUE(call.isCall);
  EXPECT_EQ(call.branchTarget, 0x2000u);
  Instruction jbe = go("7672");
  EXPECT_TRUE(jbe.isJump);
  EXPECT_EQ(jbe.branchTarget, 0x1074u);
  EXPECT_TRUE(go("c3").isRet);
  Instruction indirect = go("ffd0");
  EXPECT_EQ(indirect.text, "CALL AX");
  EXPECT_TRUE(indirect.isCall);
  EXPECT_FALSE(indirect.branchTarget.has_value());
}

TEST(Disasm, TruncatedAndEmptyInput) {
  // An instruction cut off by the end of its symbol is undecodable, one byte at a time.
  Instruction cut = go("e80000");
  EXPECT_FALSE(cut.ok);
  EXPECT_EQ(cut.length, 1);
  EXPECT_EQ(cut.text, "?");
  Instruction none = disassemble({}, 0x1000, Syntax::Go);
  EXPECT_FALSE(none.ok);
  EXPECT_EQ(none.length, 1);
  // More than 15 bytes of prefixes never decode.
  EXPECT_EQ(go("6666666666666666666666666666669090").text, "?");
}

TEST(Disasm, IntelSyntax) {
  auto b = hex("4883ec60");
  Instruction in = disassemble(b, 0x1000, Syntax::Intel);
  EXPECT_TRUE(in.ok);
  EXPECT_EQ(in.length, 4);
  EXPECT_EQ(in.text, "sub rsp, 0x60");
  auto c = hex("e8fb0f0000");
  Instruction call = disassemble(c, 0x1000, Syntax::Intel);
  EXPECT_TRUE(call.isCall);
  EXPECT_EQ(call.branchTarget, 0x2000u);
  EXPECT_EQ(call.text, "call 0x2000");
  SymbolLookup lookup = [](uint64_t a) -> std::optional<SymbolHit> {
    if (a == 0x2000) return SymbolHit{"main.f", 0x2000};
    return std::nullopt;
  };
  EXPECT_EQ(disassemble(c, 0x1000, Syntax::Intel, lookup).text, "call 0x2000 <main.f>");
}

// text/tabwriter as objdump configures it: minwidth 18, tabwidth 8, padding 1, tabs.
std::string tabulate(const std::vector<std::string>& writes) {
  std::ostringstream out;
  gd::loader::TabWriter tw(out, 18, 8, 1, '\t', gd::loader::TabWriter::StripEscape);
  for (const auto& w : writes)
    tw.write(w);
  tw.flush();
  return out.str();
}

TEST(TabWriter, ColumnsAlignPerBlock) {
  // Expected outputs are Go's text/tabwriter's for the same writes. Cells are padded with tabs
  // to the widest cell of their column plus padding, rounded up to a tab stop, at least 18.
  EXPECT_EQ(tabulate({"  a.go:1\t0x10\t90\tNOPL\t\n", "  a.go:12\t0x11\tc3\tRET\t\n"}),
            "  a.go:1\t\t0x10\t\t\t90\t\t\tNOPL\t\t\t\n  a.go:12\t\t0x11\t\t\tc3\t\t\tRET\t\t\t\n");
  // A column only spans the adjacent lines that have it.
  EXPECT_EQ(tabulate({"x\ty\t\n", "x\ty\tz\t\n", "x\ty\t\n"}),
            "x\t\t\ty\t\t\t\nx\t\t\ty\t\t\tz\t\t\t\nx\t\t\ty\t\t\t\n");
  // Width counts runes, not bytes.
  EXPECT_EQ(tabulate({"\u00b7\tb\t\n", "aa\tb\t\n"}), "\u00b7\t\t\tb\t\t\t\naa\t\t\tb\t\t\t\n");
  // Text without a tab is written as is, and ends the blocks above it.
  EXPECT_EQ(tabulate({"TEXT x(SB)\n"}), "TEXT x(SB)\n");
  EXPECT_EQ(tabulate({"abcdefghijklmnopqrstuvwxyz0123\tb\t\n", "a\tb\t\n", "a\n", "a\tb\t\n"}),
            "abcdefghijklmnopqrstuvwxyz0123\tb\t\t\t\na\t\t\t\tb\t\t\t\na\na\t\t\tb\t\t\t\n");
  // Escaped text is opaque and, with StripEscape, loses its Escape bytes.
  EXPECT_EQ(tabulate({"a\xff"
                      "b\tc\xff"
                      "d\te\t\n",
                      "f\tg\t\n"}),
            "ab\tcd\t\t\te\t\t\t\nf\t\t\tg\t\t\t\n");
}

} // namespace
