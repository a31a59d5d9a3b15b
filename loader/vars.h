// Names, types and locations of a function's parameters, results and locals: from the object's
// DWARF (go.info/go.loc aux symbols, docs/go-internals.md §6) where it has some, else from the
// Go source (func signature), else nothing (the caller then reports results by position).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loader/error.h"
#include "loader/object.h"

namespace gd::loader {

// One location piece: where the variable lives for pc offsets [lo, hi) from the function entry
// (lo = 0, hi = UINT32_MAX when it is a single location for the whole function).
struct VarLocation {
  uint32_t lo = 0, hi = UINT32_MAX;
  enum class Kind { CfaOffset, Register } kind = Kind::CfaOffset;
  int64_t offset = 0; // CfaOffset: address = CFA + offset, where CFA = entry SP + 8
  int reg = -1;       // Register: DWARF register number (RAX 0, RDX 1, RCX 2, RBX 3, ...)

  // A value split over several places (DW_OP_piece: a string in RAX and RBX, say). Empty for
  // the usual single place; otherwise every piece in order, and kind/offset/reg above repeat
  // the first piece that has a place.
  struct Piece {
    Kind kind = Kind::CfaOffset;
    int64_t offset = 0;
    int reg = -1;
    uint32_t size = 0; // bytes of the value this piece holds
    bool known = true; // false: the piece is optimised away (or padding)
  };
  std::vector<Piece> pieces;
};

enum class VarRole { Param, Result, Local };

struct VarInfo {
  std::string name; // "i", "&i" for captured variables of closures, "~r0" for unnamed results
  std::string type; // Go type string: "int", "*int", "string", ...
  VarRole role = VarRole::Local;
  int declLine = 0;
  std::vector<VarLocation> locations; // empty: no location known
};

enum class VarSource { Dwarf, GoSource, None };

struct FuncVars {
  VarSource source = VarSource::None;
  std::string sourceFile;    // for GoSource: the .go file read
  std::vector<VarInfo> vars; // params in order, then results in order, then locals
  std::string warning;       // why a better source was skipped ("DWARF unreadable: ...")
};

// From the object's DWARF for function `fn`. An empty result (source None) when the object has
// no DWARF for it; an error when the DWARF is malformed.
Expected<FuncVars> readDwarfVars(const Object& obj, SymId fn);

// From the Go source: finds `func NAME(` in `goFile` and parses its parameter and result lists
// (names and type strings). Locations are filled for ABI0 (Go 1.15) objects from the sizes of
// basic types; register-ABI locations are left empty.
Expected<FuncVars> readSourceVars(const Object& obj, SymId fn, const std::string& goFile);

// The whole chain for the command line: DWARF, else the source found through the path the
// object records, the folder of the object, or `sourceDirs`.
FuncVars functionVars(const Object& obj, SymId fn, const std::vector<std::string>& sourceDirs);

// The .go files functionVars would try for `fn`, in order (existing files only, no duplicates).
std::vector<std::string> sourceCandidates(const Object& obj, SymId fn,
                                          const std::vector<std::string>& sourceDirs);

// Readable names for the enums ("param", "result", "local"; "dwarf", "source", "none").
std::string_view roleName(VarRole r);
std::string_view sourceName(VarSource s);

} // namespace gd::loader
