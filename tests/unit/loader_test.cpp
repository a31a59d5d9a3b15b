// Loader tests against real objects made by the Go toolchains (tests/fixtures, see
// scripts/make-fixtures.sh) and the seed listing.
#include <filesystem>

#include <gtest/gtest.h>

#include "support.h"

#include "loader/object.h"
#include "loader/pctab.h"

namespace fs = std::filesystem;
using namespace gd::loader;

namespace {

using gd::test::fixture;
using gd::test::kGoVersions;

const std::vector<std::string>& kVersions = kGoVersions;

} // namespace

TEST(PcTable, DecodesGoExample) {
  // docs/go-internals.md §5: G24 main.c pcsp 02 0b 10 07 ... -> [0,11)=0, [11,18)=8.
  std::vector<uint8_t> b = {0x02, 0x0b, 0x10, 0x07, 0x00};
  auto t = PcTable::decode(b);
  ASSERT_TRUE(t.ok);
  ASSERT_EQ(t.ranges.size(), 2u);
  EXPECT_EQ(t.lookup(0), 0);
  EXPECT_EQ(t.lookup(10), 0);
  EXPECT_EQ(t.lookup(11), 8);
  EXPECT_EQ(t.lookup(17), 8);
  EXPECT_FALSE(t.lookup(18).has_value());
}

TEST(PcTable, EncodeRoundTrips) {
  std::vector<PcRange> r = {{0, 5, 7}, {5, 9, 7}, {9, 20, 12}, {20, 21, 8}};
  auto t = PcTable::decode(encodePcTable(r));
  ASSERT_TRUE(t.ok);
  EXPECT_EQ(t.lookup(0), 7);
  EXPECT_EQ(t.lookup(8), 7);
  EXPECT_EQ(t.lookup(9), 12);
  EXPECT_EQ(t.lookup(20), 8);
  EXPECT_FALSE(t.lookup(21));
}

TEST(PcTable, TruncatedInputIsNotOk) {
  std::vector<uint8_t> b = {0x02, 0x8b}; // pc delta uvarint cut short
  auto t = PcTable::decode(b);
  EXPECT_FALSE(t.ok);
}

class EveryVersion : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryVersion, LoadsDeferrAndFindsC) {
  for (std::string mode : {"nl", "opt"}) {
    auto obj = loadFile(fixture(GetParam() + "/" + mode + "/deferr.o"));
    ASSERT_TRUE(obj) << obj.error().message;
    const Object& o = **obj;
    EXPECT_EQ(std::string(o.profile->name), GetParam());
    EXPECT_EQ(o.header.goarch, "amd64");
    auto c = o.findFunction("c");
    ASSERT_TRUE(c) << "no function c in " << mode;
    EXPECT_EQ(o.displayName(*c), "main.c");
    EXPECT_TRUE(o.findFunction("main.c"));
    EXPECT_TRUE(o.findFunction("\"\".c"));
    const Symbol& s = o.sym(*c);
    ASSERT_TRUE(s.func);
    EXPECT_FALSE(s.data.empty());
    // Every instruction offset of c has a line in deferr.go's c (lines 7-13).
    auto lines = PcTable::decode(s.func->pcline);
    ASSERT_TRUE(lines.ok);
    for (uint32_t off = 0; off < s.data.size(); off++) {
      auto l = lines.lookup(off);
      ASSERT_TRUE(l) << "offset " << off;
      EXPECT_GE(*l, 7);
      EXPECT_LE(*l, 13);
    }
    // c calls the defer machinery.
    bool callsDeferreturn = false;
    for (const Reloc& r : s.relocs)
      if (r.kind == RelocKind::Call && r.sym != kNoSym &&
          o.sym(r.sym).name == "runtime.deferreturn")
        callsDeferreturn = true;
    EXPECT_TRUE(callsDeferreturn || mode == "opt");
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, EveryVersion, ::testing::ValuesIn(kVersions));

TEST(Listing, SeedLoads) {
  auto obj = loadFile(fixture("seed/deferr-objdump.txt"));
  ASSERT_TRUE(obj) << obj.error().message;
  const Object& o = **obj;
  EXPECT_EQ(o.source, SourceKind::Listing);
  EXPECT_EQ(std::string(o.profile->name), "go1.15");
  EXPECT_EQ(o.header.goos, "darwin");
  auto c = o.findFunction("c");
  ASSERT_TRUE(c);
  const Symbol& s = o.sym(*c);
  EXPECT_EQ(s.dataOffset, 0xa67u);
  EXPECT_EQ(s.data.size(), 0xaf2u - 0xa67u);
  ASSERT_EQ(s.relocs.size(), 6u); // TLS, PCREL, CALL deferprocStack, 2x deferreturn, morestack
  EXPECT_EQ(s.relocs[0].kind, RelocKind::TlsLe);
  EXPECT_EQ(s.relocs[0].off, 5);
  EXPECT_EQ(s.relocs[1].kind, RelocKind::PcRel);
  EXPECT_EQ(o.sym(s.relocs[1].sym).name, "\"\".c.func1·f");
  auto lines = PcTable::decode(s.func->pcline);
  EXPECT_EQ(lines.lookup(0), 7);
  EXPECT_EQ(lines.lookup(0xabf - 0xa67), 12);
  EXPECT_TRUE(o.findFunction("c.func1"));
  // The pcsp table derived from the instructions (the listing carries none), as the compiler
  // writes it for c: 0 until SUBQ $0x60, SP; 0x60 in the body; 0 after ADDQ and at the RET;
  // 0x60 again on the second return path; 0 in the stack-check trailer.
  auto sp = PcTable::decode(s.func->pcsp);
  ASSERT_TRUE(sp.ok);
  EXPECT_EQ(sp.lookup(0xa76 - 0xa67), 0);
  EXPECT_EQ(sp.lookup(0xa7a - 0xa67), 0x60);
  EXPECT_EQ(sp.lookup(0xad7 - 0xa67), 0);
  EXPECT_EQ(sp.lookup(0xad8 - 0xa67), 0x60);
  EXPECT_EQ(sp.lookup(0xae8 - 0xa67), 0);
}

TEST(Listing, GarbageInsideABlockIsAnErrorWithTheLine) {
  std::string text = "TEXT main.f(SB) x.go\n  x.go:3\t0x0\tzz\tNOPL\n";
  auto obj = loadBytes("bad.txt", std::vector<uint8_t>(text.begin(), text.end()));
  ASSERT_FALSE(obj);
  EXPECT_NE(obj.error().message.find("line 2"), std::string::npos) << obj.error().message;
  EXPECT_NE(obj.error().message.find("bad.txt"), std::string::npos);
}
