// Pure rules of the Go runtime that decide observable values of the heap, strings and
// interfaces: allocator size classes (roundupsize), append's growth (growslice), UTF-8 as the
// runtime encodes and decodes it, the type hash of predeclared types, and the text of
// runtime.TypeAssertionError. Each follows the sources of the release whose HeapRules it is given
// (src/runtime/msize*.go, sizeclasses.go, slice.go, utf8.go, error.go).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "runtime_stubs/runtime_profile.h"

namespace gd::rt {

// mallocgc's size class rounding (msize.go roundupsize). From Go 1.22 objects with pointers
// larger than 512 bytes carry an 8-byte malloc header inside their size class (`noscan` false).
uint64_t roundupsize(uint64_t size, bool noscan, const HeapRules& rules);

// What growslice allocates: the new capacity (elements) and the bytes of the allocation, or
// nullopt when Go panics "growslice: cap out of range" (len out of range from Go 1.20).
struct GrowPlan {
  int64_t newcap = 0;
  uint64_t capmem = 0;
};
// oldCap: the slice's capacity; oldLen: its length; newLen: the length append needs.
std::optional<GrowPlan> growPlan(int64_t oldLen, int64_t oldCap, int64_t newLen, uint64_t elemSize,
                                 bool elemHasPointers, const HeapRules& rules);

// UTF-8 (runtime/utf8.go): encoderune writes U+FFFD for surrogates and values past U+10FFFF;
// decoderune returns (U+FFFD, k+1) for an invalid sequence.
std::string encodeRune(int32_t r);
struct Decoded {
  int32_t r;
  uint64_t next;
};
Decoded decodeRune(const std::string& s, uint64_t k);

// runtime.TypeAssertionError.Error(): iface/concrete empty mean nil (*_type).
std::string typeAssertionText(const std::string& iface, const std::string& concrete,
                              const std::string& asserted, const std::string& missingMethod);

// abi.Type.Hash of a predeclared type named `typeString` ("int", "*string", "error").
uint32_t goTypeHash(const std::string& typeString, TypeHashRule rule);

} // namespace gd::rt
