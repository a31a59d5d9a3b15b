#include "runtime_stubs/asm.h"

namespace gd::rt {
namespace {

// duffzero: 16 blocks of four 16-byte stores and `LEAQ 64(DI), DI`, then RET. Go 1.15 stores
// X0 (zeroed by the caller); the register ABI (1.17+) stores X15, which is always zero.
std::vector<uint8_t> duffzero(bool x15) {
  std::vector<uint8_t> c;
  for (int block = 0; block < 16; block++) {
    for (int k = 0; k < 4; k++) {
      if (x15) c.push_back(0x44);      // REX.R: X15
      c.insert(c.end(), {0x0f, 0x11}); // MOVUPS Xn, m128
      if (k == 0)
        c.push_back(x15 ? 0x3f : 0x07); // (DI)
      else
        c.insert(c.end(), {uint8_t(x15 ? 0x7f : 0x47), uint8_t(16 * k)}); // disp8(DI)
    }
    c.insert(c.end(), {0x48, 0x8d, 0x7f, 0x40}); // LEAQ 64(DI), DI
  }
  c.push_back(0xc3);
  return c;
}

// duffcopy: 64 blocks of MOVUPS (SI), X0; ADDQ $16, SI; MOVUPS X0, (DI); ADDQ $16, DI; RET.
std::vector<uint8_t> duffcopy() {
  std::vector<uint8_t> c;
  for (int block = 0; block < 64; block++)
    c.insert(c.end(),
             {0x0f, 0x10, 0x06, 0x48, 0x83, 0xc6, 0x10, 0x0f, 0x11, 0x07, 0x48, 0x83, 0xc7, 0x10});
  c.push_back(0xc3);
  return c;
}

} // namespace

std::optional<std::vector<uint8_t>> runtimeCode(const std::string& name,
                                                const RuntimeProfile& prof) {
  if (name == "runtime.duffzero") return duffzero(prof.registerAbi);
  if (name == "runtime.duffcopy") return duffcopy();
  return std::nullopt;
}

} // namespace gd::rt
