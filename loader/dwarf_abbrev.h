// The DWARF abbreviation tables of the Go toolchains, as data. The compiler writes only abbrev
// codes into a function's go.info aux symbol; the table that gives each code its tag and
// attribute forms lives in the linker (cmd/internal/dwarf/dwarf.go `abbrevs`, plus
// putvarabbrevgen.go's `putvarAbbrevs` appended from Go 1.23 on). It is fixed per toolchain,
// so we keep one row list per Go generation and decode DIEs generically with it.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace gd::loader::dwarf {

// DWARF tag numbers (DWARF 4 §7.5.3; cmd/internal/dwarf/dwarf_defs.go).
enum class Tag : uint16_t {
  Null = 0x00,
  ArrayType = 0x01,
  FormalParameter = 0x05,
  LexicalBlock = 0x0b,
  Member = 0x0d,
  PointerType = 0x0f,
  CompileUnit = 0x11,
  StructureType = 0x13,
  SubroutineType = 0x15,
  Typedef = 0x16,
  UnspecifiedParameters = 0x18,
  InlinedSubroutine = 0x1d,
  SubrangeType = 0x21,
  BaseType = 0x24,
  Constant = 0x27,
  Subprogram = 0x2e,
  Variable = 0x34,
  UnspecifiedType = 0x3b,
};

// DWARF attribute numbers, with Go's private range 0x2900.. (dwarf.go DW_AT_go_*).
enum class At : uint16_t {
  Location = 0x02,
  Name = 0x03,
  ByteSize = 0x0b,
  StmtList = 0x10,
  LowPc = 0x11,
  HighPc = 0x12,
  Language = 0x13,
  CompDir = 0x1b,
  ConstValue = 0x1c,
  Inline = 0x20,
  Producer = 0x25,
  AbstractOrigin = 0x31,
  Count = 0x37,
  DataMemberLocation = 0x38,
  DeclFile = 0x3a,
  DeclLine = 0x3b,
  Encoding = 0x3e,
  External = 0x3f,
  FrameBase = 0x40,
  Type = 0x49,
  VariableParameter = 0x4b,
  Ranges = 0x55,
  Trampoline = 0x56,
  CallFile = 0x58,
  CallLine = 0x59,
  GoKind = 0x2900,
  GoKey = 0x2901,
  GoElem = 0x2902,
  GoEmbeddedField = 0x2903,
  GoRuntimeType = 0x2904,
  GoPackageName = 0x2905,
  GoDictIndex = 0x2906,
  GoClosureOffset = 0x2907,
};

// DWARF form numbers. UdataPseudo is Go's DW_FORM_udata_pseudo (0x99): udata everywhere except
// darwin/ios, where the linker turns it into data4 (dwarf.go expandPseudoForm). From Go 1.25
// LoPcPseudo/HiPcPseudo (0x9a/0x9b) are addrx/udata under DWARF 5 and addr/addr under DWARF 4.
enum class Form : uint8_t {
  Addr = 0x01,
  Block2 = 0x03,
  Block4 = 0x04,
  Data2 = 0x05,
  Data4 = 0x06,
  Data8 = 0x07,
  String = 0x08,
  Block = 0x09,
  Block1 = 0x0a,
  Data1 = 0x0b,
  Flag = 0x0c,
  Sdata = 0x0d,
  Strp = 0x0e,
  Udata = 0x0f,
  RefAddr = 0x10,
  Ref1 = 0x11,
  Ref2 = 0x12,
  Ref4 = 0x13,
  Ref8 = 0x14,
  RefUdata = 0x15,
  Indirect = 0x16,
  SecOffset = 0x17,
  Exprloc = 0x18,
  FlagPresent = 0x19,
  Addrx = 0x1b, // DWARF 5: a ULEB .debug_addr index (in objects: R_DWTXTADDR_Ux, x bytes)
  UdataPseudo = 0x99,
  LoPcPseudo = 0x9a,
  HiPcPseudo = 0x9b,
};

struct AttrForm {
  At at;
  Form form;
};

struct Abbrev {
  std::string_view name; // Go's DW_ABRV_ name without the prefix: "PARAM_LOCLIST"
  Tag tag = Tag::Null;
  bool children = false;
  std::span<const AttrForm> attrs;
};

struct AbbrevTable {
  std::string_view name; // "go1.15"
  int minor = 0;
  std::span<const Abbrev> byCode; // index = abbrev code; code 0 ends a sibling list
};

// The table the toolchain of Go 1.`minor` uses; nullptr when we have none for it.
// Known: 15, 19, 21-27. Under DWARF 5 (Go 1.25+, not darwin/ios/aix) the linker also gives
// COMPUNIT a DW_AT_addr_base; objects hold no compile-unit DIE, so the tables leave it out.
const AbbrevTable* abbrevTableFor(int minor);
// All known tables, oldest first (for tests and diagnostics).
std::span<const AbbrevTable> abbrevTables();

// The concrete form written for `f` on `goos`, with DWARF 5 forms or not (usesDwarf5).
Form expandForm(Form f, std::string_view goos, bool dwarf5);

// Encoded size of a form when it is fixed (addresses 8 bytes, amd64); 0 for variable sizes.
unsigned fixedFormSize(Form f);

std::string_view formName(Form f);

} // namespace gd::loader::dwarf
