#include "runtime_stubs/types.h"

#include <string_view>
#include <unordered_map>

namespace gd::rt {

std::optional<TypeFacts> builtinTypeFacts(const std::string& t) {
  static const std::unordered_map<std::string_view, TypeFacts> basic = {
      {"bool", {1, kind::Bool, 1}},
      {"int", {8, kind::Int, 8}},
      {"int8", {1, kind::Int8, 1}},
      {"int16", {2, kind::Int16, 2}},
      {"int32", {4, kind::Int32, 4}},
      {"int64", {8, kind::Int64, 8}},
      {"uint", {8, kind::Uint, 8}},
      {"uint8", {1, kind::Uint8, 1}},
      {"uint16", {2, kind::Uint16, 2}},
      {"uint32", {4, kind::Uint32, 4}},
      {"uint64", {8, kind::Uint64, 8}},
      {"uintptr", {8, kind::Uintptr, 8}},
      {"float32", {4, kind::Float32, 4}},
      {"float64", {8, kind::Float64, 8}},
      {"complex64", {8, kind::Complex64, 4}},
      {"complex128", {16, kind::Complex128, 8}},
      {"string", {16, kind::String, 8}},
      {"unsafe.Pointer", {8, kind::UnsafePointer | kind::DirectIface, 8}},
      {"error", {16, kind::Interface, 8}},
      {"interface {}", {16, kind::Interface, 8}},
      {"byte", {1, kind::Uint8, 1}}, // the aliases as Go source writes them
      {"rune", {4, kind::Int32, 4}},
  };
  if (auto it = basic.find(t); it != basic.end()) return it->second;
  if (t.starts_with("*")) return TypeFacts{8, kind::Pointer | kind::DirectIface, 8};
  if (t.starts_with("[]")) return TypeFacts{24, kind::Slice, 8};
  if (t.starts_with("func(")) return TypeFacts{8, kind::Func | kind::DirectIface, 8};
  if (t.starts_with("map[")) return TypeFacts{8, kind::Map | kind::DirectIface, 8};
  if (t.starts_with("chan ")) return TypeFacts{8, kind::Chan | kind::DirectIface, 8};
  if (t.starts_with("interface {")) return TypeFacts{16, kind::Interface, 8};
  return std::nullopt;
}

std::string typeStringOfSymbol(const std::string& n) {
  std::string t;
  if (n.starts_with("type:"))
    t = n.substr(5);
  else if (n.starts_with("type."))
    t = n.substr(5);
  else
    return "";
  for (std::string local : {std::string("\"\"."), std::string("<unlinkable>.")}) {
    for (size_t pos; (pos = t.find(local)) != std::string::npos;)
      t.replace(pos, local.size(), "main.");
  }
  return t;
}

} // namespace gd::rt
