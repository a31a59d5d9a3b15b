// The runtime rules behind values programs can print: size classes and append's growth per Go
// release (src/runtime/msize*.go, sizeclasses.go, slice.go), UTF-8 as the runtime encodes and
// decodes it (utf8.go), runtime.TypeAssertionError's text (error.go) and the type hashes of
// predeclared types (checked against constants in the fixtures' compiled type switches).
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "runtime_stubs/heaprules.h"

using namespace gd::rt;

namespace {
// The heap rules of the release table's row for Go 1.`minor`.
const HeapRules& rules(int minor) {
  const RuntimeProfile* p = runtimeProfileFor(minor);
  if (!p) throw std::runtime_error("no runtime profile for go1." + std::to_string(minor));
  return p->heap;
}
} // namespace

TEST(SizeClasses, Go115HasNo24ByteClass) {
  EXPECT_EQ(roundupsize(17, true, rules(15)), 32u);
  EXPECT_EQ(roundupsize(17, true, rules(19)), 24u);
  EXPECT_EQ(roundupsize(0, true, rules(19)), 0u);
  EXPECT_EQ(roundupsize(1, true, rules(15)), 8u);
  EXPECT_EQ(roundupsize(1025, true, rules(21)), 1152u);
  EXPECT_EQ(roundupsize(6656, true, rules(19)), 6784u);
  EXPECT_EQ(roundupsize(32768, true, rules(19)), 32768u);
  EXPECT_EQ(roundupsize(32769, true, rules(19)), 40960u); // large objects: whole 8 KiB pages
}

TEST(SizeClasses, Go122MallocHeaderForPointerfulObjectsAbove512Bytes) {
  // msize_allocheaders.go: an 8-byte header inside the size class, not in the result.
  EXPECT_EQ(roundupsize(512, false, rules(22)), 512u);
  EXPECT_EQ(roundupsize(640, false, rules(22)), 696u); // 648 -> class 704, minus the header
  EXPECT_EQ(roundupsize(640, true, rules(22)), 640u);  // no pointers: no header
  EXPECT_EQ(roundupsize(640, false, rules(21)), 640u); // before Go 1.22: no header
  EXPECT_EQ(roundupsize(1024, false, rules(24)), 1144u);
  EXPECT_EQ(roundupsize(32760, false, rules(23)), 32760u);
  EXPECT_EQ(roundupsize(32761, false, rules(23)), 32768u); // a large object: whole pages
  EXPECT_EQ(roundupsize(32769, false, rules(23)), 40960u);
}

namespace {
int64_t grow(int64_t oldLen, int64_t oldCap, int64_t newLen, uint64_t size, bool ptrs, int minor) {
  auto p = growPlan(oldLen, oldCap, newLen, size, ptrs, rules(minor));
  return p ? p->newcap : -1;
}
} // namespace

// The capacities tests/programs/slices.go prints, as the native runs of each release did.
TEST(GrowSlice, DoublingThresholdPerRelease) {
  // Go 1.15 doubles while the length is below 1024, then grows by a quarter.
  EXPECT_EQ(grow(512, 512, 513, 8, false, 15), 1024);
  EXPECT_EQ(grow(1024, 1024, 1025, 8, false, 15), 1280);
  EXPECT_EQ(grow(1280, 1280, 1281, 8, false, 15), 1696);
  // Go 1.18+ double below a capacity of 256, then newcap += (newcap + 768) / 4.
  EXPECT_EQ(grow(512, 512, 513, 8, false, 19), 848);
  EXPECT_EQ(grow(1024, 1024, 1025, 8, false, 21), 1536);
  EXPECT_EQ(grow(512, 512, 513, 1, false, 24), 896);
  EXPECT_EQ(grow(300, 300, 301, 8, false, 22), 608);
}

TEST(GrowSlice, SizeClassesDecideOddCapacities) {
  EXPECT_EQ(grow(0, 0, 1, 1, false, 15), 8);   // bytes: the 8-byte class
  EXPECT_EQ(grow(5, 5, 6, 4, false, 19), 12);  // 10 int32 = 40 bytes -> class 48
  EXPECT_EQ(grow(1, 1, 11, 8, false, 19), 12); // more than double: exactly 11, class 96
  EXPECT_EQ(grow(2, 2, 3, 2, false, 19), 4);
  EXPECT_EQ(grow(32, 32, 33, 40, true, 15), 67); // 64 x 40 = 2560 -> 2688
  EXPECT_EQ(grow(8, 8, 9, 40, true, 22), 17);    // 640 + header -> 704 - 8 = 696
  EXPECT_EQ(grow(8, 8, 9, 40, true, 21), 16);
  EXPECT_EQ(grow(32, 32, 33, 16, true, 22), 71); // []string: 1024 + 8 -> 1152 - 8
  EXPECT_EQ(grow(32, 32, 33, 16, true, 21), 64);
  EXPECT_EQ(grow(2000, 2000, 2001, 1, false, 15), 2688);
  EXPECT_EQ(grow(2000, 2000, 2001, 1, false, 19), 3072);
}

TEST(GrowSlice, ZeroSizeAndImpossibleLengths) {
  auto z = growPlan(0, 0, 2, 0, false, rules(22));
  ASSERT_TRUE(z);
  EXPECT_EQ(z->newcap, 2);
  EXPECT_EQ(z->capmem, 0u);
  EXPECT_FALSE(growPlan(0, 0, -1, 8, false, rules(22))); // "growslice: len out of range"
  EXPECT_FALSE(growPlan(0, 10, 5, 8, false, rules(19))); // "growslice: cap out of range"
  EXPECT_FALSE(growPlan(0, 0, int64_t(1) << 60, 8, false, rules(24))); // past maxAlloc
}

TEST(Utf8, EncodeRuneAsTheRuntime) {
  EXPECT_EQ(encodeRune('A'), "A");
  EXPECT_EQ(encodeRune(0xE9), "\xC3\xA9");
  EXPECT_EQ(encodeRune(0x4E16), "\xE4\xB8\x96");
  EXPECT_EQ(encodeRune(0x1F600), "\xF0\x9F\x98\x80");
  EXPECT_EQ(encodeRune(0xD800), "\xEF\xBF\xBD"); // surrogates
  EXPECT_EQ(encodeRune(0x110000), "\xEF\xBF\xBD");
  EXPECT_EQ(encodeRune(-1), "\xEF\xBF\xBD");
}

TEST(Utf8, DecodeRuneAsTheRuntime) {
  auto d = decodeRune("h\xC3\xA9", 1);
  EXPECT_EQ(d.r, 0xE9);
  EXPECT_EQ(d.next, 3u);
  d = decodeRune("\xF0\x9F\x98\x80", 0);
  EXPECT_EQ(d.r, 0x1F600);
  EXPECT_EQ(d.next, 4u);
  // Invalid: U+FFFD and one byte on.
  for (std::string bad : {"\xFF", "\xC3", "\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\x80"}) {
    SCOPED_TRACE(bad);
    d = decodeRune(bad, 0);
    EXPECT_EQ(d.r, 0xFFFD);
    EXPECT_EQ(d.next, 1u);
  }
  d = decodeRune("ab", 5);
  EXPECT_EQ(d.r, 0xFFFD);
  EXPECT_EQ(d.next, 6u);
}

TEST(TypeAssertionError, MessagesAsErrorGo) {
  EXPECT_EQ(typeAssertionText("interface {}", "string", "int", ""),
            "interface conversion: interface {} is string, not int");
  EXPECT_EQ(typeAssertionText("", "", "main.Shape", ""),
            "interface conversion: interface is nil, not main.Shape");
  EXPECT_EQ(typeAssertionText("main.Shape", "", "main.Rect", ""),
            "interface conversion: main.Shape is nil, not main.Rect");
  EXPECT_EQ(typeAssertionText("", "int", "main.Shape", "Area"),
            "interface conversion: int is not main.Shape: missing method Area");
  EXPECT_EQ(typeAssertionText("interface {}", "main.T", "main.T", ""),
            "interface conversion: interface {} is main.T, not main.T (types from different "
            "scopes)");
}

TEST(TypeHash, PredeclaredTypesAsEachCompiler) {
  // The constants of `case int:`, `case string:`, `case bool:` in the fixtures' type switches
  // (e.g. `CMPL R9, $0x4ff46048` in tests/fixtures/go1.25/nl/ifaces.objdump), asked of each
  // release's profile.
  struct Want {
    int minor;
    uint32_t intHash, stringHash, boolHash;
  };
  for (const Want& w :
       {Want{15, 0xf75371fa, 0xe0ff5cb4, 0x13ff06c5}, Want{19, 0xcb735792, 0x0778cdb8, 0xb00b9f48},
        Want{21, 0xcb735792, 0x0778cdb8, 0xb00b9f48}, Want{22, 0xcb735792, 0x0778cdb8, 0xb00b9f48},
        Want{23, 0xcb735792, 0x0778cdb8, 0xb00b9f48}, Want{24, 0x66db77f9, 0x9097a863, 0x71b4a374},
        Want{25, 0x348ca892, 0xf88732b8, 0x4ff46048}, Want{26, 0x348ca892, 0xf88732b8, 0x4ff46048},
        Want{27, 0x348ca892, 0xf88732b8, 0x4ff46048}}) {
    SCOPED_TRACE(w.minor);
    const RuntimeProfile* p = runtimeProfileFor(w.minor);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(goTypeHash("int", p->typeHash), w.intHash);
    EXPECT_EQ(goTypeHash("string", p->typeHash), w.stringHash);
    EXPECT_EQ(goTypeHash("bool", p->typeHash), w.boolHash);
  }
}
