// Per-Go-generation runtime facts as data: struct layouts (runtime2.go of each release, checked
// against the DWARF of linked binaries, docs/go-internals.md §8-9), the calling convention, and
// how deferreturn runs a frame's defers. Selected once from the object's version.
#pragma once

#include <cstdint>
#include <string_view>

#include "loader/goversion.h"

namespace gd::rt {

enum class DeferReturnStyle : uint8_t {
  JmpDefer,    // Go 1.15: deferreturn(arg0) + jmpdefer re-executes `CALL deferreturn`
  ClosureLoop, // Go 1.18+: deferreturn() calls each closure in a loop
};

struct DeferLayout {
  uint32_t size;             // header size (Go 1.15 adds the argument bytes after it)
  int32_t siz;               // int32 siz (Go 1.15 only), -1 when absent
  int32_t started;           // bool, -1 when absent (Go 1.22+)
  int32_t heap;              // bool
  int32_t openDefer;         // bool, -1 when absent
  int32_t rangefunc;         // bool, Go 1.22+, -1 when absent
  uint32_t sp, pc, fn;       // uintptr, uintptr, *funcval
  int32_t panic;             // *_panic, -1 when absent (Go 1.22+)
  uint32_t link;             // *_defer
  int32_t head;              // Go 1.22+, -1 when absent
  int32_t fd, varp, framepc; // open-coded bookkeeping (Go 1.15-1.21), -1 when absent
};

struct PanicLayout {
  uint32_t size;
  uint32_t argp, arg, link;
  int32_t pc, sp; // Go 1.15-1.21 recovery target, -1 when absent
  uint32_t recovered;
  int32_t aborted, goexit;                      // -1 when absent
  int32_t startPC, startSP, retpc, deferreturn; // Go 1.22+, -1 when absent
};

struct GLayout {
  uint32_t size;
  uint32_t stackLo, stackHi, stackguard0, stackguard1, panic, defer, m;
};

struct RuntimeProfile {
  std::string_view name;
  int minor;
  bool registerAbi; // ABIInternal: args in RAX, RBX, ...; R14 = g; X15 = 0
  DeferReturnStyle deferReturn;
  GLayout g;
  DeferLayout defer;
  PanicLayout panic;
  uint32_t stackGuard;   // _StackGuard (928 on linux/amd64 in every supported release)
  uint32_t initialStack; // _StackMin / _FixedStack: a new goroutine's stack
};

// The runtime model for an object of Go release `minor`; nullptr when we do not model it.
const RuntimeProfile* runtimeProfileFor(int minor);

} // namespace gd::rt
