// Per-Go-version facts the loader needs, as data: one GoProfile row per toolchain generation,
// chosen once from the object's header. Raw Go numbers are translated here into our own enums
// and never leave the loader.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace gd::loader {

enum class RelocKind : uint8_t {
  Unknown,
  Addr,
  AddrOff,
  WeakAddrOff,
  WeakAddr,
  Size,
  Call,
  CallInd,
  Const,
  PcRel,
  TlsLe,
  TlsIe,
  GotOff,
  UseField,
  UseType,
  UseIface,
  UseIfaceMethod,
  UseGenericIfaceMethod,
  UseNamedMethod,
  MethodOff,
  Keep,
  GotPcRel,
  DwarfSecRef,
  DwarfFileRef,
  AddrCuOff,
  PeImageOff,
  InitOrder,
  DwarfTextAddr, // R_DWTXTADDR_U1..U4 (Go 1.25+): a .debug_addr index of a function, as ULEB
};

// The Go name of a relocation kind, as `go tool objdump` prints it ("R_CALL").
std::string_view relocName(RelocKind k);
// The Go name of a raw relocation number in this profile ("R_CALL"), empty when unknown.
std::string_view relocGoName(const struct GoProfile& p, uint16_t raw);
// Our kind for a Go relocation name ("R_CALL"); Unknown when we do not know it.
RelocKind relocKindFromGoName(std::string_view goName);
// True for relocations that write nothing (markers such as R_USEIFACE, R_KEEP).
bool relocIsMarker(RelocKind k);

enum class SymKind : uint8_t {
  None,
  Text,
  RoData,
  NoPtrData,
  Data,
  Bss,
  NoPtrBss,
  TlsBss,
  DwarfInfo, // function DWARF (SDWARFINFO in 1.15, SDWARFFCN later)
  DwarfCuInfo,
  DwarfConst,
  DwarfAbsFcn,
  DwarfType,
  DwarfVar,
  DwarfRange,
  DwarfLoc,
  DwarfLines,
  DwarfAddr, // SDWARFADDR (Go 1.25+): a package's .debug_addr contribution
  AbiAlias,
  Other, // fuzzer counters, coverage, SEH: kept, never mapped as code
};

enum class ObjFormat : uint8_t { Go115, Go116, Go118, Go120 };
enum class Abi : uint8_t { Abi0Only, RegisterAbi };

// How the release's vendored golang.org/x/arch/x86/x86asm decodes and prints instructions in
// Go syntax (decode.go, plan9x.go), which is what its `go tool objdump` shows.
struct X86asmRules {
  bool ud0;            // 0F FF is UD0 (x/arch after Go 1.15; "?" before)
  bool popcntSuffix;   // POPCNT takes an operand-size suffix (POPCNTQ)
  bool oneReg64Suffix; // a lone 64-bit register operand makes the suffix Q (PUSHQ BP, not PUSHL)
  bool cmpLeftToRight; // CMP prints its operands in source order (Go 1.21+)
  // Immediates become $sym+N(SB) only for MOV/PUSH of data size 32 (Go 1.25+, issue 72942);
  // before, every immediate inside a symbol did.
  bool immSymbolsOnlyMovPush32;
  // VEX/EVEX instructions go through avx.go (Go 1.27+). Before, x86asm knew only a few VEX
  // opcodes and read the bytes after any other VEX prefix as a legacy instruction.
  bool avxDecoder;
};

// The DWARF a release's compiler writes into function symbols (cmd/internal/dwarf/dwarf.go,
// ssa/debug.go).
struct DwarfRules {
  // Go 1.25+ writes DWARF 5 forms (addrx low_pc, udata high_pc, loclists, rnglists) for every
  // GOOS but darwin, ios and aix (internal/buildcfg/exp.go: dwarf5Supported).
  bool dwarf5ExceptDarwinIosAix;
  // How the compiler names parameters and results the source leaves unnamed or blank (1.15
  // gc/dcl.go funcargs; 1.19/1.21 typecheck/dcl.go, noder/reader.go; 1.22+ ir/func.go
  // DeclareParams).
  bool resultsAfterParams;          // 1.15: ~r numbering continues after the parameters
  std::string_view blankResult;     // "~b1" / "~r1" for a `_` result
  std::string_view unnamedParam;    // "": shown as "_"
  std::string_view wrapperReceiver; // receiver of a `(*T).M` wrapper; "": the source's name
};

// What `go tool objdump` of the release prints for an object (cmd/internal/objfile/goobj.go).
enum class ObjdumpStyle : uint8_t {
  Goobj115, // Go 1.15 (goobj2): file offsets as addresses, `"".` escaped as %22%22., relocation
            // targets by bare name, line spans for every named symbol's bytes, one undefined
            // entry per distinct relocation target
  Goobj116, // Go 1.16+: offsets within the object, builtins with their ABI and static symbols
            // `<1>`, line spans for functions, undefined entries per Nonpkgref and RefName
            // record, RelocType(n) for relocations with the weak bit
};
// The sort objdump's symbol table goes through (sort.Sort / slices.SortFunc).
enum class SymbolSort : uint8_t {
  IntroSort,  // Go 1.15: introsort with median-of-three pivots
  Pdq13_17_5, // Go 1.19-1.23: pdqsort, the pattern breaker's xorshift 13/17/5
  Pdq13_7_17, // Go 1.24+: the same with xorshift 13/7/17
};

struct GoProfile {
  std::string_view name; // "go1.15", "go1.19", ...
  int minor;             // 15, 19, 21, ...
  ObjFormat format;
  Abi abi;
  std::span<const std::string_view> builtins; // index = builtin SymIdx; "name/0" marks ABI0
  uint32_t pkgIdxNone, pkgIdxHashed64, pkgIdxHashed, pkgIdxBuiltin, pkgIdxSelf;
  uint8_t funcdataOpenCodedDefer; // FUNCDATA index of OpenCodedDeferInfo
  uint8_t funcdataArgInfo;        // FUNCDATA index of ArgInfo (0xFF: none)
  X86asmRules x86asm;
  DwarfRules dwarf;
  ObjdumpStyle objdump;
  SymbolSort symbolSort;
  bool funcInfoStartLine; // Go 1.20+: FuncInfo carries StartLine (goobj/funcinfo.go)
  // Go 1.21+ linkers sort zero-sized data symbols just before runtime.zerobase, so that they
  // all share its address (cmd/link/internal/ld/data.go, dodataSect); before, each had its own.
  bool zeroSizedDataAtZerobase;
};

// True when objects of this release and GOOS hold DWARF 5 forms (see DwarfRules). When the
// object's header lists its experiments (`X:regabiwrappers,...,dwarf5`), that list decides, so
// GOEXPERIMENT=nodwarf5 objects are read as DWARF 4.
bool usesDwarf5(const GoProfile& p, std::string_view goos, std::string_view experiments = {});

// How a header version string such as "go1.21.13" maps to a profile.
struct VersionMatch {
  const GoProfile* profile = nullptr; // nullptr: a release we have no facts for (or not Go)
  // True when the release is newer than the newest verified one and `profile` is that newest
  // row, read on the assumption that nothing the tool depends on changed.
  bool newer = false;
};
// Picks the profile for a header version string. Releases between verified rows (1.16-1.18,
// 1.20) have no profile; releases after the newest verified row get that row, marked `newer`.
VersionMatch matchVersion(std::string_view version);
// The profile for exactly this release; nullptr when it is not a verified row.
const GoProfile* profileForVersion(std::string_view version);
// The newest verified release ("go1.27") and a human list of all of them ("go1.15, go1.19,
// go1.21-go1.27") for messages.
const GoProfile& newestProfile();
std::string supportedReleases();
// Picks a profile by its name ("go1.15").
const GoProfile* profileByName(std::string_view name);
// The x86asm rules of Go 1.`minor`: those of the newest verified row not newer than it (the
// oldest row's for older releases).
const X86asmRules& x86asmRulesFor(int minor);
// Translates a Go relocation number for this profile.
RelocKind relocKindFor(const GoProfile& p, uint16_t raw);
SymKind symKindFor(const GoProfile& p, uint8_t raw);

} // namespace gd::loader
