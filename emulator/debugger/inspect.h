// Reading a stopped program the way the REPL shows it: the named slots of a frame (DWARF
// variables, or names from the Go source, at the frame's pc), registers by Go or gdb names, and
// small expressions over them (`i`, `*p`, `&i`, `$sp+8`, `*0xc000010000`).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "emulator/debugger/debugger.h"
#include "loader/vars.h"

namespace gd::emu {

struct FrameVar {
  loader::VarInfo info;
  std::optional<uint64_t> addr; // where it lives in memory at this pc
  std::optional<Value> value;   // nullopt: not available here (see note)
  std::string note;             // "in AX", "not available at this pc", ...
};

// A register as the REPL names it: Go's names (AX ... R15, SP, BP, PC, X0-X15) or gdb's with a
// dollar ($rax, $rsp, $pc, $eflags, $xmm0, $fs_base).
struct RegisterRef {
  enum class Kind { General, Eflags, Xmm } kind = Kind::General;
  rt::Reg reg = rt::Reg::RAX;
  int xmm = 0;
};
std::optional<RegisterRef> parseRegister(std::string_view name);

class Inspector {
public:
  explicit Inspector(Debugger& d) : d_(d) {}

  const loader::FuncVars& vars(loader::SymId fn);
  std::vector<FrameVar> frameVars(const Frame& f);

  // `print EXPR`: the value, Go-formatted (strings quoted).
  Expected<std::string> print(const std::string& expr, const Frame& f);
  // An address for x, watch and break: a number, a register, &var, a pointer's value...
  Expected<uint64_t> address(const std::string& expr, const Frame& f);
  // A variable of the frame that lives in memory (for watch): address, size, type.
  Expected<std::tuple<uint64_t, uint32_t, std::string>> variableSlot(const std::string& name,
                                                                     const Frame& f);
  // Names for completion: variables of the frame.
  std::vector<std::string> names(const Frame& f);

  struct Eval {
    std::string type;                  // Go type; "" when untyped (numbers, registers, raw words)
    uint64_t bits = 0;                 // the value when it fits 8 bytes
    std::optional<uint64_t> addr;      // an lvalue's address
    std::optional<std::string> text;   // preformatted (strings from register pieces, XMM)
    bool hex = false;                  // untyped: show in hex (registers, memory words)
    const rt::GoType* shape = nullptr; // the type's shape when known (composite values)
  };
  Expected<Eval> evaluate(const std::string& expr, const Frame& f);

private:
  uint64_t registerValue(rt::Reg r, const Frame& f);
  std::optional<FrameVar> findVar(const std::string& name, const Frame& f);
  std::string format(const Eval& e);
  const rt::GoType* shapeOf(const Eval& e);
  // x.name (through pointers, as Go does), x[i] and x["key"], len(x), cap(x).
  Expected<Eval> field(const Eval& e, const std::string& name);
  Expected<Eval> index(const Eval& e, const Eval& i, const std::optional<std::string>& key);
  Expected<Eval> lengthOf(const Eval& e, bool cap);
  Expected<Eval> load(const rt::GoType* t, uint64_t addr); // a value of type t in memory

  Debugger& d_;
  std::map<loader::SymId, loader::FuncVars> vars_;
};

} // namespace gd::emu
