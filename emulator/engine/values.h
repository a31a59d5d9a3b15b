// Go values read from guest memory or registers, formatted as println prints them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "emulator/engine/events.h"
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

} // namespace gd::emu
