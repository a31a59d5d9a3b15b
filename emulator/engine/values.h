// Go values read from guest memory or registers, formatted as println prints them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "emulator/engine/events.h"
#include "runtime_stubs/runtime.h"
#include "runtime_stubs/types.h"

namespace gd::emu {

using MemReader = std::function<bool(uint64_t addr, void* dst, size_t n)>;

// Size in bytes of a Go type given by its type string; 0 when unknown.
uint32_t goTypeSize(const std::string& type);
bool isIntegerType(const std::string& type);
// For an integer type: "" when v is one of its values, else the range it holds
// ("-2147483648..2147483647").
std::string integerRangeMiss(const std::string& type, int64_t v);
// A scalar of `type` held in the low bytes of `bits`.
Value formatValue(const std::string& type, uint64_t bits, const MemReader& read);
// The same with the type's facts already looked up (rt::builtinTypeFacts(type)).
Value formatValue(const std::string& type, const std::optional<rt::TypeFacts>& facts, uint64_t bits,
                  bool shortestFloats = false);
// Go's print of a float as the release prints it: +1.500000e+000 (Go 1.15-1.25) or the
// shortest form, 1.5 (Go 1.26+); bits 32 or 64.
std::string formatFloat(double d, int bits, bool shortest);
Value formatString(uint64_t ptr, uint64_t len, const MemReader& read);

// Values of any Go type, from the type's shape (rt::Runtime::goType) and the guest's memory:
// structs field by field, arrays, slices and maps element by element (up to kMaxElems),
// interfaces by their dynamic type, strings by their bytes. `text` is println's form (fmt's %v
// for structs and arrays), `plus` fmt's %+v, as the release prints floats.
class ValueReader {
public:
  ValueReader(const rt::Guest& mem, const rt::Runtime& rt, bool shortestFloats)
      : mem_(mem), rt_(rt), shortest_(shortestFloats) {}
  static constexpr size_t kMaxElems = 100;
  // At most this many parts are read for one value (the rest show as "...").
  static constexpr size_t kMaxNodes = 2000;

  // The value of type `t` stored at `addr`.
  Value read(const rt::GoType* t, uint64_t addr) const;
  // The value of type `t` made of `bytes` (t->size of them: a register value put together).
  Value decode(const rt::GoType* t, std::span<const uint8_t> bytes) const;

private:
  Value node(const rt::GoType* t, const uint8_t* b, int depth) const;
  Value nodeAt(const rt::GoType* t, uint64_t addr, int depth) const;
  void finish(Value& v) const; // text and plus of a top-level value

  const rt::Guest& mem_;
  const rt::Runtime& rt_;
  bool shortest_;
  mutable size_t nodes_ = 0;
};

// fmt's %v (plus: %+v) of a value tree; `depth` 0 is a top-level operand (a pointer to a
// struct, array, slice or map prints as &{...} there only).
std::string formatV(const Value& v, bool plus, int depth = 0);

} // namespace gd::emu
