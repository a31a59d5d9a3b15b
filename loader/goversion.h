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
  AbiAlias,
  Other, // fuzzer counters, coverage, SEH: kept, never mapped as code
};

enum class ObjFormat : uint8_t { Go115, Go116, Go118, Go120 };
enum class Abi : uint8_t { Abi0Only, RegisterAbi };

struct GoProfile {
  std::string_view name; // "go1.15", "go1.19", ...
  int minor;             // 15, 19, 21, ...
  ObjFormat format;
  Abi abi;
  std::span<const std::string_view> builtins; // index = builtin SymIdx; "name/0" marks ABI0
  uint32_t pkgIdxNone, pkgIdxHashed64, pkgIdxHashed, pkgIdxBuiltin, pkgIdxSelf;
  uint8_t funcdataOpenCodedDefer; // FUNCDATA index of OpenCodedDeferInfo
  uint8_t funcdataArgInfo;        // FUNCDATA index of ArgInfo (0xFF: none)
};

// Picks the profile for a header version string such as "go1.21.13"; nullopt when we have no
// facts for that release.
const GoProfile* profileForVersion(std::string_view version);
// Picks a profile by its name ("go1.15").
const GoProfile* profileByName(std::string_view name);
// Translates a Go relocation number for this profile.
RelocKind relocKindFor(const GoProfile& p, uint16_t raw);
SymKind symKindFor(const GoProfile& p, uint8_t raw);

} // namespace gd::loader
