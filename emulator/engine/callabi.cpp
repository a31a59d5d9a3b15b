#include "emulator/engine/callabi.h"

namespace gd::emu {
namespace {

uint64_t roundUp(uint64_t x, uint64_t a) {
  return a ? (x + a - 1) / a * a : x;
}

// regassign of abiutils.go: the registers a value of type t takes, field by field; false
// when it cannot be register-assigned (an array of more than one element, or too few
// registers left).
bool assign(const rt::GoType* t, uint32_t offset, int& ints, int& floats,
            std::vector<RegPiece>& out) {
  namespace k = rt::kind;
  auto integer = [&](uint32_t off, uint32_t size) {
    if (ints >= kAbiIntRegs) return false;
    out.push_back({off, size, false, ints++});
    return true;
  };
  auto floating = [&](uint32_t off, uint32_t size) {
    if (floats >= kAbiFloatRegs) return false;
    out.push_back({off, size, true, floats++});
    return true;
  };
  switch (t->kind) {
  case k::Float32:
  case k::Float64:
    return floating(offset, uint32_t(t->size));
  case k::Complex64:
  case k::Complex128: {
    uint32_t half = uint32_t(t->size / 2);
    return floating(offset, half) && floating(offset + half, half);
  }
  case k::String:
  case k::Interface:
    return integer(offset, 8) && integer(offset + 8, 8);
  case k::Slice:
    return integer(offset, 8) && integer(offset + 8, 8) && integer(offset + 16, 8);
  case k::Array:
    if (t->len == 0) return true;
    if (t->len == 1 && t->elem) return assign(t->elem, offset, ints, floats, out);
    return false;
  case k::Struct:
    for (const auto& f : t->fields)
      if (!f.type || !assign(f.type, offset + uint32_t(f.offset), ints, floats, out)) return false;
    return true;
  default: // integers, bools, pointers, maps, chans, funcs
    if (t->size == 0) return true;
    return integer(offset, uint32_t(t->size));
  }
}

} // namespace

CallLayout layoutCall(const std::vector<const rt::GoType*>& params,
                      const std::vector<const rt::GoType*>& results, bool registerAbi) {
  CallLayout l;
  uint64_t off = 0;
  auto place = [&](const std::vector<const rt::GoType*>& types, std::vector<Placement>& out) {
    int ints = 0, floats = 0;
    for (const rt::GoType* t : types) {
      Placement p;
      if (registerAbi) {
        int i = ints, f = floats;
        std::vector<RegPiece> pieces;
        if (assign(t, 0, i, f, pieces)) {
          p.inRegisters = true;
          p.pieces = std::move(pieces);
          ints = i;
          floats = f;
          out.push_back(std::move(p));
          continue;
        }
      }
      off = roundUp(off, t->align ? t->align : 1);
      p.stackOffset = off;
      off += t->size;
      out.push_back(std::move(p));
    }
  };
  place(params, l.params);
  off = roundUp(off, 8); // results start at a register-size boundary
  place(results, l.results);
  l.areaSize = roundUp(off, 8);
  return l;
}

} // namespace gd::emu
