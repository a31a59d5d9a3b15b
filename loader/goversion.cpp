#include "loader/goversion.h"

#include <array>
#include <charconv>

namespace gd::loader {
namespace {

#include "loader/go_tables.inc"

struct NamedReloc {
  std::string_view goName;
  RelocKind kind;
};

// Our enum for each Go relocation name that can appear in amd64 objects.
constexpr NamedReloc kRelocByName[] = {
    {"R_ADDR", RelocKind::Addr},
    {"R_ADDROFF", RelocKind::AddrOff},
    {"R_WEAKADDROFF", RelocKind::WeakAddrOff},
    {"R_SIZE", RelocKind::Size},
    {"R_CALL", RelocKind::Call},
    {"R_CALLIND", RelocKind::CallInd},
    {"R_CONST", RelocKind::Const},
    {"R_PCREL", RelocKind::PcRel},
    {"R_TLS_LE", RelocKind::TlsLe},
    {"R_TLS_IE", RelocKind::TlsIe},
    {"R_GOTOFF", RelocKind::GotOff},
    {"R_USEFIELD", RelocKind::UseField},
    {"R_USETYPE", RelocKind::UseType},
    {"R_USEIFACE", RelocKind::UseIface},
    {"R_USEIFACEMETHOD", RelocKind::UseIfaceMethod},
    {"R_USEGENERICIFACEMETHOD", RelocKind::UseGenericIfaceMethod},
    {"R_USENAMEDMETHOD", RelocKind::UseNamedMethod},
    {"R_METHODOFF", RelocKind::MethodOff},
    {"R_KEEP", RelocKind::Keep},
    {"R_GOTPCREL", RelocKind::GotPcRel},
    {"R_DWARFSECREF", RelocKind::DwarfSecRef},
    {"R_DWARFFILEREF", RelocKind::DwarfFileRef},
    {"R_ADDRCUOFF", RelocKind::AddrCuOff},
    {"R_PEIMAGEOFF", RelocKind::PeImageOff},
    {"R_INITORDER", RelocKind::InitOrder},
    {"R_DWTXTADDR_U1", RelocKind::DwarfTextAddr},
    {"R_DWTXTADDR_U2", RelocKind::DwarfTextAddr},
    {"R_DWTXTADDR_U3", RelocKind::DwarfTextAddr},
    {"R_DWTXTADDR_U4", RelocKind::DwarfTextAddr},
};

struct NamedKind {
  std::string_view goName;
  SymKind kind;
};

constexpr NamedKind kSymKindByName[] = {
    {"Sxxx", SymKind::None},
    {"STEXT", SymKind::Text},
    {"STEXTFIPS", SymKind::Text},
    {"SRODATA", SymKind::RoData},
    {"SRODATAFIPS", SymKind::RoData},
    {"SNOPTRDATA", SymKind::NoPtrData},
    {"SNOPTRDATAFIPS", SymKind::NoPtrData},
    {"SDATA", SymKind::Data},
    {"SDATAFIPS", SymKind::Data},
    {"SBSS", SymKind::Bss},
    {"SNOPTRBSS", SymKind::NoPtrBss},
    {"STLSBSS", SymKind::TlsBss},
    {"SDWARFINFO", SymKind::DwarfInfo},
    {"SDWARFFCN", SymKind::DwarfInfo},
    {"SDWARFCUINFO", SymKind::DwarfCuInfo},
    {"SDWARFCONST", SymKind::DwarfConst},
    {"SDWARFABSFCN", SymKind::DwarfAbsFcn},
    {"SDWARFTYPE", SymKind::DwarfType},
    {"SDWARFVAR", SymKind::DwarfVar},
    {"SDWARFRANGE", SymKind::DwarfRange},
    {"SDWARFLOC", SymKind::DwarfLoc},
    {"SDWARFLINES", SymKind::DwarfLines},
    {"SDWARFADDR", SymKind::DwarfAddr},
    {"SABIALIAS", SymKind::AbiAlias},
};

template <size_t N> constexpr std::span<const std::string_view> sp(const std::string_view (&a)[N]) {
  return {a, N};
}

// x/arch x86asm as vendored: UD0, POPCNTQ and PUSHQ from 1.16, CMP in source order from 1.21,
// immediates symbolised only for MOV/PUSH of 32 bits from 1.25, avx.go from 1.27.
constexpr X86asmRules kX86asm115 = {false, false, false, false, false, false};
constexpr X86asmRules kX86asm119 = {true, true, true, false, false, false};
constexpr X86asmRules kX86asm121 = {true, true, true, true, false, false};
constexpr X86asmRules kX86asm125 = {true, true, true, true, true, false};
constexpr X86asmRules kX86asm127 = {true, true, true, true, true, true};
// DWARF 5 forms by default (except darwin/ios/aix) from 1.25: internal/buildcfg/exp.go.
constexpr DwarfRules kDwarf115 = {false, true, "~b", "", ".this"};
constexpr DwarfRules kDwarf119 = {false, false, "~b", "", ".this"};
constexpr DwarfRules kDwarf122 = {false, false, "~r", "~p", ""};
constexpr DwarfRules kDwarf125 = {true, false, "~r", "~p", ""};

struct ProfileRow {
  GoProfile profile;
  std::span<const std::string_view> relocNames;
  std::span<const std::string_view> kindNames;
};

// One row per Go generation (docs/go-internals.md §2, §5, Appendix A). Index-space constants
// come from goobj2/objfile.go (1.15) and goobj/objfile.go (1.16+).
const std::array<ProfileRow, 9>& rows() {
  static const std::array<ProfileRow, 9> r = {{
      {{"go1.15", 15, ObjFormat::Go115, Abi::Abi0Only, sp(kBuiltins1_15), 0x7FFFFFFF, 0, 0,
        0x7FFFFFFE, 0x7FFFFFFD, 5, 0xFF, kX86asm115, kDwarf115, ObjdumpStyle::Goobj115,
        SymbolSort::IntroSort, false, false},
       sp(kRelocNames1_15),
       sp(kSymKindNames1_15)},
      {{"go1.19", 19, ObjFormat::Go118, Abi::RegisterAbi, sp(kBuiltins1_19), 0x7FFFFFFF, 0x7FFFFFFE,
        0x7FFFFFFD, 0x7FFFFFFC, 0x7FFFFFFB, 4, 5, kX86asm119, kDwarf119, ObjdumpStyle::Goobj116,
        SymbolSort::Pdq13_17_5, false, false},
       sp(kRelocNames1_19),
       sp(kSymKindNames1_19)},
      {{"go1.21", 21, ObjFormat::Go120, Abi::RegisterAbi, sp(kBuiltins1_21), 0x7FFFFFFF, 0x7FFFFFFE,
        0x7FFFFFFD, 0x7FFFFFFC, 0x7FFFFFFB, 4, 5, kX86asm121, kDwarf119, ObjdumpStyle::Goobj116,
        SymbolSort::Pdq13_17_5, true, true},
       sp(kRelocNames1_21),
       sp(kSymKindNames1_21)},
      {{"go1.22", 22, ObjFormat::Go120, Abi::RegisterAbi, sp(kBuiltins1_22), 0x7FFFFFFF, 0x7FFFFFFE,
        0x7FFFFFFD, 0x7FFFFFFC, 0x7FFFFFFB, 4, 5, kX86asm121, kDwarf122, ObjdumpStyle::Goobj116,
        SymbolSort::Pdq13_17_5, true, true},
       sp(kRelocNames1_22),
       sp(kSymKindNames1_22)},
      {{"go1.23", 23, ObjFormat::Go120, Abi::RegisterAbi, sp(kBuiltins1_23), 0x7FFFFFFF, 0x7FFFFFFE,
        0x7FFFFFFD, 0x7FFFFFFC, 0x7FFFFFFB, 4, 5, kX86asm121, kDwarf122, ObjdumpStyle::Goobj116,
        SymbolSort::Pdq13_17_5, true, true},
       sp(kRelocNames1_23),
       sp(kSymKindNames1_23)},
      {{"go1.24", 24, ObjFormat::Go120, Abi::RegisterAbi, sp(kBuiltins1_24), 0x7FFFFFFF, 0x7FFFFFFE,
        0x7FFFFFFD, 0x7FFFFFFC, 0x7FFFFFFB, 4, 5, kX86asm121, kDwarf122, ObjdumpStyle::Goobj116,
        SymbolSort::Pdq13_7_17, true, true},
       sp(kRelocNames1_24),
       sp(kSymKindNames1_24)},
      {{"go1.25", 25, ObjFormat::Go120, Abi::RegisterAbi, sp(kBuiltins1_25), 0x7FFFFFFF, 0x7FFFFFFE,
        0x7FFFFFFD, 0x7FFFFFFC, 0x7FFFFFFB, 4, 5, kX86asm125, kDwarf125, ObjdumpStyle::Goobj116,
        SymbolSort::Pdq13_7_17, true, true},
       sp(kRelocNames1_25),
       sp(kSymKindNames1_25)},
      {{"go1.26", 26, ObjFormat::Go120, Abi::RegisterAbi, sp(kBuiltins1_26), 0x7FFFFFFF, 0x7FFFFFFE,
        0x7FFFFFFD, 0x7FFFFFFC, 0x7FFFFFFB, 4, 5, kX86asm125, kDwarf125, ObjdumpStyle::Goobj116,
        SymbolSort::Pdq13_7_17, true, true},
       sp(kRelocNames1_26),
       sp(kSymKindNames1_26)},
      {{"go1.27", 27, ObjFormat::Go120, Abi::RegisterAbi, sp(kBuiltins1_27), 0x7FFFFFFF, 0x7FFFFFFE,
        0x7FFFFFFD, 0x7FFFFFFC, 0x7FFFFFFB, 4, 5, kX86asm127, kDwarf125, ObjdumpStyle::Goobj116,
        SymbolSort::Pdq13_7_17, true, true},
       sp(kRelocNames1_27),
       sp(kSymKindNames1_27)},
  }};
  return r;
}

const ProfileRow* rowFor(const GoProfile& p) {
  for (const auto& r : rows())
    if (r.profile.minor == p.minor) return &r;
  return nullptr;
}

} // namespace

RelocKind relocKindFromGoName(std::string_view goName) {
  if (goName == "R_WEAKADDR") return RelocKind::WeakAddr;
  for (const auto& n : kRelocByName)
    if (n.goName == goName) return n.kind;
  return RelocKind::Unknown;
}

std::string_view relocName(RelocKind k) {
  if (k == RelocKind::WeakAddr) return "R_WEAKADDR";
  for (const auto& n : kRelocByName)
    if (n.kind == k) return n.goName;
  return "R_UNKNOWN";
}

std::string_view relocGoName(const GoProfile& p, uint16_t raw) {
  const ProfileRow* row = rowFor(p);
  uint16_t base = raw;
  if (p.format != ObjFormat::Go115) base = raw & 0x7FFF;
  if (row && base < row->relocNames.size() && !row->relocNames[base].empty())
    return row->relocNames[base];
  return {};
}

bool relocIsMarker(RelocKind k) {
  switch (k) {
  case RelocKind::CallInd:
  case RelocKind::UseField:
  case RelocKind::UseType:
  case RelocKind::UseIface:
  case RelocKind::UseIfaceMethod:
  case RelocKind::UseGenericIfaceMethod:
  case RelocKind::UseNamedMethod:
  case RelocKind::Keep:
  case RelocKind::DwarfFileRef:
  case RelocKind::InitOrder:
    return true;
  default:
    return false;
  }
}

const GoProfile* profileByName(std::string_view name) {
  for (const auto& r : rows())
    if (r.profile.name == name) return &r.profile;
  return nullptr;
}

VersionMatch matchVersion(std::string_view version) {
  // "go1.21.13" -> minor 21; "go1.28rc1" and "go1.28" -> 28.
  if (!version.starts_with("go1.")) return {};
  std::string_view rest = version.substr(4);
  int minor = 0;
  auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), minor);
  if (ec != std::errc()) return {};
  for (const auto& r : rows())
    if (r.profile.minor == minor) return {&r.profile, false};
  const GoProfile& newest = newestProfile();
  if (minor > newest.minor) return {&newest, true};
  return {};
}

const GoProfile* profileForVersion(std::string_view version) {
  VersionMatch m = matchVersion(version);
  return m.newer ? nullptr : m.profile;
}

const GoProfile& newestProfile() {
  return rows().back().profile;
}

std::string supportedReleases() {
  // Consecutive minors collapse into a range: "go1.15, go1.19, go1.21-go1.27".
  std::string out;
  const auto& r = rows();
  for (size_t i = 0; i < r.size();) {
    size_t j = i;
    while (j + 1 < r.size() && r[j + 1].profile.minor == r[j].profile.minor + 1)
      j++;
    if (!out.empty()) out += ", ";
    out += r[i].profile.name;
    if (j > i) out += "-" + std::string(r[j].profile.name);
    i = j + 1;
  }
  return out;
}

const X86asmRules& x86asmRulesFor(int minor) {
  const ProfileRow* best = &rows().front();
  for (const auto& r : rows())
    if (r.profile.minor <= minor) best = &r;
  return best->profile.x86asm;
}

bool usesDwarf5(const GoProfile& p, std::string_view goos, std::string_view experiments) {
  if (!p.dwarf.dwarf5ExceptDarwinIosAix) return false; // the release has no DWARF 5 writer
  if (!experiments.empty()) {
    for (size_t pos = 0; pos <= experiments.size();) {
      size_t comma = experiments.find(',', pos);
      if (comma == std::string_view::npos) comma = experiments.size();
      if (experiments.substr(pos, comma - pos) == "dwarf5") return true;
      pos = comma + 1;
    }
    return false;
  }
  return goos != "darwin" && goos != "ios" && goos != "aix";
}

RelocKind relocKindFor(const GoProfile& p, uint16_t raw) {
  bool weak = p.format != ObjFormat::Go115 && (raw & 0x8000);
  RelocKind k = relocKindFromGoName(relocGoName(p, raw));
  if (weak) {
    if (k == RelocKind::Addr) return RelocKind::WeakAddr;
    if (k == RelocKind::AddrOff) return RelocKind::WeakAddrOff;
    // Go 1.21+ package inits call the outlined initialisers of their map variables
    // (main.map.init.0) through weak calls, which the linker points at runtime.mapinitnoop when
    // the map variable is dead code (cmd/link deadcode.go mapinitcleanup). Nothing is dead code
    // here: the object is loaded whole, so the call is an ordinary one.
    if (k == RelocKind::Call) return RelocKind::Call;
    return RelocKind::Unknown;
  }
  return k;
}

SymKind symKindFor(const GoProfile& p, uint8_t raw) {
  const ProfileRow* row = rowFor(p);
  if (!row || raw >= row->kindNames.size()) return SymKind::Other;
  std::string_view n = row->kindNames[raw];
  for (const auto& k : kSymKindByName)
    if (k.goName == n) return k.kind;
  return SymKind::Other;
}

} // namespace gd::loader
