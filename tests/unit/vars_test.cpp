// Variables from DWARF and from Go source: real objects of every toolchain (tests/fixtures),
// hand-built DWARF for the cases the fixtures do not reach, and malformed input.
#include <filesystem>
#include <fstream>
#include <tuple>

#include <unistd.h>

#include <gtest/gtest.h>

#include "support.h"

#include "loader/dwarf_abbrev.h"
#include "loader/gosource.h"
#include "loader/object.h"
#include "loader/vars.h"

namespace fs = std::filesystem;
using namespace gd::loader;

namespace {

using gd::test::fixture;
using gd::test::kGoVersions;
const std::vector<std::string> kSourceDirs = {std::string(GODEFER_SOURCE_DIR) + "/tests/programs"};
const std::vector<std::string>& kVersions = kGoVersions;

std::shared_ptr<Object> load(const std::string& rel) {
  auto o = loadFile(fixture(rel));
  if (!o) {
    ADD_FAILURE() << o.error().message;
    return nullptr;
  }
  return *o;
}

const VarInfo* findVar(const FuncVars& fv, std::string_view name) {
  for (const auto& v : fv.vars)
    if (v.name == name) return &v;
  return nullptr;
}

std::string describe(const FuncVars& fv) {
  std::string s = std::string(sourceName(fv.source)) + ":";
  for (const auto& v : fv.vars) {
    s += " " + std::string(roleName(v.role)) + " " + v.name + " " + v.type;
    for (const auto& l : v.locations)
      s += l.kind == VarLocation::Kind::CfaOffset ? " @cfa" + std::to_string(l.offset)
                                                  : " @r" + std::to_string(l.reg);
    s += ";";
  }
  return s;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Abbreviation tables (docs/go-internals.md §6 lists the codes used inside function DIEs).

TEST(DwarfAbbrev, CodesMatchTheToolchains) {
  struct Row {
    int minor;
    uint64_t function, wrapper, lexRanges, lexSimple, autoBlock, autoList, param, paramList,
        inlined;
  };
  const Row rows[] = {
      {15, 3, 0, 20, 21, 10, 11, 15, 16, 6}, {19, 3, 4, 22, 23, 12, 13, 17, 18, 8},
      {21, 3, 4, 22, 23, 12, 13, 17, 18, 8}, {22, 3, 4, 22, 23, 12, 13, 17, 18, 8},
      {23, 3, 4, 12, 13, 39, 38, 45, 44, 8}, {24, 3, 4, 12, 13, 40, 39, 46, 45, 8},
      {25, 3, 4, 12, 13, 40, 39, 46, 45, 8}, {26, 3, 4, 12, 13, 40, 39, 46, 45, 8},
      {27, 3, 4, 12, 13, 40, 39, 46, 45, 8},
  };
  for (const Row& r : rows) {
    const auto* t = dwarf::abbrevTableFor(r.minor);
    ASSERT_NE(t, nullptr) << r.minor;
    auto name = [&](uint64_t code) { return std::string(t->byCode[code].name); };
    EXPECT_EQ(name(r.function), "FUNCTION") << r.minor;
    if (r.wrapper) {
      EXPECT_EQ(name(r.wrapper), "WRAPPER") << r.minor;
    }
    EXPECT_EQ(name(r.lexRanges), "LEXICAL_BLOCK_RANGES") << r.minor;
    EXPECT_EQ(name(r.lexSimple), "LEXICAL_BLOCK_SIMPLE") << r.minor;
    EXPECT_EQ(name(r.autoBlock), "AUTO") << r.minor;
    EXPECT_EQ(name(r.autoList), "AUTO_LOCLIST") << r.minor;
    EXPECT_EQ(name(r.param), "PARAM") << r.minor;
    EXPECT_EQ(name(r.paramList), "PARAM_LOCLIST") << r.minor;
    EXPECT_EQ(name(r.inlined), "INLINED_SUBROUTINE") << r.minor;
    EXPECT_EQ(t->byCode[0].tag, dwarf::Tag::Null);
  }
  EXPECT_EQ(dwarf::abbrevTableFor(18), nullptr);
  // Go 1.23 added closure-offset variants; 1.24 shifted everything by FUNCTYPEOUTPARAM.
  EXPECT_EQ(dwarf::abbrevTableFor(23)->byCode[37].name, "AUTO_CLOSURE");
  EXPECT_EQ(dwarf::abbrevTableFor(24)->byCode[38].name, "AUTO_CLOSURE");
  EXPECT_EQ(dwarf::abbrevTableFor(24)->byCode[16].name, "FUNCTYPEOUTPARAM");
}

TEST(DwarfAbbrev, AttributeListsFollowTheSources) {
  // FUNCTION gained decl_line in Go 1.21 (dwarf.go); PARAM never had it between flag and type
  // in the abstract form.
  auto attrs = [](int minor, uint64_t code) {
    return dwarf::abbrevTableFor(minor)->byCode[code].attrs;
  };
  EXPECT_EQ(attrs(19, 3).size(), 6u);
  EXPECT_EQ(attrs(21, 3).size(), 7u);
  EXPECT_EQ(attrs(21, 3)[5].at, dwarf::At::DeclLine);
  auto param = attrs(24, 46);
  ASSERT_EQ(param.size(), 5u);
  EXPECT_EQ(param[0].form, dwarf::Form::String);
  EXPECT_EQ(param[1].form, dwarf::Form::Flag);
  EXPECT_EQ(param[2].form, dwarf::Form::Udata);
  EXPECT_EQ(param[3].form, dwarf::Form::RefAddr);
  EXPECT_EQ(param[4].form, dwarf::Form::Block1);
  for (const auto& t : dwarf::abbrevTables())
    for (size_t code = 1; code < t.byCode.size(); ++code)
      for (const auto& a : t.byCode[code].attrs)
        EXPECT_NE(dwarf::formName(a.form), "?") << t.name << " code " << code;
  EXPECT_EQ(dwarf::expandForm(dwarf::Form::UdataPseudo, "linux", false), dwarf::Form::Udata);
  EXPECT_EQ(dwarf::expandForm(dwarf::Form::UdataPseudo, "darwin", false), dwarf::Form::Data4);
  // Go 1.25 turned the pcs of functions and inlined calls into lo/hi pseudo-forms.
  for (int minor : {25, 26, 27})
    for (uint64_t code : {3, 4, 6, 7, 8}) {
      bool lo = false, hi = false;
      for (const auto& a : attrs(minor, code)) {
        lo |= a.at == dwarf::At::LowPc && a.form == dwarf::Form::LoPcPseudo;
        hi |= a.at == dwarf::At::HighPc && a.form == dwarf::Form::HiPcPseudo;
      }
      EXPECT_TRUE(lo && hi) << "go1." << minor << " code " << code;
    }
  EXPECT_EQ(attrs(24, 3)[1].form, dwarf::Form::Addr);
  EXPECT_EQ(attrs(25, 13)[0].form, dwarf::Form::Addr); // LEXICAL_BLOCK_SIMPLE: unused in DWARF 5
}

// ---------------------------------------------------------------------------------------------
// The canonical example on every toolchain: func c() (i int) with a deferred closure.

class VarsEveryVersion : public ::testing::TestWithParam<std::string> {};

TEST_P(VarsEveryVersion, DeferrResultI) {
  auto o = load(GetParam() + "/nl/deferr.o");
  ASSERT_TRUE(o);
  auto c = o->findFunction("c");
  ASSERT_TRUE(c);
  FuncVars fv = functionVars(*o, *c, kSourceDirs);
  ASSERT_EQ(fv.vars.size(), 1u) << describe(fv);
  const VarInfo& i = fv.vars[0];
  EXPECT_EQ(i.name, "i");
  EXPECT_EQ(i.type, "int");
  EXPECT_EQ(i.role, VarRole::Result);
  EXPECT_EQ(i.declLine, 7);
  ASSERT_EQ(i.locations.size(), 1u);
  EXPECT_EQ(i.locations[0].kind, VarLocation::Kind::CfaOffset);
  EXPECT_EQ(i.locations[0].lo, 0u);
  EXPECT_EQ(i.locations[0].hi, UINT32_MAX);
  int64_t want = GetParam() == "go1.15" ? 0 : GetParam() <= "go1.21" ? -120 : -96;
  EXPECT_EQ(i.locations[0].offset, want);
  if (GetParam() == "go1.15") {
    EXPECT_EQ(fv.source, VarSource::GoSource);
    EXPECT_TRUE(fv.sourceFile.ends_with("tests/programs/deferr.go")) << fv.sourceFile;
  } else {
    EXPECT_EQ(fv.source, VarSource::Dwarf);
    EXPECT_EQ(fv.sourceFile, "deferr.go");
  }
}

// GOEXPERIMENT=nodwarf5 on Go 1.25 writes DWARF 4 forms on linux; the header's experiment list
// says so, and both encodings of the same code give the same variables.
TEST(VarsFixtures, Go125WithoutDwarf5ReadsAsDwarf4) {
  auto d4 = load("go1.25-nodwarf5/nl/deferr.o"), d5 = load("go1.25/nl/deferr.o");
  ASSERT_TRUE(d4 && d5);
  EXPECT_FALSE(usesDwarf5(*d4->profile, d4->header.goos, d4->header.experiments));
  EXPECT_TRUE(usesDwarf5(*d5->profile, d5->header.goos, d5->header.experiments));
  for (const char* fn : {"c", "main.c.func1"}) {
    SCOPED_TRACE(fn);
    auto f4 = d4->findFunction(fn), f5 = d5->findFunction(fn);
    ASSERT_TRUE(f4 && f5);
    auto v4 = readDwarfVars(*d4, *f4), v5 = readDwarfVars(*d5, *f5);
    ASSERT_TRUE(v4) << v4.error().message;
    ASSERT_TRUE(v5) << v5.error().message;
    EXPECT_EQ(v4->source, VarSource::Dwarf);
    ASSERT_EQ(v4->vars.size(), v5->vars.size()) << describe(*v4);
    ASSERT_FALSE(v4->vars.empty());
    for (size_t k = 0; k < v4->vars.size(); k++) {
      EXPECT_EQ(v4->vars[k].name, v5->vars[k].name);
      EXPECT_EQ(v4->vars[k].type, v5->vars[k].type);
      EXPECT_EQ(v4->vars[k].declLine, v5->vars[k].declLine);
      ASSERT_EQ(v4->vars[k].locations.size(), v5->vars[k].locations.size());
      for (size_t j = 0; j < v4->vars[k].locations.size(); j++) {
        EXPECT_EQ(v4->vars[k].locations[j].offset, v5->vars[k].locations[j].offset);
        EXPECT_EQ(v4->vars[k].locations[j].lo, v5->vars[k].locations[j].lo);
        EXPECT_EQ(v4->vars[k].locations[j].hi, v5->vars[k].locations[j].hi);
      }
    }
  }
}

TEST_P(VarsEveryVersion, DeferrClosureCapturesI) {
  auto o = load(GetParam() + "/nl/deferr.o");
  ASSERT_TRUE(o);
  auto f = o->findFunction("c.func1");
  ASSERT_TRUE(f);
  FuncVars fv = functionVars(*o, *f, kSourceDirs);
  if (GetParam() == "go1.15") { // no DWARF, and a closure has no signature in the source
    EXPECT_EQ(fv.source, VarSource::None);
    EXPECT_TRUE(fv.vars.empty());
    EXPECT_NE(fv.warning.find("closure"), std::string::npos) << fv.warning;
    return;
  }
  EXPECT_EQ(fv.source, VarSource::Dwarf);
  const VarInfo* i = findVar(fv, "&i");
  ASSERT_TRUE(i) << describe(fv);
  EXPECT_EQ(i->type, "*int");
  EXPECT_EQ(i->role, VarRole::Local);
  ASSERT_EQ(i->locations.size(), 1u);
  EXPECT_EQ(i->locations[0].offset, -24);
}

TEST_P(VarsEveryVersion, OptimisedDeferrHasOneI) {
  auto o = load(GetParam() + "/opt/deferr.o");
  ASSERT_TRUE(o);
  auto c = o->findFunction("c");
  ASSERT_TRUE(c);
  FuncVars fv = functionVars(*o, *c, kSourceDirs);
  ASSERT_EQ(fv.vars.size(), 1u) << describe(fv); // duplicate result DIEs are merged
  EXPECT_EQ(fv.vars[0].name, "i");
  EXPECT_EQ(fv.vars[0].type, "int");
  EXPECT_EQ(fv.vars[0].role, VarRole::Result);
}

// Every function of every fixture: the DWARF parses completely, and its parameters and results
// agree with the source signature (names, types, roles) wherever the source has one. Optimised
// code may drop parameters it never uses, so there the DWARF only has to be a subsequence.
TEST_P(VarsEveryVersion, DwarfAgreesWithSourceEverywhere) {
  int compared = 0;
  for (std::string mode : {"nl", "opt"}) {
    for (const auto& entry : fs::directory_iterator(fixture(GetParam() + "/" + mode))) {
      if (entry.path().extension() != ".o") continue;
      auto obj = loadFile(entry.path().string());
      ASSERT_TRUE(obj) << obj.error().message;
      const Object& o = **obj;
      for (SymId id = 0; id < o.symbols.size(); ++id) {
        const Symbol& s = o.symbols[id];
        if (!s.isText() || !s.defined()) continue;
        auto d = readDwarfVars(o, id);
        ASSERT_TRUE(d) << d.error().message;
        if (GetParam() == "go1.15" || s.data.empty()) { // no -p: no DWARF; empty: no code
          EXPECT_EQ(d->source, VarSource::None);
          continue;
        }
        ASSERT_EQ(d->source, VarSource::Dwarf) << entry.path() << " " << s.name;
        auto files = sourceCandidates(o, id, kSourceDirs);
        if (files.empty()) continue;
        auto src = readSourceVars(o, id, files[0]);
        ASSERT_TRUE(src) << src.error().message;
        if (src->source != VarSource::GoSource) continue;
        // A generic function's instantiation (`main.f[go.shape.int_0]`) has the dictionary as
        // its first parameter and shape types where the source says `T`: compare the rest by
        // role and name.
        bool instance = s.name.find('[') != std::string::npos;
        auto signature = [instance](const FuncVars& fv, bool skipBlank) {
          std::vector<std::string> out;
          for (const auto& v : fv.vars)
            if (v.role != VarRole::Local && !(skipBlank && v.name == "_") &&
                !(instance && v.name == ".dict"))
              out.push_back(std::string(roleName(v.role)) + " " + v.name +
                            (instance ? "" : " " + v.type));
          return out;
        };
        auto dw = signature(*d, false), sv = signature(*src, true);
        if (mode == "nl") {
          EXPECT_EQ(dw, sv) << entry.path() << " " << s.name;
        } else {
          auto it = sv.begin();
          for (const auto& x : dw) {
            it = std::find(it, sv.end(), x);
            ASSERT_NE(it, sv.end()) << entry.path() << " " << s.name << ": " << x;
          }
        }
        ++compared;
      }
    }
  }
  if (GetParam() != "go1.15") {
    EXPECT_GT(compared, 50);
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, VarsEveryVersion, ::testing::ValuesIn(kVersions));

TEST(VarsFixtures, RegisterParamsHaveLocationLists) {
  auto o = load("go1.24/nl/methods.o");
  ASSERT_TRUE(o);
  auto f = o->findFunction("main.(*T).Inc");
  ASSERT_TRUE(f);
  auto fv = readDwarfVars(*o, *f);
  ASSERT_TRUE(fv) << fv.error().message;
  ASSERT_EQ(fv->vars.size(), 2u) << describe(*fv);
  const VarInfo& t = fv->vars[0];
  const VarInfo& k = fv->vars[1];
  EXPECT_EQ(t.name, "t");
  EXPECT_EQ(t.type, "*main.T");
  EXPECT_EQ(k.name, "k");
  EXPECT_EQ(k.type, "int");
  // [entry, spill) in RAX / RBX, then the spill slots at CFA+0 and CFA+8.
  ASSERT_EQ(t.locations.size(), 2u);
  ASSERT_EQ(k.locations.size(), 2u);
  EXPECT_EQ(t.locations[0].kind, VarLocation::Kind::Register);
  EXPECT_EQ(t.locations[0].reg, 0);
  EXPECT_EQ(k.locations[0].reg, 3);
  EXPECT_EQ(t.locations[0].lo, 0u);
  EXPECT_EQ(t.locations[0].hi, t.locations[1].lo);
  EXPECT_EQ(t.locations[1].kind, VarLocation::Kind::CfaOffset);
  EXPECT_EQ(t.locations[1].offset, 0);
  EXPECT_EQ(k.locations[1].offset, 8);
  EXPECT_GT(t.locations[1].hi, t.locations[1].lo);
}

TEST(VarsFixtures, Go115MethodsFromSourceWithAbi0Offsets) {
  auto o = load("go1.15/nl/methods.o");
  ASSERT_TRUE(o);
  auto check = [&](const char* fn, const char* want) {
    auto id = o->findFunction(fn);
    ASSERT_TRUE(id) << fn;
    EXPECT_EQ(describe(functionVars(*o, *id, kSourceDirs)), want) << fn;
  };
  check("main.T.Val", "source: param t main.T @cfa0; result ~r0 int @cfa8;");
  check("main.(*T).Inc", "source: param t *main.T @cfa0; param k int @cfa8;");
  // The compiler's pointer wrapper of a value method: M's signature with a *T receiver.
  check("main.(*T).Val", "source: param .this *main.T @cfa0; result ~r0 int @cfa8;");
  check("main.T.Record-fm", "none:");
}

TEST(VarsFixtures, Go115SourceOffsetsFollowAbi0) {
  auto o = load("go1.15/nl/divzero.o");
  ASSERT_TRUE(o);
  auto id = o->findFunction("safeDiv");
  ASSERT_TRUE(id);
  EXPECT_EQ(describe(functionVars(*o, *id, kSourceDirs)),
            "source: param a int @cfa0; param b int @cfa8; result q int @cfa16; "
            "result ok bool @cfa24;");
}

TEST(VarsFixtures, SourceFoundNextToTheObject) {
  fs::path dir = fs::temp_directory_path() / ("godefer-vars-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::copy_file(fixture("go1.15/nl/deferr.o"), dir / "deferr.o",
                fs::copy_options::overwrite_existing);
  auto o = loadFile((dir / "deferr.o").string());
  ASSERT_TRUE(o);
  auto c = (*o)->findFunction("c");
  ASSERT_TRUE(c);
  FuncVars none = functionVars(**o, *c, {});
  EXPECT_EQ(none.source, VarSource::None);
  EXPECT_FALSE(none.warning.empty());

  fs::copy_file(std::string(GODEFER_SOURCE_DIR) + "/tests/programs/deferr.go", dir / "deferr.go",
                fs::copy_options::overwrite_existing);
  FuncVars fv = functionVars(**o, *c, {});
  EXPECT_EQ(fv.source, VarSource::GoSource);
  EXPECT_EQ(fs::path(fv.sourceFile), dir / "deferr.go");
  fs::remove_all(dir);
}

TEST(VarsFixtures, SeedListingUsesTheSourceBesideIt) {
  auto o = load("seed/deferr-objdump.txt");
  ASSERT_TRUE(o);
  auto c = o->findFunction("c");
  ASSERT_TRUE(c);
  EXPECT_EQ(describe(functionVars(*o, *c, {})), "source: result i int @cfa0;");
}

// ---------------------------------------------------------------------------------------------
// Malformed DWARF: cut and corrupted copies of real aux symbols give errors, never crashes.

namespace {

struct DwarfCase {
  std::string file, func;
};

void truncateEverywhere(const DwarfCase& dc, bool loc) {
  auto o = load(dc.file);
  ASSERT_TRUE(o);
  auto id = o->findFunction(dc.func);
  ASSERT_TRUE(id);
  const FuncInfo& fi = *o->sym(*id).func;
  SymId target = loc ? fi.dwarfLoc : fi.dwarfInfo;
  ASSERT_NE(target, kNoSym);
  const std::vector<uint8_t> full = o->sym(target).data;
  ASSERT_TRUE(readDwarfVars(*o, *id)) << "intact copy must parse";
  for (size_t n = loc ? 0 : 1; n < full.size(); ++n) {
    o->sym(target).data.assign(full.begin(), full.begin() + n);
    auto r = readDwarfVars(*o, *id);
    EXPECT_FALSE(r) << dc.file << " " << (loc ? "loc" : "info") << " cut to " << n << " bytes";
    if (!r) {
      EXPECT_NE(r.error().message.find(dc.file.substr(dc.file.rfind('/') + 1)), std::string::npos);
      EXPECT_NE(r.error().message.find("+0x"), std::string::npos) << r.error().message;
    }
  }
}

} // namespace

TEST(VarsMalformed, TruncatedInfoIsAnError) {
  truncateEverywhere({"go1.24/nl/deferr.o", "c"}, false);
  truncateEverywhere({"go1.19/nl/methods.o", "main.T.Record"}, false);
  truncateEverywhere({"go1.23/opt/closures.o", "table"}, false);
}

TEST(VarsMalformed, TruncatedLocationListIsAnError) {
  truncateEverywhere({"go1.24/nl/methods.o", "main.(*T).Inc"}, true);
  truncateEverywhere({"go1.21/opt/closures.o", "table"}, true);
}

TEST(VarsMalformed, CorruptBytesNeverCrash) {
  // Objects whose functions carry DWARF aux symbols (Go 1.16+; Go 1.15 variables come from the
  // source).
  for (const char* file : {"go1.19/nl/deferr.o", "go1.22/opt/closures.o", "go1.24/nl/methods.o",
                           "go1.25/opt/strings.o", "go1.27/nl/slices.o"}) {
    auto o = load(file);
    ASSERT_TRUE(o);
    std::string base = std::string(file).substr(std::string(file).rfind('/') + 1);
    size_t accepted = 0, rejected = 0;
    for (SymId id = 0; id < o->symbols.size(); ++id) {
      const Symbol& s = o->symbols[id];
      if (!s.isText() || !s.func || s.func->dwarfInfo == kNoSym) continue;
      for (SymId target : {s.func->dwarfInfo, s.func->dwarfLoc, s.func->dwarfRanges}) {
        if (target == kNoSym) continue;
        size_t size = o->sym(target).data.size();
        for (size_t at = 0; at < size; ++at) {
          uint8_t saved = o->sym(target).data[at];
          for (uint8_t v : {uint8_t(0x00), uint8_t(0x7f), uint8_t(0x80), uint8_t(0xff)}) {
            o->sym(target).data[at] = v;
            // Either variables (the byte may be a value: a name's letter, an offset) or an
            // error that names the file and the offset of what could not be read.
            auto r = readDwarfVars(*o, id);
            if (r) {
              accepted++;
              continue;
            }
            rejected++;
            ASSERT_NE(r.error().message.find(base), std::string::npos) << r.error().message;
            ASSERT_NE(r.error().message.find("+0x"), std::string::npos) << r.error().message;
          }
          // The fallback answers in every case: DWARF, or the source with a warning.
          FuncVars fv = functionVars(*o, id, kSourceDirs);
          if (fv.source != VarSource::Dwarf) {
            EXPECT_FALSE(fv.warning.empty()) << file;
          }
          o->sym(target).data[at] = saved;
        }
      }
    }
    EXPECT_GT(rejected, 0u) << file << ": no corruption was noticed";
    EXPECT_GT(accepted, 0u) << file;
  }
}

TEST(VarsMalformed, FallsBackToSourceWithAWarning) {
  auto o = load("go1.24/nl/deferr.o");
  ASSERT_TRUE(o);
  auto c = o->findFunction("c");
  ASSERT_TRUE(c);
  Object copy = *o;
  copy.sym(copy.sym(*c).func->dwarfInfo).data[0] = 0x7f; // no such abbrev code
  auto bad = readDwarfVars(copy, *c);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("abbrev code 127"), std::string::npos) << bad.error().message;
  FuncVars fv = functionVars(copy, *c, kSourceDirs);
  EXPECT_EQ(fv.source, VarSource::GoSource);
  EXPECT_NE(fv.warning.find("DWARF unreadable"), std::string::npos);
  ASSERT_EQ(fv.vars.size(), 1u);
  EXPECT_EQ(fv.vars[0].name, "i");
  EXPECT_TRUE(fv.vars[0].locations.empty()); // register ABI: the source gives no places
}

// ---------------------------------------------------------------------------------------------
// Hand-built DWARF in a synthetic object: the shapes the fixtures do not cover.

namespace {

class DwarfBuilder {
public:
  explicit DwarfBuilder(const char* version, const char* goos = "linux") {
    obj_.symbols.reserve(256); // tests hold references into symbol data while adding symbols
    obj_.path = "synthetic.o";
    obj_.profile = profileByName(version);
    obj_.header.goos = goos;
    obj_.header.goarch = "amd64";
    obj_.header.packageMain = true;
    obj_.files = {"x.go"};
    Symbol fn;
    fn.name = "main.f";
    fn.kind = SymKind::Text;
    fn.data.assign(0x100, 0x90);
    fn.func.emplace();
    fn.func->dwarfInfo = 1;
    fn.func->dwarfLoc = 2;
    fn.func->dwarfRanges = 3;
    obj_.symbols.push_back(fn);
    for (auto k : {SymKind::DwarfInfo, SymKind::DwarfLoc, SymKind::DwarfRange}) {
      Symbol s;
      s.kind = k;
      obj_.symbols.push_back(s);
    }
    table_ = dwarf::abbrevTableFor(obj_.profile->minor);
  }

  std::vector<uint8_t>& info() { return obj_.symbols[1].data; }
  std::vector<uint8_t>& loc() { return obj_.symbols[2].data; }
  std::vector<uint8_t>& ranges() { return obj_.symbols[3].data; }

  // A symbol (a type DIE name such as "go:info.int", or another DWARF symbol).
  SymId sym(const std::string& name, SymOrigin origin = SymOrigin::NonPkgRef) {
    for (SymId i = 0; i < obj_.symbols.size(); ++i)
      if (obj_.symbols[i].name == name && !name.empty()) return i;
    Symbol s;
    s.name = name;
    s.origin = origin;
    obj_.symbols.push_back(s);
    return SymId(obj_.symbols.size() - 1);
  }

  void code(std::vector<uint8_t>& d, std::string_view abbrev) {
    for (size_t c = 1; c < table_->byCode.size(); ++c)
      if (table_->byCode[c].name == abbrev) return uleb(d, c);
    ADD_FAILURE() << "no abbrev " << abbrev;
  }
  static void uleb(std::vector<uint8_t>& d, uint64_t v) {
    do {
      uint8_t b = v & 0x7f;
      v >>= 7;
      d.push_back(b | (v ? 0x80 : 0));
    } while (v);
  }
  static void sleb(std::vector<uint8_t>& d, int64_t v) {
    for (;;) {
      uint8_t b = v & 0x7f;
      v >>= 7;
      bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
      d.push_back(b | (done ? 0 : 0x80));
      if (done) return;
    }
  }
  static void str(std::vector<uint8_t>& d, std::string_view s) {
    d.insert(d.end(), s.begin(), s.end());
    d.push_back(0);
  }
  static void fixed(std::vector<uint8_t>& d, uint64_t v, int n) {
    for (int i = 0; i < n; ++i)
      d.push_back(i < 8 ? uint8_t(v >> (8 * i)) : 0);
  }
  // A relocated field of `n` bytes in symbol `in`.
  void reloc(SymId in, int n, RelocKind kind, SymId target, int64_t add, uint64_t raw = 0) {
    auto& d = obj_.symbols[in].data;
    Reloc r;
    r.off = int32_t(d.size());
    r.size = uint8_t(n);
    r.kind = kind;
    r.sym = target;
    r.add = add;
    obj_.symbols[in].relocs.push_back(r);
    fixed(d, raw, n);
  }
  void typeRef(SymId in, const std::string& type) {
    reloc(in, 4, RelocKind::DwarfSecRef, sym(type), 0);
  }
  static std::vector<uint8_t> expr(std::initializer_list<int> bytes) {
    return std::vector<uint8_t>(bytes.begin(), bytes.end());
  }
  void block1(SymId in, const std::vector<uint8_t>& e) {
    auto& d = obj_.symbols[in].data;
    d.push_back(uint8_t(e.size()));
    d.insert(d.end(), e.begin(), e.end());
  }

  // DWARF 5 forms (Go 1.25+ off darwin/ios/aix): low_pc addrx, high_pc udata, LLE/RLE lists.
  bool dwarf5() const {
    return usesDwarf5(*obj_.profile, obj_.header.goos, obj_.header.experiments);
  }
  // An addrx slot naming `target`: `addrxWidth` zero bytes under R_DWTXTADDR_U<width>.
  void addrx(SymId in, SymId target = 0) {
    reloc(in, addrxWidth, RelocKind::DwarfTextAddr, target, 0);
  }
  // low_pc/high_pc of [lo, hi) from the function entry in the release's forms.
  void pcRange(uint64_t lo, uint64_t hi) {
    if (dwarf5()) {
      ASSERT_EQ(lo, 0u) << "Go's DWARF 5 DIEs start at a function's entry";
      addrx(1);
      uleb(info(), hi - lo);
      return;
    }
    reloc(1, 8, RelocKind::Addr, 0, int64_t(lo));
    reloc(1, 8, RelocKind::Addr, 0, int64_t(hi));
  }

  // FUNCTION: name, low_pc, high_pc, frame_base, decl_file, [decl_line], external.
  void function(int line = 5) {
    auto& d = info();
    code(d, "FUNCTION");
    str(d, "main.f");
    pcRange(0, 0x100);
    block1(1, {0x9c});
    fixed(d, 1, 4);
    if (obj_.profile->minor >= 21) uleb(d, uint64_t(line));
    d.push_back(1);
  }
  // PARAM / PARAM_LOCLIST / AUTO / AUTO_LOCLIST with a block1 or a location-list offset.
  void var(bool param, const std::string& name, const std::string& type, int line,
           std::optional<std::vector<uint8_t>> block, int64_t locOffset = 0, bool result = false) {
    auto& d = info();
    code(d, std::string(param ? "PARAM" : "AUTO") + (block ? "" : "_LOCLIST"));
    str(d, name);
    if (param) d.push_back(result ? 1 : 0);
    uleb(d, uint64_t(line));
    typeRef(1, type);
    if (block)
      block1(1, *block);
    else
      reloc(1, 4, RelocKind::DwarfSecRef, 2, locOffset);
  }
  void end() { info().push_back(0); }

  Object& obj() { return obj_; }
  gd::Expected<FuncVars> read() { return readDwarfVars(obj_, 0); }

  int addrxWidth = 1; // R_DWTXTADDR_U1..U4: from the package's function count

private:
  Object obj_;
  const dwarf::AbbrevTable* table_ = nullptr;
};

std::vector<uint8_t> le64(uint64_t v) {
  std::vector<uint8_t> d;
  DwarfBuilder::fixed(d, v, 8);
  return d;
}

} // namespace

TEST(VarsSynthetic, RolesOrderTypesAndExpressions) {
  for (const char* version : {"go1.15", "go1.19", "go1.21", "go1.23", "go1.24"}) {
    DwarfBuilder b(version);
    b.function(9);
    // Emitted out of order on purpose: the reader returns params, results, then locals.
    b.var(false, "tmp", "go:info.string", 11, DwarfBuilder::expr({0x91, 0x50})); // fbreg -48
    b.var(true, "r", "go:info.int", 9, DwarfBuilder::expr({0x91, 0x60}), 0, true);
    b.var(true, "s", "go.info.string", 9,
          DwarfBuilder::expr({0x50, 0x93, 0x08, 0x53, 0x93, 0x08})); // RAX piece 8, RBX piece 8
    b.var(true, "x", "go:info.float64", 9, DwarfBuilder::expr({0x90, 0x11})); // regx 17 (X0)
    b.var(false, "gone", "go:info.int", 12, DwarfBuilder::expr({}));          // no location
    b.var(false, "odd", "go:info.int", 13, DwarfBuilder::expr({0x70, 0x08})); // breg0: not Go's
    b.end();
    auto fv = b.read();
    ASSERT_TRUE(fv) << version << ": " << fv.error().message;
    EXPECT_EQ(fv->source, VarSource::Dwarf);
    EXPECT_EQ(fv->sourceFile, "x.go");
    ASSERT_EQ(fv->vars.size(), 6u);
    const auto& v = fv->vars;
    EXPECT_EQ(v[0].name, "s");
    EXPECT_EQ(v[0].type, "string");
    EXPECT_EQ(v[0].role, VarRole::Param);
    ASSERT_EQ(v[0].locations.size(), 1u);
    ASSERT_EQ(v[0].locations[0].pieces.size(), 2u);
    EXPECT_EQ(v[0].locations[0].kind, VarLocation::Kind::Register);
    EXPECT_EQ(v[0].locations[0].reg, 0);
    EXPECT_EQ(v[0].locations[0].pieces[1].reg, 3);
    EXPECT_EQ(v[0].locations[0].pieces[1].size, 8u);
    EXPECT_EQ(v[1].name, "x");
    EXPECT_EQ(v[1].locations.at(0).reg, 17);
    EXPECT_EQ(v[2].name, "r");
    EXPECT_EQ(v[2].role, VarRole::Result);
    EXPECT_EQ(v[2].locations.at(0).offset, -32);
    EXPECT_EQ(v[3].name, "tmp");
    EXPECT_EQ(v[3].role, VarRole::Local);
    EXPECT_EQ(v[3].declLine, 11);
    EXPECT_EQ(v[3].locations.at(0).kind, VarLocation::Kind::CfaOffset);
    EXPECT_EQ(v[3].locations.at(0).offset, -48);
    EXPECT_TRUE(v[4].locations.empty());
    EXPECT_TRUE(v[5].locations.empty());
  }
}

TEST(VarsSynthetic, LocationListWithBaseAddressAndScopes) {
  DwarfBuilder b("go1.24");
  b.function();
  b.var(true, "n", "go:info.int", 5, std::nullopt, 0);
  // Lexical block [0x20, 0x40) with a local; an inlined call whose variables are the callee's.
  b.code(b.info(), "LEXICAL_BLOCK_SIMPLE");
  b.reloc(1, 8, RelocKind::Addr, 0, 0x20);
  b.reloc(1, 8, RelocKind::Addr, 0, 0x40);
  b.var(false, "k", "go:info.int", 7, DwarfBuilder::expr({0x91, 0x68}));
  b.end();
  b.code(b.info(), "LEXICAL_BLOCK_RANGES");
  b.reloc(1, 4, RelocKind::DwarfSecRef, 3, 0);
  b.var(false, "m", "go:info.int", 8, DwarfBuilder::expr({0x9c}));
  b.end();
  b.code(b.info(), "INLINED_SUBROUTINE");
  b.reloc(1, 4, RelocKind::DwarfSecRef, b.sym("go:info.main.g$abstract"), 0);
  b.reloc(1, 8, RelocKind::Addr, 0, 0x50);
  b.reloc(1, 8, RelocKind::Addr, 0, 0x60);
  DwarfBuilder::fixed(b.info(), 1, 4);
  DwarfBuilder::uleb(b.info(), 30);
  b.var(false, "calleeLocal", "go:info.int", 30, DwarfBuilder::expr({0x9c}));
  b.end();
  b.end();

  // loc: base entry (~0, R_ADDR f+0), [0,0x10) RAX, [0x10,0x100) cfa+0, terminator.
  auto& loc = b.loc();
  auto put = [&](std::vector<uint8_t> v) { loc.insert(loc.end(), v.begin(), v.end()); };
  put(le64(~uint64_t(0)));
  b.reloc(2, 8, RelocKind::Addr, 0, 0);
  put(le64(0)), put(le64(0x10)), DwarfBuilder::fixed(loc, 1, 2), loc.push_back(0x50);
  put(le64(0x10)), put(le64(0x100)), DwarfBuilder::fixed(loc, 1, 2), loc.push_back(0x9c);
  put(le64(0)), put(le64(0));
  // ranges: base entry, [0x70,0x78), [0x90,0x98), terminator.
  auto& rg = b.ranges();
  rg.insert(rg.end(), 8, 0xff);
  b.reloc(3, 8, RelocKind::Addr, 0, 0);
  for (uint64_t v : {0x70, 0x78, 0x90, 0x98, 0, 0})
    DwarfBuilder::fixed(rg, v, 8);

  auto fv = b.read();
  ASSERT_TRUE(fv) << fv.error().message;
  ASSERT_EQ(fv->vars.size(), 3u) << describe(*fv);
  const VarInfo& n = fv->vars[0];
  ASSERT_EQ(n.locations.size(), 2u);
  EXPECT_EQ(n.locations[0].lo, 0u);
  EXPECT_EQ(n.locations[0].hi, 0x10u);
  EXPECT_EQ(n.locations[0].kind, VarLocation::Kind::Register);
  EXPECT_EQ(n.locations[1].lo, 0x10u);
  EXPECT_EQ(n.locations[1].hi, 0x100u);
  EXPECT_EQ(n.locations[1].kind, VarLocation::Kind::CfaOffset);
  const VarInfo& k = fv->vars[1];
  EXPECT_EQ(k.name, "k");
  ASSERT_EQ(k.locations.size(), 1u);
  EXPECT_EQ(k.locations[0].lo, 0x20u);
  EXPECT_EQ(k.locations[0].hi, 0x40u);
  EXPECT_EQ(k.locations[0].offset, -24);
  const VarInfo& m = fv->vars[2];
  ASSERT_EQ(m.locations.size(), 2u);
  EXPECT_EQ(m.locations[0].lo, 0x70u);
  EXPECT_EQ(m.locations[1].hi, 0x98u);
}

TEST(VarsSynthetic, DarwinListsUseCuRelativeAddresses) {
  DwarfBuilder b("go1.15", "darwin");
  b.function();
  b.var(true, "a", "go.info.int", 5, std::nullopt, 0);
  // An inlined call: its call_line is data4 on darwin (udata_pseudo), not udata.
  b.code(b.info(), "INLINED_SUBROUTINE");
  b.reloc(1, 4, RelocKind::DwarfSecRef, b.sym("go.info.main.g$abstract"), 0);
  b.reloc(1, 8, RelocKind::Addr, 0, 0x50);
  b.reloc(1, 8, RelocKind::Addr, 0, 0x60);
  DwarfBuilder::fixed(b.info(), 1, 4);
  DwarfBuilder::fixed(b.info(), 0x80, 4); // would end the list early if read as udata
  b.end();
  b.var(false, "after", "go.info.bool", 6, DwarfBuilder::expr({0x91, 0x70}));
  b.end();
  // No base entry: each address is an R_ADDRCUOFF to the function with the pc in Add.
  b.reloc(2, 8, RelocKind::AddrCuOff, 0, 0x4);
  b.reloc(2, 8, RelocKind::AddrCuOff, 0, 0x30);
  DwarfBuilder::fixed(b.loc(), 2, 2);
  b.loc().push_back(0x91), b.loc().push_back(0x08);
  DwarfBuilder::fixed(b.loc(), 0, 16);
  auto fv = b.read();
  ASSERT_TRUE(fv) << fv.error().message;
  ASSERT_EQ(fv->vars.size(), 2u) << describe(*fv);
  ASSERT_EQ(fv->vars[0].locations.size(), 1u);
  EXPECT_EQ(fv->vars[0].locations[0].lo, 0x4u);
  EXPECT_EQ(fv->vars[0].locations[0].hi, 0x30u);
  EXPECT_EQ(fv->vars[0].locations[0].offset, 8);
  EXPECT_EQ(fv->vars[1].name, "after");
  EXPECT_EQ(fv->vars[1].type, "bool");
}

TEST(VarsSynthetic, AbstractOriginsAndDictionaryTypes) {
  DwarfBuilder b("go1.24");
  // The abstract function (another DWARF symbol of the object) holds names and types.
  SymId abs = b.sym("go:info.main.f$abstract", SymOrigin::Defined);
  auto& ad = b.obj().symbols[abs].data;
  b.code(ad, "FUNCTION_ABSTRACT");
  DwarfBuilder::str(ad, "main.f");
  ad.push_back(1);
  DwarfBuilder::uleb(ad, 42);
  ad.push_back(1);
  uint32_t paramAt = uint32_t(ad.size());
  b.code(ad, "PARAM_ABSTRACT");
  DwarfBuilder::str(ad, "p");
  ad.push_back(0);
  b.typeRef(abs, "go:info.*main.T");
  ad.push_back(0);

  auto& d = b.info();
  b.code(d, "FUNCTION_CONCRETE");
  b.reloc(1, 4, RelocKind::DwarfSecRef, abs, 0);
  b.reloc(1, 8, RelocKind::Addr, 0, 0);
  b.reloc(1, 8, RelocKind::Addr, 0, 0x100);
  b.block1(1, {0x9c});
  // A dictionary typedef for a shape type, referenced by a variable below.
  uint32_t dictAt = uint32_t(d.size());
  b.code(d, "DICT_INDEX");
  DwarfBuilder::str(d, ".param0");
  b.typeRef(1, "go:info.go.shape.int");
  DwarfBuilder::uleb(d, 0);
  b.code(d, "PARAM_CONCRETE");
  b.reloc(1, 4, RelocKind::DwarfSecRef, abs, paramAt);
  b.block1(1, {0x50});
  b.code(d, "AUTO");
  DwarfBuilder::str(d, "v");
  DwarfBuilder::uleb(d, 43);
  b.reloc(1, 4, RelocKind::DwarfSecRef, 1, dictAt);
  b.block1(1, {0x91, 0x58});
  b.end();

  auto fv = b.read();
  ASSERT_TRUE(fv) << fv.error().message;
  ASSERT_EQ(fv->vars.size(), 2u) << describe(*fv);
  EXPECT_EQ(fv->vars[0].name, "p");
  EXPECT_EQ(fv->vars[0].type, "*main.T");
  EXPECT_EQ(fv->vars[0].role, VarRole::Param);
  EXPECT_EQ(fv->vars[0].declLine, 42); // from the abstract function's line
  EXPECT_EQ(fv->vars[0].locations.at(0).reg, 0);
  EXPECT_EQ(fv->vars[1].name, "v");
  EXPECT_EQ(fv->vars[1].type, "go.shape.int");
}

TEST(VarsSynthetic, StructuralErrors) {
  {
    DwarfBuilder b("go1.24");
    b.function();
    b.var(true, "a", "go:info.int", 5, DwarfBuilder::expr({0x9c}));
    // no terminator
    auto r = b.read();
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("terminator"), std::string::npos) << r.error().message;
  }
  {
    DwarfBuilder b("go1.24");
    b.function();
    for (int i = 0; i < 100; ++i) {
      b.code(b.info(), "LEXICAL_BLOCK_SIMPLE");
      b.reloc(1, 8, RelocKind::Addr, 0, 0);
      b.reloc(1, 8, RelocKind::Addr, 0, 1);
    }
    for (int i = 0; i < 101; ++i)
      b.end();
    auto r = b.read();
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("nested"), std::string::npos) << r.error().message;
  }
  {
    DwarfBuilder b("go1.24");
    b.function();
    b.var(true, "a", "go:info.int", 5, std::nullopt, 0x40); // past the (empty) loc symbol
    b.end();
    auto r = b.read();
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("past the end"), std::string::npos) << r.error().message;
  }
  {
    DwarfBuilder b("go1.24");
    b.code(b.info(), "AUTO"); // a function's DWARF must start with its subprogram
    auto r = b.read();
    ASSERT_FALSE(r);
  }
  {
    DwarfBuilder b("go1.24");
    b.function();
    b.code(b.info(), "PARAM");
    DwarfBuilder::str(b.info(), "a");
    b.info().push_back(0);
    DwarfBuilder::uleb(b.info(), 5);
    b.typeRef(1, "go:info.int");
    b.info().push_back(3); // block1 of 3 bytes: fbreg with a cut sleb
    b.info().push_back(0x91);
    b.info().push_back(0x80);
    b.info().push_back(0x80);
    b.end();
    auto r = b.read();
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("location expression"), std::string::npos)
        << r.error().message;
  }
}

// ---------------------------------------------------------------------------------------------
// DWARF 5 (Go 1.25+ on linux): addrx/udata pcs, .debug_loclists and .debug_rnglists entries.

TEST(VarsSynthetic, Dwarf5ListsAndAddrxSlotsOfEveryWidth) {
  for (int width : {1, 2, 3, 4}) {
    SCOPED_TRACE("R_DWTXTADDR_U" + std::to_string(width));
    DwarfBuilder b("go1.25");
    ASSERT_TRUE(b.dwarf5());
    b.addrxWidth = width;
    b.function();
    b.var(true, "n", "go:info.int", 5, std::nullopt, 0);
    b.code(b.info(), "LEXICAL_BLOCK_RANGES");
    b.reloc(1, 4, RelocKind::DwarfSecRef, 3, 0);
    b.var(false, "m", "go:info.int", 8, DwarfBuilder::expr({0x9c}));
    b.end();
    // An inlined call (addrx + udata high_pc; call_line udata): skipped, but read through.
    b.code(b.info(), "INLINED_SUBROUTINE");
    b.reloc(1, 4, RelocKind::DwarfSecRef, b.sym("go:info.main.g$abstract"), 0);
    b.pcRange(0, 0x60);
    DwarfBuilder::fixed(b.info(), 1, 4);
    DwarfBuilder::uleb(b.info(), 300);
    b.var(false, "calleeLocal", "go:info.int", 30, DwarfBuilder::expr({0x9c}));
    b.end();
    b.var(false, "after", "go:info.int", 9, DwarfBuilder::expr({0x91, 0x68}));
    b.end();

    // loclist: base_addressx f, offset_pair [0,0x10) RAX, [0x10,0x100) cfa (ULEB lengths).
    auto& loc = b.loc();
    loc.push_back(0x01);
    b.addrx(2);
    for (auto [lo, hi, op] : {std::tuple{0x0, 0x10, 0x50}, {0x10, 0x100, 0x9c}}) {
      loc.push_back(0x04);
      DwarfBuilder::uleb(loc, uint64_t(lo));
      DwarfBuilder::uleb(loc, uint64_t(hi));
      DwarfBuilder::uleb(loc, 1);
      loc.push_back(uint8_t(op));
    }
    loc.push_back(0x00);
    // rnglist: base_addressx f, [0x70,0x78), [0x90,0xa0) (two-byte ULEBs), end_of_list.
    auto& rg = b.ranges();
    rg.push_back(0x01);
    b.addrx(3);
    for (auto [lo, hi] : {std::pair{0x70, 0x78}, {0x90, 0xa0}}) {
      rg.push_back(0x04);
      DwarfBuilder::uleb(rg, uint64_t(lo));
      DwarfBuilder::uleb(rg, uint64_t(hi));
    }
    rg.push_back(0x00);

    auto fv = b.read();
    ASSERT_TRUE(fv) << fv.error().message;
    ASSERT_EQ(fv->vars.size(), 3u) << describe(*fv);
    const VarInfo& n = fv->vars[0];
    ASSERT_EQ(n.locations.size(), 2u);
    EXPECT_EQ(n.locations[0].lo, 0u);
    EXPECT_EQ(n.locations[0].hi, 0x10u);
    EXPECT_EQ(n.locations[0].kind, VarLocation::Kind::Register);
    EXPECT_EQ(n.locations[1].lo, 0x10u);
    EXPECT_EQ(n.locations[1].hi, 0x100u);
    EXPECT_EQ(n.locations[1].kind, VarLocation::Kind::CfaOffset);
    const VarInfo& m = fv->vars[1];
    EXPECT_EQ(m.name, "m");
    ASSERT_EQ(m.locations.size(), 2u);
    EXPECT_EQ(m.locations[0].lo, 0x70u);
    EXPECT_EQ(m.locations[0].hi, 0x78u);
    EXPECT_EQ(m.locations[1].lo, 0x90u);
    EXPECT_EQ(m.locations[1].hi, 0xa0u);
    EXPECT_EQ(fv->vars[2].name, "after");
    ASSERT_EQ(fv->vars[2].locations.size(), 1u);
    EXPECT_EQ(fv->vars[2].locations[0].offset, -24);
  }
}

TEST(VarsSynthetic, Dwarf5IsOffOnDarwin) {
  // internal/buildcfg: dwarf5Supported excludes darwin, ios and aix; the DWARF 4 forms stay.
  DwarfBuilder b("go1.25", "darwin");
  EXPECT_FALSE(b.dwarf5());
  EXPECT_TRUE(usesDwarf5(*profileByName("go1.27"), "linux"));
  EXPECT_FALSE(usesDwarf5(*profileByName("go1.27"), "aix"));
  EXPECT_FALSE(usesDwarf5(*profileByName("go1.24"), "linux"));
  // The object header's experiment list decides when there is one (GOEXPERIMENT=nodwarf5).
  EXPECT_TRUE(
      usesDwarf5(*profileByName("go1.25"), "linux",
                 "regabiwrappers,regabiargs,aliastypeparams,swissmap,synchashtriemap,dwarf5"));
  EXPECT_FALSE(usesDwarf5(*profileByName("go1.25"), "linux",
                          "regabiwrappers,regabiargs,aliastypeparams,swissmap,synchashtriemap"));
  EXPECT_FALSE(usesDwarf5(*profileByName("go1.24"), "linux", "dwarf5"));
  b.function();
  b.var(true, "a", "go:info.int", 5, DwarfBuilder::expr({0x9c}));
  b.end();
  auto fv = b.read();
  ASSERT_TRUE(fv) << fv.error().message;
  ASSERT_EQ(fv->vars.size(), 1u);
  EXPECT_EQ(fv->vars[0].name, "a");
  EXPECT_EQ(dwarf::expandForm(dwarf::Form::LoPcPseudo, "linux", true), dwarf::Form::Addrx);
  EXPECT_EQ(dwarf::expandForm(dwarf::Form::HiPcPseudo, "linux", true), dwarf::Form::Udata);
  EXPECT_EQ(dwarf::expandForm(dwarf::Form::LoPcPseudo, "darwin", false), dwarf::Form::Addr);
  EXPECT_EQ(dwarf::expandForm(dwarf::Form::HiPcPseudo, "darwin", false), dwarf::Form::Addr);
}

TEST(VarsSynthetic, Dwarf5MalformedListsAreErrors) {
  auto withLoc = [](auto fill) {
    DwarfBuilder b("go1.26");
    b.function();
    b.var(true, "n", "go:info.int", 5, std::nullopt, 0);
    b.end();
    fill(b);
    return b.read();
  };
  auto expectError = [](const gd::Expected<FuncVars>& r, std::string_view what) {
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find(what), std::string::npos) << r.error().message;
  };
  // No end_of_list.
  expectError(withLoc([](DwarfBuilder& b) {
                b.loc().push_back(0x01);
                b.addrx(2);
              }),
              "end_of_list");
  // An offset pair before any base address.
  expectError(withLoc([](DwarfBuilder& b) {
                for (int v : {0x04, 0x00, 0x10, 0x01, 0x50, 0x00})
                  b.loc().push_back(uint8_t(v));
              }),
              "before any base_addressx");
  // A base address naming another function.
  expectError(withLoc([](DwarfBuilder& b) {
                b.loc().push_back(0x01);
                b.addrx(2, b.sym("main.other"));
                b.loc().push_back(0x00);
              }),
              "not the function");
  // An addrx slot under a relocation that is not R_DWTXTADDR_Ux.
  expectError(withLoc([](DwarfBuilder& b) {
                b.loc().push_back(0x01);
                b.reloc(2, 4, RelocKind::DwarfSecRef, 0, 0);
                b.loc().push_back(0x00);
              }),
              "not R_DWTXTADDR");
  // An entry kind Go does not write (DW_LLE_startx_length).
  expectError(withLoc([](DwarfBuilder& b) { b.loc().push_back(0x03); }), "kind 0x3");
  // A truncated expression length.
  expectError(withLoc([](DwarfBuilder& b) {
                b.loc().push_back(0x01);
                b.addrx(2);
                for (int v : {0x04, 0x00, 0x10, 0x05, 0x50})
                  b.loc().push_back(uint8_t(v));
              }),
              "truncated");
}

// Optimised code keeps parameters in registers, then spills them: DWARF 5 location lists.
class VarsDwarf5Fixtures : public ::testing::TestWithParam<std::string> {};

TEST_P(VarsDwarf5Fixtures, OptimisedFunctionReadsItsLoclists) {
  auto o = load(GetParam() + "/opt/strings.o");
  ASSERT_TRUE(o);
  ASSERT_TRUE(usesDwarf5(*o->profile, o->header.goos));
  auto f = o->findFunction("main.repeat");
  ASSERT_TRUE(f);
  const auto& fi = o->sym(*f).func;
  ASSERT_TRUE(fi && fi->dwarfLoc != kNoSym);
  // The list symbol is in .debug_loclists form: DW_LLE_base_addressx + R_DWTXTADDR_Ux slot.
  const Symbol& loc = o->sym(fi->dwarfLoc);
  ASSERT_FALSE(loc.data.empty());
  EXPECT_EQ(loc.data[0], 0x01);
  ASSERT_FALSE(loc.relocs.empty());
  EXPECT_EQ(loc.relocs[0].kind, RelocKind::DwarfTextAddr);
  EXPECT_EQ(loc.relocs[0].off, 1);
  EXPECT_EQ(loc.relocs[0].sym, *f);

  auto fv = readDwarfVars(*o, *f);
  ASSERT_TRUE(fv) << fv.error().message;
  ASSERT_EQ(fv->source, VarSource::Dwarf);
  auto byName = [&](const std::string& n) -> const VarInfo* {
    for (const auto& v : fv->vars)
      if (v.name == n) return &v;
    return nullptr;
  };
  // func repeat(s string, n int) string: s arrives in RAX (+RBX), n in RCX (DWARF reg 2),
  // s is spilled to its argument slot at CFA+0 later.
  const VarInfo* s = byName("s");
  const VarInfo* n = byName("n");
  ASSERT_TRUE(s && n) << describe(*fv);
  EXPECT_EQ(s->role, VarRole::Param);
  EXPECT_EQ(s->type, "string");
  EXPECT_EQ(n->type, "int");
  ASSERT_GE(s->locations.size(), 2u) << describe(*fv);
  EXPECT_EQ(s->locations[0].lo, 0u);
  EXPECT_EQ(s->locations[0].kind, VarLocation::Kind::Register);
  EXPECT_EQ(s->locations[0].reg, 0);
  EXPECT_EQ(s->locations.back().kind, VarLocation::Kind::CfaOffset);
  EXPECT_EQ(s->locations.back().offset, 0);
  ASSERT_FALSE(n->locations.empty());
  EXPECT_EQ(n->locations[0].lo, 0u);
  EXPECT_EQ(n->locations[0].reg, 2);
  uint64_t size = o->sym(*f).size;
  for (const auto& v : fv->vars) {
    uint32_t prev = 0;
    for (const auto& l : v.locations) {
      EXPECT_LT(l.lo, l.hi) << v.name;
      EXPECT_LE(l.hi, size) << v.name;
      EXPECT_GE(l.lo, prev) << v.name;
      prev = l.lo;
    }
  }
}

TEST_P(VarsDwarf5Fixtures, LexicalBlocksReadTheirRnglists) {
  // -N -l: `i` of growInts' loop lives in a lexical block whose pcs are a DWARF 5 range list.
  auto o = load(GetParam() + "/nl/slices.o");
  ASSERT_TRUE(o);
  auto f = o->findFunction("main.growInts");
  ASSERT_TRUE(f);
  const auto& fi = o->sym(*f).func;
  ASSERT_TRUE(fi && fi->dwarfRanges != kNoSym);
  ASSERT_FALSE(o->sym(fi->dwarfRanges).data.empty());
  EXPECT_EQ(o->sym(fi->dwarfRanges).data[0], 0x01); // DW_RLE_base_addressx
  auto fv = readDwarfVars(*o, *f);
  ASSERT_TRUE(fv) << fv.error().message;
  const VarInfo* i = nullptr;
  for (const auto& v : fv->vars)
    if (v.name == "i") i = &v;
  ASSERT_TRUE(i) << describe(*fv);
  ASSERT_EQ(i->locations.size(), 1u);
  EXPECT_GT(i->locations[0].lo, 0u);
  EXPECT_LT(i->locations[0].lo, i->locations[0].hi);
  EXPECT_LE(i->locations[0].hi, o->sym(*f).size);
  EXPECT_EQ(i->locations[0].kind, VarLocation::Kind::CfaOffset);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, VarsDwarf5Fixtures,
                         ::testing::Values("go1.25", "go1.26", "go1.27"));

TEST(VarsSynthetic, NoDwarfIsNotAnError) {
  DwarfBuilder b("go1.15");
  auto r = b.read(); // info symbol is empty
  ASSERT_TRUE(r);
  EXPECT_EQ(r->source, VarSource::None);
  b.obj().symbols[0].func->dwarfInfo = kNoSym;
  r = b.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->source, VarSource::None);
}

// ---------------------------------------------------------------------------------------------
// The Go source reader.

TEST(GoSource, SymbolNames) {
  using K = gosrc::FuncRef::Kind;
  struct Case {
    const char* sym;
    K kind;
    const char* name;
    const char* recv;
    bool ptr;
  } cases[] = {
      {"\"\".c", K::Function, "c", "", false},
      {"main.c", K::Function, "c", "", false},
      {"main.(*T).M", K::Method, "M", "T", true},
      {"main.T.M", K::Method, "M", "T", false},
      {"\"\".(*T).M", K::Method, "M", "T", true},
      {"example.com/a/pkg.F", K::Function, "F", "", false},
      {"main.Sum[go.shape.int]", K::Function, "Sum", "", false},
      {"main.(*Pair[go.shape.string,go.shape.int]).Key", K::Method, "Key", "Pair", true},
      {"main.c.func1", K::NoSource, "", "", false},
      {"\"\".c.func1.1", K::NoSource, "", "", false},
      {"main.c.deferwrap1", K::NoSource, "", "", false},
      {"main.init.0", K::NoSource, "", "", false},
      {"main.glob..func1", K::NoSource, "", "", false},
      {"main.T.M-fm", K::NoSource, "", "", false},
      {"main.(*T).M.func2", K::NoSource, "", "", false},
      {"type:.eq.main.T", K::NoSource, "", "", false},
      {"type..eq.\"\".T", K::NoSource, "", "", false},
  };
  for (const auto& c : cases) {
    auto r = gosrc::parseFuncSymbol(c.sym);
    EXPECT_EQ(r.kind, c.kind) << c.sym;
    if (c.kind == K::NoSource) continue;
    EXPECT_EQ(r.name, c.name) << c.sym;
    EXPECT_EQ(r.recvType, c.recv) << c.sym;
    EXPECT_EQ(r.recvPointer, c.ptr) << c.sym;
  }
}

TEST(GoSource, SignaturesAndTypeStrings) {
  const char* src = R"go(package main

import "fmt"

// func c() is mentioned in a comment: func decoy(x int) {}
var s = "func decoy2(x int) {}"

type T struct {
	a int8
	b int64
}

type (
	Grid [2][3]T
	cb   func(int, string) (bool, error)
)

func c() (i int) {
	f := func() { i++ }
	defer f()
	return 1
}

func div(a, b int) int { return a / b }

func many(s string, xs ...int) (n int, err error) { return }

func (t *T) Set(v int64, _ bool) {}

func (T) Get() (int64, bool) { return 0, false }

func types(p *[]map[string]*T, ch <-chan byte, out chan<- rune, e any, st fmt.Stringer,
	fn func(x, y int) (z int), anon struct{ x, y float32 }, iface interface{ M() }) {}

func Map[K comparable, V any](m map[K]V, f func(V) V) []V { return nil }
)go";
  auto f = gosrc::SourceFile::parse(src);
  EXPECT_EQ(f.package(), "main");
  auto sig = [&](const char* sym) {
    const gosrc::FuncDecl* d = f.find(gosrc::parseFuncSymbol(sym));
    if (!d) return std::string("not found");
    std::string out;
    auto add = [&](const gosrc::Param& p) {
      out += (p.name.empty() ? "-" : p.name) + " " + f.typeString(p.type, d->typeParams) + "; ";
    };
    if (d->receiver) add(*d->receiver);
    out += "| ";
    for (const auto& p : d->params)
      add(p);
    out += "| ";
    for (const auto& p : d->results)
      add(p);
    return out;
  };
  EXPECT_EQ(sig("main.c"), "| | i int; ");
  EXPECT_EQ(sig("main.div"), "| a int; b int; | - int; ");
  EXPECT_EQ(sig("main.many"), "| s string; xs []int; | n int; err error; ");
  EXPECT_EQ(sig("main.(*T).Set"), "t *main.T; | v int64; _ bool; | ");
  EXPECT_EQ(sig("main.T.Get"), "- main.T; | | - int64; - bool; ");
  EXPECT_EQ(sig("main.types"),
            "| p *[]map[string]*main.T; ch <-chan uint8; out chan<- int32; e interface {}; "
            "st fmt.Stringer; fn func(int, int) int; anon struct { x float32; y float32 }; "
            "iface interface { M() }; | ");
  EXPECT_EQ(sig("main.Map[go.shape.int,go.shape.int]"), "| m map[K]V; f func(V) V; | - []V; ");
  EXPECT_EQ(sig("main.decoy"), "not found");
  EXPECT_EQ(sig("main.decoy2"), "not found");
  EXPECT_EQ(sig("main.(*T).Get"), "not found"); // wrappers are made by readSourceVars
}

TEST(GoSource, Abi0Layout) {
  const char* src = R"go(package main
type pair struct { a int8; b int64 }
type packed struct { a, b int8; c int16 }
type tail struct { n int32; z struct{} }
type L [3]pair
func mixed(b bool, i32 int32, s string, c complex128, f float32, p pair) (r1 int8, r2 string) { return }
func arrays(l L, q packed, t tail) {}
func unknown(x other.T, y int) (z int) { return }
)go";
  auto f = gosrc::SourceFile::parse(src);
  auto offsets = [&](const char* name) {
    std::string out;
    for (auto o :
         gosrc::abi0Offsets(f, *f.find({gosrc::FuncRef::Kind::Function, name, "", false, ""})))
      out += (o ? std::to_string(*o) : "?") + " ";
    return out;
  };
  // bool@0, int32@4, string@8, complex128@24, float32@40, pair@48 (16 bytes); results from 64.
  EXPECT_EQ(offsets("mixed"), "0 4 8 24 40 48 64 72 ");
  // [3]pair = 48 bytes; packed = 4 bytes at 48; tail (4 + zero-size + pad = 8 bytes) at 52.
  EXPECT_EQ(offsets("arrays"), "0 48 52 ");
  EXPECT_EQ(offsets("unknown"), "? ? ? ");
  auto layout = [&](const char* type) {
    for (const auto& fn : f.funcs())
      for (const auto& p : fn.params)
        if (f.typeString(p.type) == type) return f.layout(p.type);
    return std::optional<gosrc::Layout>{};
  };
  ASSERT_TRUE(layout("main.tail"));
  EXPECT_EQ(layout("main.tail")->size, 8u);
  EXPECT_EQ(layout("main.packed")->size, 4u);
  EXPECT_EQ(layout("main.packed")->align, 2u);
}

TEST(GoSource, UnnamedResultsPerVersion) {
  // Go 1.15 numbers unnamed results after the parameters, later toolchains from 0; 1.22+
  // name unnamed parameters ~pN (receiver included) and blank results ~rN.
  fs::path dir = fs::temp_directory_path() / ("godefer-src-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "u.go") << "package main\n"
                                 "func f(a int, _ int, _ string) (int, bool) { return 0, false }\n"
                                 "func g(int, string) (_ int, ok bool) { return }\n";
  struct Case {
    const char* version;
    const char* fn;
    const char* want;
  } cases[] = {
      {"go1.15", "main.f",
       "param a int @cfa0; param _ int @cfa8; param _ string @cfa16; "
       "result ~r3 int @cfa32; result ~r4 bool @cfa40;"},
      {"go1.15", "main.g",
       "param _ int @cfa0; param _ string @cfa8; result ~b2 int @cfa24; "
       "result ok bool @cfa32;"},
      {"go1.19", "main.f",
       "param a int; param _ int; param _ string; result ~r0 int; result ~r1 bool;"},
      {"go1.19", "main.g", "param _ int; param _ string; result ~b0 int; result ok bool;"},
      {"go1.24", "main.f",
       "param a int; param ~p1 int; param ~p2 string; result ~r0 int; result ~r1 bool;"},
      {"go1.24", "main.g", "param ~p0 int; param ~p1 string; result ~r0 int; result ok bool;"},
  };
  for (const auto& c : cases) {
    Object o;
    o.path = (dir / "u.o").string();
    o.profile = profileByName(c.version);
    o.header.packageMain = true;
    Symbol s;
    s.name = c.fn;
    s.kind = SymKind::Text;
    o.symbols.push_back(s);
    auto fv = readSourceVars(o, 0, (dir / "u.go").string());
    ASSERT_TRUE(fv) << fv.error().message;
    EXPECT_EQ(describe(*fv), "source: " + std::string(c.want)) << c.version << " " << c.fn;
    // The same file is found next to the object through its stem.
    EXPECT_EQ(functionVars(o, 0, {}).source, VarSource::GoSource);
  }
  Object o;
  o.profile = profileByName("go1.24");
  Symbol s;
  s.name = "main.f";
  s.kind = SymKind::Text;
  o.symbols.push_back(s);
  EXPECT_FALSE(readSourceVars(o, 0, (dir / "missing.go").string()));
  fs::remove_all(dir);
}

TEST(GoSource, OddInputNeverCrashes) {
  std::ifstream in(std::string(GODEFER_SOURCE_DIR) + "/tests/programs/methods.go");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(text.empty());
  for (size_t n = 0; n <= text.size(); ++n)
    (void)gosrc::SourceFile::parse(text.substr(0, n));
  std::string deep = "package main\nfunc f(x ";
  for (int i = 0; i < 100000; ++i)
    deep += "func(";
  (void)gosrc::SourceFile::parse(deep);
  std::string stars = "package main\nfunc g(x " + std::string(100000, '*') + "int) {}\n";
  (void)gosrc::SourceFile::parse(stars);
  auto f = gosrc::SourceFile::parse("package main\nfunc h(a, b) {}\nfunc ok(x int) {}\n");
  EXPECT_TRUE(f.find(gosrc::parseFuncSymbol("main.ok")));
}
