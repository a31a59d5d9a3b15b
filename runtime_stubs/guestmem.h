// Small helpers over guest memory shared by the heap, string and interface models.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime_stubs/guest.h"
#include "runtime_stubs/runtime_profile.h"

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

// runtime.name: flags byte, then the length (Go 1.15: 2 bytes big-endian; later: uvarint), then
// the bytes.
inline std::optional<std::string> readName(const Guest& g, uint64_t p, NameLength len) {
  uint64_t q = p + 1, n;
  if (len == NameLength::BigEndian16) {
    auto hi = g.u8(q), lo = g.u8(q + 1);
    if (!hi || !lo) return std::nullopt;
    n = uint64_t(*hi) << 8 | *lo;
    q += 2;
  } else {
    n = g.uvarint(q);
  }
  return readBytes(g, q, n);
}

// Whether the abi.Name at p has its embedded bit (Go 1.19+: flags bit 3).
inline bool nameEmbedded(const Guest& g, uint64_t p) {
  return g.u8(p).value_or(0) & (1 << 3);
}

} // namespace gd::rt
