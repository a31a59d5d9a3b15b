// The in-memory model of one Go object file (or of a saved `go tool objdump` listing), with
// every raw Go number already translated into our own enums. Mirrors what
// cmd/internal/goobj (Go 1.16+) and cmd/internal/goobj2 (Go 1.15) write; see docs/go-internals.md.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "loader/error.h"
#include "loader/goversion.h"

namespace gd::loader {

using SymId = uint32_t;
inline constexpr SymId kNoSym = 0xFFFFFFFF;

// Where a symbol came from in the object's index spaces.
enum class SymOrigin : uint8_t {
  Defined,   // Symdef block: package symbols
  Hashed64,  // Hashed64def (go118ld+)
  Hashed,    // Hasheddef (go118ld+)
  NonPkgDef, // Nonpkgdef
  NonPkgRef, // Nonpkgref: undefined, by name
  PkgRef,    // a symbol of another package, named through the RefName block
  Builtin,   // PkgIdxBuiltin: the toolchain's builtin table
  Synthetic, // made by us: funcvals `X·f` of a listing, `$f64.*` constants
};

struct Reloc {
  int32_t off = 0;  // offset in the symbol's data
  uint8_t size = 0; // bytes written; 0 for markers
  RelocKind kind = RelocKind::Unknown;
  uint16_t rawType = 0; // the Go number, for messages only
  int64_t add = 0;
  SymId sym = kNoSym; // target; kNoSym for R_TLS_LE and friends
};

struct InlineNode {
  int32_t parent = -1;
  std::string file;
  int32_t line = 0;
  SymId func = kNoSym;
  int32_t parentPc = 0;
};

// FuncInfo aux payload plus the pc-value tables, whichever block they live in.
struct FuncInfo {
  uint32_t args = 0;   // ABI0: bytes of args+results; ABIInternal: stack args+results+spill area
  uint32_t locals = 0; // frame size below the return address
  uint8_t funcId = 0;
  uint8_t funcFlag = 0;
  int32_t startLine = 0; // Go 1.20+ only
  std::vector<uint8_t> pcsp, pcfile, pcline, pcinline;
  std::vector<std::vector<uint8_t>> pcdata; // by PCDATA index
  std::vector<SymId> funcdata;              // by FUNCDATA index; kNoSym where absent
  std::vector<std::string> files;           // pcfile value -> file name as recorded
  std::vector<InlineNode> inlineTree;
  SymId dwarfInfo = kNoSym, dwarfLoc = kNoSym, dwarfRanges = kNoSym, dwarfLines = kNoSym;
};

struct Symbol {
  std::string name; // as recorded: `"".c` (Go 1.15 without -p), `main.c`, `runtime.deferreturn`
  uint16_t abi = 0; // 0 ABI0, 1 ABIInternal, 0xFFFF static
  SymOrigin origin = SymOrigin::Defined;
  SymKind kind = SymKind::None;
  uint8_t flag = 0, flag2 = 0;
  uint32_t size = 0, align = 0;
  std::vector<uint8_t> data;
  uint64_t dataOffset = 0; // object-relative offset of data[0] (listing: the printed address)
  std::vector<Reloc> relocs;
  std::optional<FuncInfo> func;
  SymId gotype = kNoSym;
  // A PkgRef names another package's symbol by index: that package's path and the symbol's
  // index in its Symdef block (how cmd/link resolves it; the name is only for tools).
  std::string refPkg;
  uint32_t refIdx = 0;
  uint16_t unit = 0; // the linked unit (Object::units) that defined it

  bool defined() const {
    return origin != SymOrigin::NonPkgRef && origin != SymOrigin::PkgRef &&
           origin != SymOrigin::Builtin;
  }
  bool isText() const { return kind == SymKind::Text; }
  uint32_t memSize() const { return std::max<uint32_t>(size, uint32_t(data.size())); }
};

// Symbol flag bits (Sym.Flag), identical in every format.
namespace symflag {
inline constexpr uint8_t kDupok = 0x01, kLocal = 0x02, kTypelink = 0x04, kLeaf = 0x08,
                         kNoSplit = 0x10, kReflectMethod = 0x20, kGoType = 0x40;
}

struct ObjectHeader {
  std::string goos, goarch;
  std::string version;     // "go1.15.15"
  std::string experiments; // the X: list, verbatim
  bool packageMain = false;
};

enum class SourceKind { Object, Listing };

class Object {
public:
  std::string path; // as given on the command line, for messages
  SourceKind source = SourceKind::Object;
  ObjectHeader header;
  const GoProfile* profile = nullptr; // per-version facts, chosen from the header
  // Set when the header names a release newer than the newest verified one and `profile` is
  // that newest row (see matchVersion); the front end says so in one warning line.
  bool versionAssumed = false;
  std::string magic; // "go115ld", ...; empty for listings
  uint32_t flags = 0;
  uint64_t baseOffset = 0;   // file offset of the magic (Go 1.15 objdump prints file offsets)
  uint32_t refNameCount = 0; // RefName records (tools' names of other packages' symbols)
  std::vector<std::string> packages; // PkgIdx block
  std::vector<std::string> files;    // File (DwarfFile) block
  std::vector<Symbol> symbols;
  // The packages a linked program was made of (loader/link.h), main first; empty for one object.
  struct Unit {
    std::string pkgPath; // "main", "sync", "internal/bytealg"
    std::string path;    // the archive it came from
    bool user = true;    // the user's own code (traced by default), not a dependency
  };
  std::vector<Unit> units;
  // True when the symbol belongs to the user's packages (every symbol of a lone object).
  bool userSymbol(SymId id) const {
    return units.empty() || id >= symbols.size() || units.at(symbols[id].unit).user;
  }

  const Symbol& sym(SymId id) const { return symbols.at(id); }
  Symbol& sym(SymId id) { return symbols.at(id); }

  // Finds a defined symbol by exact name (and, if given, ABI).
  std::optional<SymId> find(std::string_view name) const;
  // Finds a function as a user names it: `c`, `main.c` and `"".c` are the same function.
  std::optional<SymId> findFunction(std::string_view userName) const;
  // A name as people read it: `"".c` -> `main.c`.
  std::string displayName(SymId id) const;

  // Rebuilds the name index after symbols were added.
  void reindex();

private:
  std::unordered_map<std::string, SymId> byName_;
};

struct LoadOptions {
  // Refuse (ErrorKind::Unsupported) a release newer than the newest verified one instead of
  // reading it with that release's tables.
  bool strictVersion = false;
};

// Loads an object from a file: archive member `_go_.o`, bare object, or a saved listing.
Expected<std::shared_ptr<Object>> loadFile(const std::string& path, LoadOptions opts = {});
// Loads every Go object of an archive (`_go_.o` first, then the assembler's members), as the
// linker reads a package; a bare object gives one.
Expected<std::vector<std::shared_ptr<Object>>> loadArchive(const std::string& path,
                                                           LoadOptions opts = {});
// Loads from bytes already in memory (path is only used in messages).
Expected<std::shared_ptr<Object>> loadBytes(const std::string& path, std::vector<uint8_t> bytes,
                                            LoadOptions opts = {});
// The one warning line for an object read with a newer release's assumption, e.g.
// "go1.28.1 is newer than the newest release this build knows (go1.27); reading it as go1.27";
// empty when the release is a verified one.
std::string versionWarning(const Object& obj);

} // namespace gd::loader
