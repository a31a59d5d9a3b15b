// The narrow view of the machine that runtime models get: registers, memory, mappings. The
// emulator implements it over Unicorn; tests/runtime/fake_guest.h implements it over pages in a
// map, and tests/runtime runs the models on that without a CPU.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace gd::rt {

enum class Reg : uint8_t {
  RAX,
  RBX,
  RCX,
  RDX,
  RSI,
  RDI,
  RBP,
  RSP,
  R8,
  R9,
  R10,
  R11,
  R12,
  R13,
  R14,
  R15,
  RIP,
  FsBase,
  GsBase,
  Count
};
const char* regName(Reg r); // Go's names: AX, BX, ..., R15, PC

class Guest {
public:
  virtual ~Guest() = default;
  virtual uint64_t reg(Reg r) const = 0;
  virtual void setReg(Reg r, uint64_t v) = 0;
  virtual double xmmLow(int n) const = 0; // X0..X15 low 64 bits as float64
  virtual void setXmmLow(int n, uint64_t bits) = 0;
  virtual void zeroX15() = 0; // ABIInternal: X15 is always zero in Go code
  virtual bool read(uint64_t addr, void* dst, size_t n) const = 0;
  virtual bool write(uint64_t addr, const void* src, size_t n) = 0;
  // Maps [addr, addr+size) read/write (page-aligned); false if it cannot.
  virtual bool mapRW(uint64_t addr, uint64_t size) = 0;

  std::optional<uint64_t> u64(uint64_t a) const {
    uint64_t v;
    if (!read(a, &v, 8)) return std::nullopt;
    return v;
  }
  std::optional<uint32_t> u32(uint64_t a) const {
    uint32_t v;
    if (!read(a, &v, 4)) return std::nullopt;
    return v;
  }
  std::optional<uint16_t> u16(uint64_t a) const {
    uint16_t v;
    if (!read(a, &v, 2)) return std::nullopt;
    return v;
  }
  std::optional<uint8_t> u8(uint64_t a) const {
    uint8_t v;
    if (!read(a, &v, 1)) return std::nullopt;
    return v;
  }
  // A uvarint at p (funcdata tables), advancing p.
  uint64_t uvarint(uint64_t& p) const {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = u8(p++).value_or(0);
      v |= uint64_t(b & 0x7F) << shift;
      if (!(b & 0x80)) break;
    }
    return v;
  }
  // Copies n bytes of guest memory (memmove semantics: the source is read first).
  bool copy(uint64_t dst, uint64_t src, uint64_t n) {
    if (!n) return true;
    std::vector<uint8_t> buf(n);
    return read(src, buf.data(), n) && write(dst, buf.data(), n);
  }
  // Writes n zero bytes (memclr).
  bool clear(uint64_t dst, uint64_t n) {
    if (!n) return true;
    std::vector<uint8_t> zero(n, 0);
    return write(dst, zero.data(), n);
  }
  bool put64(uint64_t a, uint64_t v) { return write(a, &v, 8); }
  bool put32(uint64_t a, uint32_t v) { return write(a, &v, 4); }
  bool put8(uint64_t a, uint8_t v) { return write(a, &v, 1); }
};

} // namespace gd::rt
