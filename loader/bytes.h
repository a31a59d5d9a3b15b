// Bounds-checked little-endian reads over a byte span. Every read is checked: a header that lies
// about an offset produces an error, never a read past the buffer.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>

namespace gd::loader {

class ByteView {
public:
  ByteView() = default;
  explicit ByteView(std::span<const uint8_t> b) : b_(b) {}

  size_t size() const { return b_.size(); }
  bool has(uint64_t off, uint64_t n) const { return off <= b_.size() && n <= b_.size() - off; }

  std::optional<uint8_t> u8(uint64_t off) const {
    if (!has(off, 1)) return std::nullopt;
    return b_[off];
  }
  std::optional<uint16_t> u16(uint64_t off) const { return le<uint16_t>(off); }
  std::optional<uint32_t> u32(uint64_t off) const { return le<uint32_t>(off); }
  std::optional<uint64_t> u64(uint64_t off) const { return le<uint64_t>(off); }
  std::optional<std::span<const uint8_t>> bytes(uint64_t off, uint64_t n) const {
    if (!has(off, n)) return std::nullopt;
    return b_.subspan(off, n);
  }
  std::optional<std::string_view> str(uint64_t off, uint64_t n) const {
    auto s = bytes(off, n);
    if (!s) return std::nullopt;
    return std::string_view(reinterpret_cast<const char*>(s->data()), s->size());
  }
  std::span<const uint8_t> all() const { return b_; }

private:
  template <class T> std::optional<T> le(uint64_t off) const {
    if (!has(off, sizeof(T))) return std::nullopt;
    T v;
    std::memcpy(&v, b_.data() + off, sizeof(T)); // amd64 hosts only: little-endian already
    return v;
  }
  std::span<const uint8_t> b_;
};

} // namespace gd::loader
