// Runtime errors as Go raises them (src/runtime/panic.go, error.go, signal_unix.go): bounds
// failures with Go's messages, division by zero, negative shifts, overflow, and faults on the
// nil page, all recoverable; plus the conversions that box values into interfaces
// (convT*, iface.go).
#include <fmt/format.h>

#include "runtime_stubs/runtime.h"
#include "runtime_stubs/types.h"

namespace gd::rt {
namespace {

// boundsError kinds and the registers their assembly entry points take x and y in
// (asm_amd64.s panicIndex etc.; the same in every supported release).
struct BoundsKind {
  const char* name;
  Reg x, y;
  const char* fmt;    // with length / capacity
  const char* negFmt; // x negative: no y
};
constexpr BoundsKind kBounds[] = {
    {"Index", Reg::RAX, Reg::RCX, "index out of range [{}] with length {}",
     "index out of range [{}]"},
    {"SliceAlen", Reg::RCX, Reg::RDX, "slice bounds out of range [:{}] with length {}",
     "slice bounds out of range [:{}]"},
    {"SliceAcap", Reg::RCX, Reg::RDX, "slice bounds out of range [:{}] with capacity {}",
     "slice bounds out of range [:{}]"},
    {"SliceB", Reg::RAX, Reg::RCX, "slice bounds out of range [{}:{}]",
     "slice bounds out of range [{}:]"},
    {"Slice3Alen", Reg::RDX, Reg::RBX, "slice bounds out of range [::{}] with length {}",
     "slice bounds out of range [::{}]"},
    {"Slice3Acap", Reg::RDX, Reg::RBX, "slice bounds out of range [::{}] with capacity {}",
     "slice bounds out of range [::{}]"},
    {"Slice3B", Reg::RCX, Reg::RDX, "slice bounds out of range [:{}:{}]",
     "slice bounds out of range [:{}:]"},
    {"Slice3C", Reg::RAX, Reg::RCX, "slice bounds out of range [{}:{}:]",
     "slice bounds out of range [{}::]"},
    {"SliceConvert", Reg::RDX, Reg::RBX,
     "cannot convert slice with length {} to array or pointer to array with length {}",
     "cannot convert slice with length {} to array or pointer to array with length {}"},
};

} // namespace

StubResult Runtime::raise(Guest& g, Call& c, const std::string& message) {
  uint64_t v = runtimeError(g, "runtime error: " + message);
  if (!v) return fault("cannot allocate the runtime error");
  return startPanic(g, c.entrySp(), errorType_, v, PanicRun{});
}

// runtime.panicIndex, panicSliceB, ... and their U (unsigned) forms.
StubResult Runtime::panicBounds(Guest& g, Call& c) {
  std::string n = c.name().substr(std::string("runtime.panic").size());
  bool isUnsigned = n.ends_with("U") && n != "SliceConvert";
  if (isUnsigned) n.pop_back();
  for (const auto& k : kBounds) {
    if (n != k.name) continue;
    uint64_t x = g.reg(k.x), y = g.reg(k.y);
    std::string xs = isUnsigned ? fmt::format("{}", x) : fmt::format("{}", int64_t(x));
    std::string ys = fmt::format("{}", int64_t(y));
    bool neg = !isUnsigned && int64_t(x) < 0 && n != "SliceConvert";
    return raise(g, c,
                 neg ? fmt::vformat(k.negFmt, fmt::make_format_args(xs))
                     : fmt::vformat(k.fmt, fmt::make_format_args(xs, ys)));
  }
  return unsupported(g, c.name());
}

StubResult Runtime::panicdivide(Guest& g, Call& c) {
  return raise(g, c, "integer divide by zero");
}
StubResult Runtime::panicshift(Guest& g, Call& c) {
  return raise(g, c, "negative shift amount");
}
StubResult Runtime::panicoverflow(Guest& g, Call& c) {
  return raise(g, c, "integer overflow");
}

// A fault in Go code. The signal handler makes the faulting frame look as if it called
// sigpanic (the pc is pushed as a return address); sigpanic turns a fault below 0x1000 into
// the recoverable runtime error, anything else into a fatal "unexpected fault address".
StubResult Runtime::memoryFault(Guest& g, uint64_t pc, uint64_t addr) {
  if (addr >= 0x1000) {
    output(fmt::format("unexpected fault address {:#x}\nfatal error: fault\n[signal SIGSEGV: "
                       "segmentation violation code=0x1 addr={:#x} pc={:#x}]\n\ngoroutine 1 "
                       "[running]:\n",
                       addr, addr, pc));
    return {StubStatus::Exit, 2, fmt::format("unexpected fault address {:#x}", addr)};
  }
  uint64_t sp = g.reg(Reg::RSP) - 8;
  g.put64(sp, pc);
  g.setReg(Reg::RSP, sp);
  calls_["runtime.sigpanic"]++;
  uint64_t v = runtimeError(g, "runtime error: invalid memory address or nil pointer dereference");
  if (!v) return fault("cannot allocate the runtime error");
  PanicRun sig;
  sig.signal = true;
  sig.sigAddr = addr;
  sig.sigPc = pc;
  return startPanic(g, sp, errorType_, v, sig);
}

// convT16/32/64, convTstring, convTslice (value in registers or on the stack) and, from Go
// 1.17, convT/convTnoptr(t, *v): a fresh copy of the value for an interface's data word.
StubResult Runtime::convT(Guest& g, Call& c) {
  const std::string& n = c.name();
  std::vector<uint8_t> bytes;
  if (n == "runtime.convT" || n == "runtime.convTnoptr") {
    auto t = c.intArg(), v = c.intArg();
    if (!t || !v) return fault(n + ": cannot read its arguments");
    uint64_t size = g.u64(*t + typeoff::Size).value_or(0);
    bytes.resize(size);
    if (size && !g.read(*v, bytes.data(), size))
      return fault(fmt::format("{}: cannot read {} bytes at {:#x}", n, size, *v));
  } else {
    int words = n == "runtime.convTstring" ? 2 : n == "runtime.convTslice" ? 3 : 1;
    uint32_t size = n == "runtime.convT16" ? 2 : n == "runtime.convT32" ? 4 : 8 * words;
    for (int k = 0; k < words; k++) {
      auto w = c.intArg();
      if (!w) return fault(n + ": cannot read its argument");
      bytes.insert(bytes.end(), reinterpret_cast<uint8_t*>(&*w),
                   reinterpret_cast<uint8_t*>(&*w) + std::min<uint32_t>(size, 8));
    }
  }
  auto p = alloc(g, bytes.size());
  if (!p) return fault(n + ": heap exhausted");
  if (!bytes.empty()) g.write(*p, bytes.data(), bytes.size());
  c.intResult(*p);
  return returnToCaller(g);
}

// Go 1.15-1.19 convT2E/convT2Enoptr(t, elem) eface and convT2I/convT2Inoptr(tab, elem) iface.
StubResult Runtime::convT2E(Guest& g, Call& c) {
  auto t = c.intArg(), elem = c.intArg();
  if (!t || !elem) return fault(c.name() + ": cannot read its arguments");
  bool itab = c.name().starts_with("runtime.convT2I");
  uint64_t typ = itab ? g.u64(*t + 8).value_or(0) : *t;
  uint64_t size = g.u64(typ + typeoff::Size).value_or(0);
  auto p = alloc(g, size);
  if (!p) return fault(c.name() + ": heap exhausted");
  if (!g.copy(*p, *elem, size)) return fault(c.name() + ": cannot copy the value");
  c.intResult(*t);
  c.intResult(*p);
  return returnToCaller(g);
}

} // namespace gd::rt
