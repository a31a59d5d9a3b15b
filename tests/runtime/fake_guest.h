// A Guest without a CPU: registers in an array, memory in 4 KiB pages of a map. The runtime
// models only see rt::Guest, so they run on this exactly as on the Unicorn machine; tests drive
// them by doing what compiled code does around a runtime call (set the argument registers or
// stack words, push a return address, "jump" to the runtime function's extern slot).
#pragma once

#include <array>
#include <cstring>
#include <map>
#include <memory>

#include "loader/image.h"
#include "runtime_stubs/guest.h"

namespace gd::test {

class FakeGuest final : public rt::Guest {
public:
  static constexpr uint64_t kPage = 4096;

  // Maps the image's segments with their initial bytes (permissions are not modelled).
  explicit FakeGuest(const loader::Image& img) {
    for (const auto& seg : img.segments) {
      mapRW(seg.addr, seg.size);
      write(seg.addr, seg.bytes.data(), seg.bytes.size());
    }
  }

  uint64_t reg(rt::Reg r) const override { return regs_[size_t(r)]; }
  void setReg(rt::Reg r, uint64_t v) override { regs_[size_t(r)] = v; }
  double xmmLow(int n) const override {
    double d;
    std::memcpy(&d, &xmm_[size_t(n)], 8);
    return d;
  }
  void setXmmLow(int n, uint64_t bits) override { xmm_[size_t(n)] = bits; }
  void zeroX15() override { xmm_[15] = 0; }

  bool read(uint64_t addr, void* dst, size_t n) const override {
    auto* out = static_cast<uint8_t*>(dst);
    while (n) {
      auto it = pages_.find(addr / kPage);
      if (it == pages_.end()) return false;
      size_t off = addr % kPage, k = std::min<size_t>(n, kPage - off);
      std::memcpy(out, it->second->data() + off, k);
      out += k, addr += k, n -= k;
    }
    return true;
  }
  bool write(uint64_t addr, const void* src, size_t n) override {
    const auto* in = static_cast<const uint8_t*>(src);
    while (n) {
      auto it = pages_.find(addr / kPage);
      if (it == pages_.end()) return false;
      size_t off = addr % kPage, k = std::min<size_t>(n, kPage - off);
      std::memcpy(it->second->data() + off, in, k);
      in += k, addr += k, n -= k;
    }
    return true;
  }
  bool mapRW(uint64_t addr, uint64_t size) override {
    if (addr % kPage || size % kPage) return false;
    for (uint64_t p = addr / kPage; p < (addr + size) / kPage; p++)
      if (!pages_.count(p)) pages_[p] = std::make_unique<std::array<uint8_t, kPage>>();
    return true;
  }

private:
  std::array<uint64_t, size_t(rt::Reg::Count)> regs_{};
  std::array<uint64_t, 16> xmm_{};
  std::map<uint64_t, std::unique_ptr<std::array<uint8_t, kPage>>> pages_;
};

} // namespace gd::test
