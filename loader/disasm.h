// x86-64 disassembly on Zydis, printed the way the Go toolchain prints it: Go (Plan 9) syntax
// exactly as golang.org/x/arch/x86/x86asm.GoSyntax, which `go tool objdump` uses, or Intel.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "loader/goversion.h"

namespace gd::loader {

enum class Syntax { Go, Intel };

// objdump's symbol lookup: the symbol containing `addr` and its start address.
struct SymbolHit {
  std::string name;
  uint64_t base;
};
using SymbolLookup = std::function<std::optional<SymbolHit>(uint64_t addr)>;

struct Instruction {
  bool ok = false;     // false: undecodable (printed as objdump does: "?")
  uint8_t length = 1;  // bytes consumed (1 when undecodable)
  std::string text;    // formatted, e.g. "MOVQ 0x10(CX), SP" or "CALL 0xab9"
  bool isCall = false; // CALL rel32 / CALL reg
  bool isRet = false;
  bool isJump = false;                  // any JMP/Jcc
  std::optional<uint64_t> branchTarget; // for relative branches and calls
};

// Decodes one instruction at `code` (whose first byte sits at address `pc`). `code` should end
// where the enclosing symbol ends: an instruction running past it is undecodable, as in objdump.
// `rules` are those of the Go release whose x86asm the Go syntax follows (X86asmRules in each
// release's profile; by default the newest verified release's).
Instruction disassemble(std::span<const uint8_t> code, uint64_t pc, Syntax syntax,
                        const SymbolLookup& lookup = {},
                        const X86asmRules& rules = newestProfile().x86asm);
// The same with the rules of Go 1.`goMinor` (x86asmRulesFor).
Instruction disassemble(std::span<const uint8_t> code, uint64_t pc, Syntax syntax,
                        const SymbolLookup& lookup, int goMinor);

} // namespace gd::loader
