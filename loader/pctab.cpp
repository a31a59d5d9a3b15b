#include "loader/pctab.h"

namespace gd::loader {
namespace {

// Reads one uvarint; false when the bytes end first or it overflows 32 bits of payload.
bool readUvarint(std::span<const uint8_t> b, size_t& pos, uint32_t& out) {
  uint32_t v = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (pos >= b.size()) return false;
    uint8_t c = b[pos++];
    v |= uint32_t(c & 0x7F) << shift;
    if (!(c & 0x80)) {
      out = v;
      return true;
    }
  }
  return false;
}

void putUvarint(std::vector<uint8_t>& out, uint32_t v) {
  while (v >= 0x80) {
    out.push_back(uint8_t(v) | 0x80);
    v >>= 7;
  }
  out.push_back(uint8_t(v));
}

} // namespace

PcTable PcTable::decode(std::span<const uint8_t> bytes, uint32_t pcQuantum) {
  PcTable t;
  size_t pos = 0;
  int32_t val = -1;
  uint32_t pc = 0;
  bool first = true;
  while (pos < bytes.size()) {
    uint32_t uv;
    if (!readUvarint(bytes, pos, uv)) {
      t.ok = false;
      break;
    }
    if (uv == 0 && !first) break;
    first = false;
    int32_t delta = (uv & 1) ? -int32_t(uv >> 1) - 1 : int32_t(uv >> 1);
    uint32_t pcd;
    if (!readUvarint(bytes, pos, pcd)) {
      t.ok = false;
      break;
    }
    val += delta;
    uint32_t end = pc + pcd * pcQuantum;
    if (end < pc) { // wrapped: corrupt
      t.ok = false;
      break;
    }
    t.ranges.push_back({pc, end, val});
    pc = end;
  }
  return t;
}

std::optional<int32_t> PcTable::lookup(uint32_t off) const {
  // Ranges are contiguous and sorted; binary search on end.
  size_t lo = 0, hi = ranges.size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (ranges[mid].end <= off)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < ranges.size() && off >= ranges[lo].start) return ranges[lo].value;
  return std::nullopt;
}

std::vector<uint8_t> encodePcTable(std::span<const PcRange> ranges) {
  // Go's encoder never emits an unchanged value (a zero delta after the first pair is the
  // terminator), so neighbours with equal values are merged first.
  std::vector<PcRange> merged;
  for (const auto& r : ranges) {
    if (!merged.empty() && merged.back().value == r.value && merged.back().end == r.start)
      merged.back().end = r.end;
    else
      merged.push_back(r);
  }
  std::vector<uint8_t> out;
  int32_t val = -1;
  for (const auto& r : merged) {
    int32_t d = r.value - val;
    uint32_t zz = d < 0 ? (uint32_t(-(d + 1)) << 1) | 1 : uint32_t(d) << 1;
    putUvarint(out, zz);
    putUvarint(out, r.end - r.start);
    val = r.value;
  }
  out.push_back(0);
  return out;
}

} // namespace gd::loader
