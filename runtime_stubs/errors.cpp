// Runtime errors as Go raises them (src/runtime/panic.go, error.go, signal_unix.go): bounds
// failures with Go's messages, division by zero, negative shifts, overflow, and faults on the
// nil page, all recoverable; plus the conversions that box values into interfaces
// (convT*, iface.go).
#include <fmt/format.h>

#include "loader/pctab.h"
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
    // x is the array's length, y the slice's (error.go: "... length %y ... length %x"); the
    // words between them are the release's (RuntimeProfile::sliceConvert)
    {"SliceConvert", Reg::RDX, Reg::RBX,
     "cannot convert slice with length {1} to {2} with length {0}",
     "cannot convert slice with length {1} to {2} with length {0}"},
};

// boundsError.Error(): code is the kind's index in kBounds (abi.BoundsErrorCode order).
std::string boundsMessage(const BoundsKind& k, uint64_t x, uint64_t y, bool isSigned,
                          SliceConvertMessage convert) {
  std::string xs = isSigned ? fmt::format("{}", int64_t(x)) : fmt::format("{}", x);
  std::string ys = fmt::format("{}", int64_t(y));
  bool isConvert = std::string_view(k.name) == "SliceConvert";
  if (isConvert) {
    std::string target = convert == SliceConvertMessage::ArrayOrPointer
                             ? "array or pointer to array"
                             : "pointer to array";
    return fmt::vformat(k.fmt, fmt::make_format_args(xs, ys, target));
  }
  bool neg = isSigned && int64_t(x) < 0;
  return neg ? fmt::vformat(k.negFmt, fmt::make_format_args(xs))
             : fmt::vformat(k.fmt, fmt::make_format_args(xs, ys));
}

// Register numbers of abi.BoundsDecode (x86 encoding order: AX CX DX BX SP BP SI DI R8-R15).
constexpr Reg kBoundsRegs[16] = {Reg::RAX, Reg::RCX, Reg::RDX, Reg::RBX, Reg::RSP, Reg::RBP,
                                 Reg::RSI, Reg::RDI, Reg::R8,  Reg::R9,  Reg::R10, Reg::R11,
                                 Reg::R12, Reg::R13, Reg::R14, Reg::R15};

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
  for (const auto& k : kBounds)
    if (n == k.name)
      return raise(g, c, boundsMessage(k, g.reg(k.x), g.reg(k.y), !isUnsigned, prof_.sliceConvert));
  return unsupported(g, c.name());
}

// Go 1.26+ runtime.panicBounds (asm_amd64.s) and panicBounds64: no arguments; the failed check
// is described by PCDATA_PanicBounds at the call (abi.BoundsDecode): the code, and for x and y
// either a register number or a constant 0..31.
StubResult Runtime::panicBoundsPcdata(Guest& g, Call& c) {
  uint64_t pc = c.returnAddress();
  auto id = img_.symbolAt(pc - 1);
  constexpr size_t kPcdataPanicBounds = 4;
  if (!id || !img_.obj->sym(*id).func ||
      img_.obj->sym(*id).func->pcdata.size() <= kPcdataPanicBounds)
    return fault(fmt::format("panicBounds: no PCDATA_PanicBounds table for the call at {:#x}",
                             c.callSite()));
  auto v = loader::PcTable::decode(img_.obj->sym(*id).func->pcdata[kPcdataPanicBounds])
               .lookup(uint32_t(pc - 1 - img_.address(*id)));
  if (!v || *v < 0)
    return fault(fmt::format("panicBounds: PCDATA_PanicBounds has no value at {:#x}", pc - 1));
  int64_t code = *v % int64_t(std::size(kBounds)), rest = *v / int64_t(std::size(kBounds));
  bool xIsReg = rest & 1, yIsReg = (rest >> 1) & 1, isSigned = false;
  rest >>= 2;
  uint64_t x, y;
  if (xIsReg) {
    isSigned = rest & 1;
    x = g.reg(kBoundsRegs[(rest >> 1) & 0xf]);
    rest >>= 5;
  } else {
    x = uint64_t(rest & 0x1f);
    rest >>= 5;
  }
  y = yIsReg ? g.reg(kBoundsRegs[rest & 0xf]) : uint64_t(rest & 0x1f);
  return raise(g, c, boundsMessage(kBounds[code], x, y, isSigned, prof_.sliceConvert));
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
  auto p = allocCopy(g, {reinterpret_cast<const char*>(bytes.data()), bytes.size()});
  if (!p) return fault(n + ": heap exhausted");
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
