// Slices as the runtime grows and copies them (src/runtime/slice.go, msize*.go,
// sizeclasses.go, mbarrier.go, memmove_amd64.s, memclr_amd64.s): growslice with each
// release's growth rule and the allocator's size classes, which decide the capacities a
// program can print; copy; memmove and memclr.
#include <algorithm>

#include <fmt/format.h>

#include "runtime_stubs/guestmem.h"
#include "runtime_stubs/heaprules.h"
#include "runtime_stubs/runtime.h"
#include "runtime_stubs/types.h"

namespace gd::rt {
namespace {

constexpr uint64_t kMaxAlloc = 1ull << 48; // malloc.go maxAlloc on linux/amd64 (heapAddrBits 48)
constexpr uint64_t kMaxSmallSize = 32768, kPageSize = 8192;
constexpr uint64_t kMallocHeaderSize = 8, kMinSizeForMallocHeader = 512; // Go 1.22+ mbitmap.go

// class_to_size of sizeclasses.go: Go 1.15 has no 24-byte class (added in Go 1.16).
constexpr uint16_t kClasses115[] = {
    0,     8,     16,    32,    48,    64,    80,    96,    112,   128,   144,  160,   176,   192,
    208,   224,   240,   256,   288,   320,   352,   384,   416,   448,   480,  512,   576,   640,
    704,   768,   896,   1024,  1152,  1280,  1408,  1536,  1792,  2048,  2304, 2688,  3072,  3200,
    3456,  4096,  4864,  5376,  6144,  6528,  6784,  6912,  8192,  9472,  9728, 10240, 10880, 12288,
    13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768};
constexpr uint16_t kClasses119[] = {
    0,     8,     16,    24,    32,    48,    64,    80,    96,    112,   128,   144,  160,   176,
    192,   208,   224,   240,   256,   288,   320,   352,   384,   416,   448,   480,  512,   576,
    640,   704,   768,   896,   1024,  1152,  1280,  1408,  1536,  1792,  2048,  2304, 2688,  3072,
    3200,  3456,  4096,  4864,  5376,  6144,  6528,  6784,  6912,  8192,  9472,  9728, 10240, 10880,
    12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768};

// class_to_size[size_to_class8/128[...]]: the smallest size class holding `size` bytes (the
// tables are built that way; every class above 1024 is a multiple of 128, below of 8).
uint64_t sizeClass(uint64_t size, SizeClasses table) {
  auto pick = [&](const auto& classes) -> uint64_t {
    for (uint16_t c : classes)
      if (c >= size) return c;
    return size;
  };
  return table == SizeClasses::Go115 ? pick(kClasses115) : pick(kClasses119);
}

bool isPowerOfTwo(uint64_t x) {
  return x && !(x & (x - 1));
}

} // namespace

uint64_t roundupsize(uint64_t size, bool noscan, const HeapRules& rules) {
  if (!rules.mallocHeaders) { // msize.go
    if (size < kMaxSmallSize) return sizeClass(size, rules.classes);
    if (size + kPageSize < size) return size;
    return (size + kPageSize - 1) & ~(kPageSize - 1);
  }
  // msize_allocheaders.go
  uint64_t req = size;
  if (req <= kMaxSmallSize - kMallocHeaderSize) {
    if (!noscan && req > kMinSizeForMallocHeader) req += kMallocHeaderSize;
    return sizeClass(req, rules.classes) - (req - size);
  }
  req += kPageSize - 1;
  if (req < size) return size;
  return req & ~(kPageSize - 1);
}

std::optional<GrowPlan> growPlan(int64_t oldLen, int64_t oldCap, int64_t newLen, uint64_t size,
                                 bool hasPointers, const HeapRules& rules) {
  if (rules.growsliceNewLen ? newLen < 0 : newLen < oldCap) return std::nullopt;
  if (size == 0) return GrowPlan{newLen, 0};
  int64_t newcap = oldCap;
  int64_t doublecap = newcap + newcap;
  if (newLen > doublecap) {
    newcap = newLen;
  } else if (!rules.growByCapacity) { // Go 1.15: double below 1024 elements of length, then +25%
    if (oldLen < 1024) {
      newcap = doublecap;
    } else {
      while (0 < newcap && newcap < newLen)
        newcap += newcap / 4;
      if (newcap <= 0) newcap = newLen;
    }
  } else { // Go 1.18+: double below a capacity of 256, then a smooth transition to 1.25x
    constexpr int64_t threshold = 256;
    if (oldCap < threshold) {
      newcap = doublecap;
    } else {
      while (0 < newcap && newcap < newLen)
        newcap += (newcap + 3 * threshold) >> 2;
      if (newcap <= 0) newcap = newLen;
    }
  }
  bool noscan = !hasPointers;
  bool overflow;
  uint64_t capmem;
  if (size == 1) {
    capmem = roundupsize(uint64_t(newcap), noscan, rules);
    overflow = uint64_t(newcap) > kMaxAlloc;
    newcap = int64_t(capmem);
  } else if (isPowerOfTwo(size)) { // includes goarch.PtrSize
    int shift = __builtin_ctzll(size);
    capmem = roundupsize(uint64_t(newcap) << shift, noscan, rules);
    overflow = uint64_t(newcap) > (kMaxAlloc >> shift);
    newcap = int64_t(capmem >> shift);
    if (rules.growsliceNewLen) capmem = uint64_t(newcap) << shift;
  } else {
    unsigned __int128 m = (unsigned __int128)size * uint64_t(newcap);
    overflow = m >> 64 != 0;
    capmem = roundupsize(uint64_t(m), noscan, rules);
    newcap = int64_t(capmem / size);
    if (rules.growsliceNewLen) capmem = uint64_t(newcap) * size;
  }
  if (overflow || capmem > kMaxAlloc) return std::nullopt;
  return GrowPlan{newcap, capmem};
}

// Go 1.15/1.19: growslice(et *_type, old slice, cap int) slice, returning old.len as the length.
// Go 1.21+:     growslice(oldPtr, newLen, oldCap, num int, et *_type) slice, returning newLen.
// Go 1.26+:     growsliceNoAlias, the same (it frees the old array only under
//               GOEXPERIMENT=runtimefreegc, off by default).
StubResult Runtime::growslice(Guest& g, Call& c) {
  uint64_t et, oldPtr;
  int64_t oldLen, oldCap, newLen;
  if (prof_.heap.growsliceNewLen) {
    auto p = c.intArg(), nl = c.intArg(), oc = c.intArg(), num = c.intArg(), t = c.intArg();
    if (!p || !nl || !oc || !num || !t) return fault("growslice: cannot read its arguments");
    oldPtr = *p, newLen = int64_t(*nl), oldCap = int64_t(*oc), et = *t;
    oldLen = int64_t(*nl - *num); // Go's int arithmetic wraps (an overflowing append)
  } else {
    auto t = c.intArg(), p = c.intArg(), l = c.intArg(), oc = c.intArg(), cap = c.intArg();
    if (!t || !p || !l || !oc || !cap) return fault("growslice: cannot read its arguments");
    et = *t, oldPtr = *p, oldLen = int64_t(*l), oldCap = int64_t(*oc), newLen = int64_t(*cap);
  }
  return growTo(g, c, et, oldPtr, oldLen, oldCap, newLen);
}

StubResult Runtime::growTo(Guest& g, Call& c, uint64_t et, uint64_t oldPtr, int64_t oldLen,
                           int64_t oldCap, int64_t newLen) {
  auto size = g.u64(et + typeoff::Size), ptrdata = g.u64(et + typeoff::PtrData);
  if (!size || !ptrdata) return fault(fmt::format("growslice: cannot read the type at {:#x}", et));
  auto plan = growPlan(oldLen, oldCap, newLen, *size, *ptrdata != 0, prof_.heap);
  if (!plan)
    return raise(g, c,
                 prof_.heap.growsliceLenMessage ? "growslice: len out of range"
                                                : "growslice: cap out of range");
  int64_t resultLen = prof_.heap.growsliceNewLen ? newLen : oldLen;
  uint64_t p = zeroBase_;
  if (*size) {
    auto a = alloc(g, plan->capmem);
    if (!a) {
      output("fatal error: out of memory\n");
      return {StubStatus::Exit, 2, fmt::format("out of memory allocating {} bytes", plan->capmem)};
    }
    p = *a;
    uint64_t lenmem = uint64_t(std::max<int64_t>(oldLen, 0)) * *size;
    if (lenmem) {
      auto bytes = readBytes(g, oldPtr, lenmem);
      if (!bytes || !g.write(p, bytes->data(), lenmem))
        return fault(fmt::format("growslice: cannot copy {} bytes from {:#x}", lenmem, oldPtr));
    }
  }
  RuntimeEvent e{RuntimeEventKind::Alloc, c.name()};
  e.pc = c.callSite();
  e.record = p;
  e.newSize = plan->capmem;
  e.fnName = fmt::format("len {} cap {} -> len {} cap {}", oldLen, oldCap, newLen, plan->newcap);
  emit(std::move(e));
  c.intResult(p);
  c.intResult(uint64_t(resultLen));
  c.intResult(uint64_t(plan->newcap));
  return returnToCaller(g);
}

// Go 1.26+ growsliceBuf(oldPtr, newLen, oldCap, num, et, bufPtr, bufLen) slice and
// growsliceBufNoAlias: an append that may still fit the caller's stack buffer. Past bufLen it is
// growslice; otherwise the elements move to the buffer's start and the capacity becomes what
// newLen's size class holds, the tail zeroed.
StubResult Runtime::growsliceBuf(Guest& g, Call& c) {
  auto p = c.intArg(), nl = c.intArg(), oc = c.intArg(), num = c.intArg(), t = c.intArg();
  auto buf = c.intArg(), bufLen = c.intArg();
  if (!p || !nl || !oc || !num || !t || !buf || !bufLen)
    return fault(c.name() + ": cannot read its arguments");
  int64_t newLen = int64_t(*nl), oldLen = newLen - int64_t(*num);
  if (newLen > int64_t(*bufLen)) return growTo(g, c, *t, *p, oldLen, int64_t(*oc), newLen);
  auto size = g.u64(*t + typeoff::Size), ptrdata = g.u64(*t + typeoff::PtrData);
  if (!size || !ptrdata || !*size)
    return fault(fmt::format("{}: cannot read the type at {:#x}", c.name(), *t));
  if (*p != *buf && oldLen != 0 && !g.copy(*buf, *p, uint64_t(oldLen) * *size))
    return fault(fmt::format("{}: cannot move the elements to {:#x}", c.name(), *buf));
  int64_t newCap =
      int64_t(roundupsize(uint64_t(newLen) * *size, *ptrdata == 0, prof_.heap) / *size);
  if (newLen < newCap) g.clear(*buf + uint64_t(newLen) * *size, uint64_t(newCap - newLen) * *size);
  c.intResult(*buf);
  c.intResult(uint64_t(newLen));
  c.intResult(uint64_t(newCap));
  return returnToCaller(g);
}

// Go 1.26+ moveSlice(et, old, len, cap), moveSliceNoScan(elemSize, old, len, cap),
// moveSliceNoCap(et, old, len), moveSliceNoCapNoScan(elemSize, old, len): a slice built in a
// stack buffer moves to the heap where it escapes. Without a capacity the new one is what the
// length's size class holds.
StubResult Runtime::moveSlice(Guest& g, Call& c) {
  bool noScan = c.name().ends_with("NoScan"), noCap = c.name().find("NoCap") != std::string::npos;
  auto first = c.intArg(), old = c.intArg(), len = c.intArg();
  std::optional<uint64_t> cap = noCap ? std::optional<uint64_t>(0) : c.intArg();
  if (!first || !old || !len || !cap) return fault(c.name() + ": cannot read its arguments");
  uint64_t elemSize = *first;
  if (!noScan) {
    auto s = g.u64(*first + typeoff::Size);
    if (!s) return fault(fmt::format("{}: cannot read the type at {:#x}", c.name(), *first));
    elemSize = *s;
  }
  int64_t n = int64_t(noCap ? *len : *cap);
  if (n == 0) {
    c.intResult(*old ? zeroBase_ : 0);
    c.intResult(0);
    c.intResult(0);
    return returnToCaller(g);
  }
  uint64_t lenmem = uint64_t(*len) * elemSize, capmem = uint64_t(n) * elemSize;
  if (noCap) capmem = roundupsize(lenmem, noScan, prof_.heap);
  if (noCap && !noScan) capmem = capmem / elemSize * elemSize;
  auto a = alloc(g, capmem);
  if (!a) return fault(c.name() + ": heap exhausted");
  if (!g.copy(*a, *old, noCap ? lenmem : capmem))
    return fault(fmt::format("{}: cannot copy from {:#x}", c.name(), *old));
  emitAlloc(c, *a, capmem);
  c.intResult(*a);
  c.intResult(*len);
  c.intResult(noCap ? capmem / elemSize : uint64_t(n));
  return returnToCaller(g);
}

namespace {
bool copyGuest(Guest& g, uint64_t to, uint64_t from, uint64_t n) {
  if (!n) return true;
  auto bytes = readBytes(g, from, n); // a buffer: the regions may overlap (memmove)
  return bytes && g.write(to, bytes->data(), n);
}
} // namespace

// memmove(to, from unsafe.Pointer, n uintptr).
StubResult Runtime::memmove(Guest& g, Call& c) {
  auto to = c.intArg(), from = c.intArg(), n = c.intArg();
  if (!to || !from || !n) return fault("memmove: cannot read its arguments");
  if (!copyGuest(g, *to, *from, *n))
    return fault(fmt::format("memmove: cannot copy {} bytes from {:#x} to {:#x}", *n, *from, *to));
  return returnToCaller(g);
}

// typedmemmove(typ *_type, dst, src unsafe.Pointer): typ.size bytes (write barriers are off).
StubResult Runtime::typedmemmove(Guest& g, Call& c) {
  auto typ = c.intArg(), dst = c.intArg(), src = c.intArg();
  if (!typ || !dst || !src) return fault("typedmemmove: cannot read its arguments");
  uint64_t size = g.u64(*typ + typeoff::Size).value_or(0);
  if (*dst != *src && !copyGuest(g, *dst, *src, size))
    return fault(fmt::format("typedmemmove: cannot copy {} bytes from {:#x}", size, *src));
  return returnToCaller(g);
}

// slicecopy(toPtr, toLen, fromPtr, fromLen, width) int; typedslicecopy(typ, dstPtr, dstLen,
// srcPtr, srcLen) int; Go 1.15 slicestringcopy(toPtr *byte, toLen int, fm string) int.
StubResult Runtime::slicecopy(Guest& g, Call& c) {
  const std::string& n = c.name();
  std::optional<uint64_t> typ, to, toLen, from, fromLen, width;
  if (n == "runtime.typedslicecopy") {
    typ = c.intArg(), to = c.intArg(), toLen = c.intArg(), from = c.intArg(), fromLen = c.intArg();
    if (typ) width = g.u64(*typ + typeoff::Size);
  } else {
    to = c.intArg(), toLen = c.intArg(), from = c.intArg(), fromLen = c.intArg();
    width = n == "runtime.slicestringcopy" ? std::optional<uint64_t>(1) : c.intArg();
  }
  if (!to || !toLen || !from || !fromLen || !width) return fault(n + ": cannot read its arguments");
  int64_t count = 0;
  if (*fromLen && *toLen) {
    count = std::min(int64_t(*fromLen), int64_t(*toLen));
    if (*width && !copyGuest(g, *to, *from, uint64_t(count) * *width))
      return fault(fmt::format("{}: cannot copy {} elements from {:#x}", n, count, *from));
  }
  c.intResult(uint64_t(count));
  return returnToCaller(g);
}

// memclrNoHeapPointers / memclrHasPointers(ptr unsafe.Pointer, n uintptr); typedmemclr(typ, ptr).
StubResult Runtime::memclr(Guest& g, Call& c) {
  std::optional<uint64_t> p, n;
  if (c.name() == "runtime.typedmemclr") {
    auto typ = c.intArg();
    p = c.intArg();
    if (typ) n = g.u64(*typ + typeoff::Size);
  } else {
    p = c.intArg(), n = c.intArg();
  }
  if (!p || !n) return fault(c.name() + ": cannot read its arguments");
  if (*n) {
    if (*n > kMaxGuestString) return fault(c.name() + ": size out of range");
    if (!g.clear(*p, *n))
      return fault(fmt::format("{}: cannot clear {} bytes at {:#x}", c.name(), *n, *p));
  }
  return returnToCaller(g);
}

} // namespace gd::rt
