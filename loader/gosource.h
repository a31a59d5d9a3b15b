// Just enough of a Go parser to read function signatures from a .go file: the package clause,
// top-level `type` declarations (for sizes) and `func` declarations with their receiver,
// parameter and result lists. Types are kept as a small tree so that we can print them the
// way Go's DWARF names them ("*int", "[]main.T", "interface {}") and lay them out for ABI0.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loader/error.h"

namespace gd::loader::gosrc {

// Which source function a compiled symbol comes from.
struct FuncRef {
  enum class Kind { Function, Method, NoSource } kind = Kind::NoSource;
  std::string name;         // "c", "M"
  std::string recvType;     // methods: "T"
  bool recvPointer = false; // `(*T).M`
  std::string why;          // NoSource: "closure", "compiler-generated", ...
};

// `"".c`, `main.c` -> c; `main.(*T).M` -> method M of *T; `main.T.M` -> method M of T;
// `main.c.func1`, `main.c.deferwrap1`, `main.init.0`, `type:.eq.main.T`, `main.T.M-fm` ->
// NoSource. Instantiation brackets (`main.F[go.shape.int]`) are dropped.
FuncRef parseFuncSymbol(std::string_view symbolName);

struct TypeNode {
  enum class Kind {
    Named,     // name: "int", "T", "fmt.Stringer"; args: type arguments
    Pointer,   // elem[0]
    Slice,     // elem[0]
    Array,     // elem[0], length (-1: not a literal; lengthText keeps it)
    Map,       // elem[0] key, elem[1] value
    Chan,      // elem[0]; chanDir
    Func,      // elem: params then results; nParams
    Interface, // text: the method set as written ("" when empty)
    Struct,    // elem: field types; fieldNames ("" for embedded fields)
    Ellipsis,  // `...T` of a variadic parameter: elem[0]
  } kind = Kind::Named;
  std::string name;
  std::vector<TypeNode> elem;
  std::vector<TypeNode> args;
  std::vector<std::string> fieldNames;
  int64_t length = -1;
  std::string lengthText;
  int chanDir = 0; // 0 both, 1 send-only (chan<-), 2 receive-only (<-chan)
  size_t nParams = 0;
  std::string text;
};

struct Param {
  std::string name; // "" when the source gives none; "_" when blank
  TypeNode type;
  int line = 0;
};

struct FuncDecl {
  std::string name;
  std::optional<Param> receiver;
  std::string recvBase; // receiver's base type name, without `*` and type parameters
  bool recvPointer = false;
  std::vector<std::string> typeParams; // of the function and of the receiver's type
  std::vector<Param> params, results;
  int line = 0;
};

struct Layout {
  uint64_t size = 0, align = 1;
};

class SourceFile {
public:
  // Parses `text` (never fails on odd Go; only declarations it can read are kept).
  static SourceFile parse(std::string_view text);

  const std::string& package() const { return package_; }
  const std::vector<FuncDecl>& funcs() const { return funcs_; }
  const FuncDecl* find(const FuncRef& ref) const;

  // The type as Go's DWARF names it: local named types qualified with the package name
  // ("main.T"), byte/rune/any spelled uint8/int32/interface {}, variadic `...T` as `[]T`.
  std::string typeString(const TypeNode& t, const std::vector<std::string>& typeParams = {}) const;
  // Size and alignment on amd64; nullopt when a size depends on something we cannot see
  // (another package's type, a type parameter, a constant array length).
  std::optional<Layout> layout(const TypeNode& t) const;

private:
  std::optional<Layout> layoutAt(const TypeNode& t, int depth) const;

  std::string package_;
  std::vector<FuncDecl> funcs_;
  struct TypeDecl {
    std::string name;
    bool generic = false;
    TypeNode type;
  };
  std::vector<TypeDecl> types_;
  friend class Parser;
};

// ABI0 argument-area offsets (from entry SP + 8 = CFA) of the receiver and parameters, then of
// the results, as cmd/compile lays them out for Go 1.15 (each aligned to its type, results
// starting pointer-aligned). An entry is nullopt once any earlier size is unknown.
std::vector<std::optional<int64_t>> abi0Offsets(const SourceFile& file, const FuncDecl& fn);

} // namespace gd::loader::gosrc
