/* The engine's own start-up, the floor under `godefer-emu -q deferr.o c`'s: a process that
 * opens a Unicorn x86-64 engine (linked as godefer-emu links it), maps one page, runs one
 * instruction and exits. scripts/bench.sh times it beside /bin/true and the real command. */
#include <stdint.h>
#include <stdio.h>

#include <unicorn/unicorn.h>

int main(void) {
  uc_engine* uc;
  static const uint8_t code[] = {0x48, 0xff, 0xc0}; /* INCQ AX */
  uint64_t rax = 0;
  if (uc_open(UC_ARCH_X86, UC_MODE_64, &uc) != UC_ERR_OK ||
      uc_mem_map(uc, 0x400000, 0x1000, UC_PROT_ALL) != UC_ERR_OK ||
      uc_mem_write(uc, 0x400000, code, sizeof code) != UC_ERR_OK ||
      uc_emu_start(uc, 0x400000, 0x400000 + sizeof code, 0, 0) != UC_ERR_OK ||
      uc_reg_read(uc, UC_X86_REG_RAX, &rax) != UC_ERR_OK) {
    fprintf(stderr, "bare_start: the engine failed\n");
    return 1;
  }
  printf("%llu\n", (unsigned long long)rax);
  return 0;
}
