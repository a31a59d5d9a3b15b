// Go's pc-value tables (runtime/symtab.go, cmd/internal/obj/pcln.go): a sequence of
// (zig-zag value delta, pc delta) uvarint pairs starting from value -1 at pc 0.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace gd::loader {

struct PcRange {
  uint32_t start, end; // [start, end) offsets from the function entry
  int32_t value;
};

// Decodes a whole table; stops at the terminator or at malformed input (decoding never reads
// past the span). `ok` is false when the table was cut short.
struct PcTable {
  std::vector<PcRange> ranges;
  bool ok = true;

  static PcTable decode(std::span<const uint8_t> bytes, uint32_t pcQuantum = 1);
  // The value at pc offset `off`, or nullopt when `off` is past the table.
  std::optional<int32_t> lookup(uint32_t off) const;
};

// Encodes ranges back into Go's format (used for listings, whose lines we know per instruction).
std::vector<uint8_t> encodePcTable(std::span<const PcRange> ranges);

} // namespace gd::loader
