// Small helpers over guest memory shared by the heap, string and interface models.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime_stubs/guest.h"

namespace gd::rt {

// Runtime data of our own in the page that holds the TLS block and g (below the heap's first
// allocation), so that it is restored with the memory on time travel.
inline constexpr uint64_t kRuntimeDataBase = 0xc000000800;
inline constexpr uint64_t kItabListHead = kRuntimeDataBase;    // itabs made by getitab
inline constexpr uint64_t kZeroBase = kRuntimeDataBase + 0x10; // runtime.zerobase

inline constexpr uint64_t kMaxGuestString = 1ull << 30;

inline std::optional<std::string> readBytes(const Guest& g, uint64_t p, uint64_t n) {
  if (n > kMaxGuestString) return std::nullopt;
  std::string s(n, '\0');
  if (n && !g.read(p, s.data(), n)) return std::nullopt;
  return s;
}

// A Go string header {ptr, len} at `hdr`.
inline std::optional<std::string> readStringHeader(const Guest& g, uint64_t hdr) {
  auto p = g.u64(hdr), n = g.u64(hdr + 8);
  if (!p || !n) return std::nullopt;
  return readBytes(g, *p, *n);
}

} // namespace gd::rt
