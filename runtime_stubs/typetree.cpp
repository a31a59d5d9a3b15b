// Shapes of Go types for reading values (types.h GoType): from the object's type descriptors,
// read as reflect reads them (abi.PtrType.Elem, abi.SliceType.Elem, abi.ArrayType{Elem, Slice,
// Len}, abi.ChanType.Elem, abi.MapType{Key, Elem}, abi.StructType{PkgPath, Fields},
// abi.InterfaceType{PkgPath, Methods}; the same offsets in every supported release), and for
// the predeclared types an object only refers to (their descriptors live in the runtime
// package, so the model writes only their headers) from the type string.
#include <algorithm>

#include <fmt/format.h>

#include "runtime_stubs/guestmem.h"
#include "runtime_stubs/runtime.h"
#include "runtime_stubs/types.h"

namespace gd::rt {
namespace {

constexpr uint64_t kElem = 48;                        // Ptr/Slice/Array/Chan: Elem *Type
constexpr uint64_t kArrayLen = 64;                    // ArrayType: Elem, Slice, Len
constexpr uint64_t kMapKey = 48, kMapElem = 56;       // MapType / SwissMapType
constexpr uint64_t kFields = 56, kFieldSize = 24;     // StructType: PkgPath, Fields
constexpr uint64_t kIfaceMethods = 56 + 8;            // InterfaceType: PkgPath, Methods (len)
constexpr uint64_t kMaxFields = 4096, kMaxDepth = 64; // what a corrupt descriptor may claim

// The end of the type expression starting at `s[i]` that ends at depth 0 before `stop`.
size_t matching(const std::string& s, size_t i, char open, char close) {
  int depth = 0;
  for (; i < s.size(); i++) {
    if (s[i] == open) depth++;
    if (s[i] == close && --depth == 0) return i;
  }
  return std::string::npos;
}

// The package-less name Go gives an embedded field: the type's name ("main.Inner" -> "Inner",
// "*main.Inner" -> "Inner").
std::string embeddedName(const std::string& type) {
  std::string t = type;
  while (t.starts_with("*"))
    t.erase(0, 1);
  if (auto dot = t.rfind('.'); dot != std::string::npos) t.erase(0, dot + 1);
  return t;
}

} // namespace

const GoType* Runtime::goType(const Guest& g, const std::string& name) const {
  if (auto it = typesByName_.find(name); it != typesByName_.end()) return it->second;
  // The object's own descriptor: `type:T` (Go 1.20+), `type.T`; package main's types may be
  // written `"".T` in objects compiled without -p.
  std::vector<std::string> names = {"type:" + name, "type." + name};
  if (name.find("main.") != std::string::npos) {
    std::string local = name;
    for (size_t pos = 0; (pos = local.find("main.", pos)) != std::string::npos;) {
      bool start = pos == 0 || !(std::isalnum(uint8_t(local[pos - 1])) || local[pos - 1] == '_');
      if (start) local.replace(pos, 5, "\"\".");
      pos += start ? 3 : 5;
    }
    names.push_back("type:" + local);
    names.push_back("type." + local);
  }
  for (const auto& n : names)
    if (auto id = img_.obj->find(n); id && img_.obj->sym(*id).defined() && img_.address(*id))
      if (const GoType* t = goTypeAt(g, img_.address(*id))) {
        typesByName_[name] = t;
        return t;
      }

  // From the string: predeclared types and types made of them.
  typesByName_[name] = nullptr; // a recursive mention while parsing reads as unknown
  GoType t;
  t.name = name;
  auto facts = builtinTypeFacts(name);
  if (name == "any") facts = builtinTypeFacts("interface {}");
  if (name.starts_with("[") && !name.starts_with("[]")) { // [N]T
    size_t close = name.find(']');
    const GoType* elem = close == std::string::npos ? nullptr : goType(g, name.substr(close + 1));
    if (!elem) return nullptr;
    t.kind = kind::Array;
    t.len = std::strtoull(name.c_str() + 1, nullptr, 10);
    t.elem = elem;
    t.size = elem->size * t.len;
    t.align = elem->align;
  } else if (name.starts_with("chan ") || name.starts_with("<-chan ") ||
             name.starts_with("chan<- ")) {
    t.kind = kind::Chan;
    t.size = t.align = 8;
    t.directIface = true;
    t.elem = goType(g, name.substr(name.find(' ') + 1));
  } else if (name.starts_with("struct {") && name.ends_with("}")) {
    // struct { A int8; B int8 }: fields at their alignment, as the compiler lays them out
    std::string body = name.substr(8, name.size() - 9);
    std::vector<std::string> decls;
    int depth = 0;
    std::string cur;
    for (char c : body) {
      if (c == '[' || c == '(' || c == '{') depth++;
      if (c == ']' || c == ')' || c == '}') depth--;
      if (c == ';' && depth == 0) {
        decls.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    decls.push_back(cur);
    t.kind = kind::Struct;
    uint64_t off = 0;
    for (std::string d : decls) {
      while (!d.empty() && d.front() == ' ')
        d.erase(0, 1);
      while (!d.empty() && d.back() == ' ')
        d.pop_back();
      if (d.empty()) continue;
      if (size_t tag = d.find(" \""); tag != std::string::npos) d = d.substr(0, tag);
      GoType::Field f;
      size_t sp = d.find(' ');
      bool embedded = sp == std::string::npos;
      f.name = embedded ? embeddedName(d) : d.substr(0, sp);
      f.type = goType(g, embedded ? d : d.substr(sp + 1));
      f.embedded = embedded;
      if (!f.type) return nullptr;
      uint64_t a = f.type->align ? f.type->align : 1;
      off = (off + a - 1) / a * a;
      f.offset = off;
      off += f.type->size;
      t.align = std::max<uint8_t>(t.align, uint8_t(a));
      t.fields.push_back(std::move(f));
    }
    t.size = (off + t.align - 1) / t.align * t.align;
  } else if (!facts) {
    return nullptr; // a named type we have no descriptor for
  } else {
    t.kind = facts->kind & kind::Mask;
    t.directIface = facts->kind & kind::DirectIface;
    t.size = facts->size;
    t.align = facts->align;
    if (name.starts_with("*"))
      t.elem = goType(g, name.substr(1));
    else if (name.starts_with("[]"))
      t.elem = goType(g, name.substr(2));
    else if (name.starts_with("map[")) {
      size_t close = matching(name, 3, '[', ']');
      if (close != std::string::npos) {
        t.key = goType(g, name.substr(4, close - 4));
        t.elem = goType(g, name.substr(close + 1));
      }
    } else if (t.kind == kind::Interface) {
      t.emptyInterface = name == "interface {}" || name == "any";
    }
  }
  types_.push_back(std::move(t));
  typesByName_[name] = &types_.back();
  return &types_.back();
}

const GoType* Runtime::goTypeAt(const Guest& g, uint64_t typ) const {
  if (!typ) return nullptr;
  if (auto it = typesByAddr_.find(typ); it != typesByAddr_.end()) return it->second;
  auto id = img_.symbolAt(typ);
  // A predeclared type's descriptor, which we wrote (only its header): its shape from its name.
  if (id && !img_.obj->sym(*id).defined() && typ == img_.address(*id)) {
    const GoType* t = goType(g, typeStringOfSymbol(img_.obj->sym(*id).name));
    typesByAddr_[typ] = t;
    return t;
  }
  auto size = g.u64(typ + typeoff::Size);
  auto k = g.u8(typ + typeoff::Kind);
  if (!size || !k) return nullptr;
  types_.emplace_back();
  GoType& t = types_.back();
  typesByAddr_[typ] = &t; // before the elements: a type may refer to itself
  t.descriptor = typ;
  t.kind = *k & kind::Mask;
  t.size = *size;
  t.align = g.u8(typ + typeoff::Align).value_or(1);
  t.name = typeString(g, typ);
  t.directIface = prof_.directIfaceInTFlag
                      ? g.u8(typ + typeoff::TFlag).value_or(0) & kTFlagDirectIface
                      : *k & kind::DirectIface;
  static thread_local uint64_t depth = 0;
  if (depth > kMaxDepth) return &t;
  depth++;
  switch (t.kind) {
  case kind::Pointer:
  case kind::Slice:
  case kind::Chan:
    t.elem = goTypeAt(g, g.u64(typ + kElem).value_or(0));
    break;
  case kind::Array:
    t.elem = goTypeAt(g, g.u64(typ + kElem).value_or(0));
    t.len = g.u64(typ + kArrayLen).value_or(0);
    break;
  case kind::Map:
    t.key = goTypeAt(g, g.u64(typ + kMapKey).value_or(0));
    t.elem = goTypeAt(g, g.u64(typ + kMapElem).value_or(0));
    break;
  case kind::Interface:
    t.emptyInterface = g.u64(typ + kIfaceMethods).value_or(0) == 0;
    break;
  case kind::Struct: {
    uint64_t fp = g.u64(typ + kFields).value_or(0), n = g.u64(typ + kFields + 8).value_or(0);
    for (uint64_t i = 0; i < n && i < kMaxFields; i++) {
      uint64_t f = fp + kFieldSize * i;
      uint64_t namePtr = g.u64(f).value_or(0), off = g.u64(f + 16).value_or(0);
      GoType::Field field;
      field.name = readName(g, namePtr, prof_.nameLength).value_or("?");
      field.type = goTypeAt(g, g.u64(f + 8).value_or(0));
      if (prof_.structFieldOffset == StructFieldOffset::OffsetAnon) {
        field.offset = off >> 1;
        field.embedded = off & 1;
      } else {
        field.offset = off;
        field.embedded = nameEmbedded(g, namePtr);
      }
      if (field.embedded && field.name.empty() && field.type)
        field.name = embeddedName(field.type->name);
      t.fields.push_back(std::move(field));
    }
    break;
  }
  default:
    break;
  }
  depth--;
  return &t;
}

uint64_t Runtime::dynamicType(const Guest& g, uint64_t word, bool emptyInterface) const {
  if (!word) return 0;
  if (emptyInterface) return word;
  return g.u64(word + 8).value_or(0); // itab._type
}

} // namespace gd::rt
