// Type descriptors (internal/abi.Type, runtime._type in older releases; 48-byte header with the
// same layout in every supported release): the ones of predeclared types are not in objects,
// so the runtime model writes them; the object's own are read as they are.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gd::rt {

namespace kind { // abi.Kind
inline constexpr uint8_t Bool = 1, Int = 2, Int8 = 3, Int16 = 4, Int32 = 5, Int64 = 6, Uint = 7,
                         Uint8 = 8, Uint16 = 9, Uint32 = 10, Uint64 = 11, Uintptr = 12,
                         Float32 = 13, Float64 = 14, Complex64 = 15, Complex128 = 16, Array = 17,
                         Chan = 18, Func = 19, Interface = 20, Map = 21, Pointer = 22, Slice = 23,
                         String = 24, Struct = 25, UnsafePointer = 26;
inline constexpr uint8_t Mask = 0x1F, DirectIface = 0x20;
} // namespace kind

// abi.TFlag bits. TFlagDirectIface is Go 1.26+ (before, the bit is kind::DirectIface).
inline constexpr uint8_t kTFlagDirectIface = 1 << 5;

namespace typeoff { // field offsets in the type header
inline constexpr uint64_t Size = 0, PtrData = 8, Hash = 16, TFlag = 20, Align = 21, FieldAlign = 22,
                          Kind = 23, Equal = 24, GCData = 32, Str = 40, PtrToThis = 44;
}

struct TypeFacts {
  uint64_t size;
  uint8_t kind; // including DirectIface for pointer-shaped types
  uint8_t align;
};

// Facts of a predeclared or composite type named by a Go type string ("int", "*int",
// "[]string", "error", "func(error) string"); nullopt for named types of a package.
std::optional<TypeFacts> builtinTypeFacts(const std::string& goType);

// The Go type string of a type symbol: `type:int`, `type.int`, `type:main.T` -> "int", "main.T"
// (`"".` and `<unlinkable>.` read as `main.`). Empty when the name is not a type symbol.
std::string typeStringOfSymbol(const std::string& symbolName);

} // namespace gd::rt

namespace gd::rt {

// The shape of a Go type, as a debugger needs it to read values: read from the object's type
// descriptors (abi.PtrType/SliceType/ArrayType/MapType/ChanType/StructType/InterfaceType), or,
// for predeclared types the object only refers to, from the type string.
struct GoType {
  std::string name;  // the runtime's t.string(): "int", "main.P", "[]main.P"
  uint8_t kind = 0;  // kind::Bool ... kind::UnsafePointer (without DirectIface)
  uint64_t size = 0; // bytes
  uint8_t align = 1;
  const GoType* elem = nullptr; // pointer, slice, array, chan: the element; map: the value
  const GoType* key = nullptr;  // map
  uint64_t len = 0;             // array
  struct Field {
    std::string name; // for an embedded field, its type's name without the package
    const GoType* type = nullptr;
    uint64_t offset = 0;
    bool embedded = false;
  };
  std::vector<Field> fields;   // struct
  bool directIface = false;    // pointer-shaped: an interface holds the value itself
  bool emptyInterface = false; // interface: interface {} (words: type, data) or not (itab, data)
  uint64_t descriptor = 0;     // the descriptor's guest address; 0 when made from the name
};

} // namespace gd::rt
