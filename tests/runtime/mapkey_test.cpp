// Map keys as the runtime compares them (alg.go, the compiler's generated equal functions, the
// Go spec's comparison rules), on the type descriptors compiled into tests/programs/mapkeys.go's
// objects: NaN is equal to nothing, +0 and -0 are one key, struct padding takes no part, an
// interface key compares its dynamic type first, and a dynamic type without an equal function
// cannot be hashed. No CPU: values are written into a FakeGuest's heap.
#include <cmath>
#include <cstring>

#include <gtest/gtest.h>

#include "runtime_stubs/mapkey.h"
#include "runtime_stubs/types.h"
#include "tests/runtime/world.h"

using namespace gd;
using namespace gd::test;

namespace {

struct Keys : World {
  rt::MapKeyCodec codec{*img, *prof};
  explicit Keys(const std::string& rel) : World(rel) {}

  // The descriptor of the type whose Go type string is `t` ("main.point", "float64").
  uint64_t type(const std::string& t) const {
    for (loader::SymId id = 0; id < obj->symbols.size(); id++)
      if (rt::typeStringOfSymbol(obj->sym(id).name) == t && img->address(id))
        return img->address(id);
    throw std::runtime_error("no descriptor for " + t);
  }
  // A copy of `bytes` on the heap.
  template <class T> uint64_t put(const T& v) {
    uint64_t a = *rt->alloc(*g, sizeof(T));
    g->write(a, &v, sizeof(T));
    return a;
  }
  uint64_t str(const std::string& s) {
    uint64_t p = *rt->alloc(*g, s.size());
    g->write(p, s.data(), s.size());
    uint64_t hdr[2] = {p, s.size()};
    return put(hdr);
  }
  rt::MapKey key(uint64_t t, uint64_t p) {
    auto k = codec.at(*g, t, p);
    EXPECT_TRUE(k);
    return k.value_or(rt::MapKey{});
  }
};

// main.point in mapkeys.go: {x int8; (7 bytes of padding) y int64; s string; f float64}.
struct Point {
  int8_t x;
  uint8_t pad[7];
  int64_t y;
  uint64_t sp, slen;
  double f;
};
static_assert(sizeof(Point) == 40);

const char* kObjects[] = {"go1.15/nl/mapkeys.o", "go1.21/opt/mapkeys.o", "go1.24/nl/mapkeys.o",
                          "go1.27/opt/mapkeys.o"};

} // namespace

TEST(MapKeys, FloatsNaNNeverEqualAndZerosOneKey) {
  for (const char* o : kObjects) {
    SCOPED_TRACE(o);
    Keys w(o);
    uint64_t f64 = w.type("float64");
    double nan = std::nan(""), pz = 0.0, nz = -0.0, x = 1.5, y = 1.5;
    auto kn = w.key(f64, w.put(nan));
    EXPECT_TRUE(kn.nan);
    EXPECT_FALSE(rt::sameKey(kn, kn));
    EXPECT_TRUE(rt::sameKey(w.key(f64, w.put(pz)), w.key(f64, w.put(nz))));
    EXPECT_EQ(rt::mapKeyHash(w.key(f64, w.put(pz))), rt::mapKeyHash(w.key(f64, w.put(nz))));
    EXPECT_TRUE(rt::sameKey(w.key(f64, w.put(x)), w.key(f64, w.put(y))));
    EXPECT_FALSE(rt::sameKey(w.key(f64, w.put(x)), w.key(f64, w.put(pz))));
    EXPECT_TRUE(w.codec.needKeyUpdate(*w.g, f64)); // m[-0] = v over +0 stores -0
    EXPECT_FALSE(w.codec.needKeyUpdate(*w.g, w.type("int")));
  }
}

TEST(MapKeys, StructsCompareFieldsNotPadding) {
  for (const char* o : kObjects) {
    SCOPED_TRACE(o);
    Keys w(o);
    uint64_t pt = w.type("main.point");
    uint64_t s1 = w.str("a"), s2 = w.str("a"), s3 = w.str("b");
    Point a{1, {0, 0, 0, 0, 0, 0, 0}, 2, w.g->u64(s1).value(), 1, 0.0};
    Point b{1, {9, 9, 9, 9, 9, 9, 9}, 2, w.g->u64(s2).value(), 1, -0.0}; // padding differs
    Point c = a;
    c.sp = w.g->u64(s3).value();
    Point d = a;
    d.f = std::nan("");
    EXPECT_TRUE(rt::sameKey(w.key(pt, w.put(a)), w.key(pt, w.put(b))));
    EXPECT_EQ(rt::mapKeyHash(w.key(pt, w.put(a))), rt::mapKeyHash(w.key(pt, w.put(b))));
    EXPECT_FALSE(rt::sameKey(w.key(pt, w.put(a)), w.key(pt, w.put(c))));
    auto kd = w.key(pt, w.put(d));
    EXPECT_FALSE(rt::sameKey(kd, kd));
    EXPECT_TRUE(w.codec.needKeyUpdate(*w.g, pt)); // it holds a string and a float
  }
}

TEST(MapKeys, InterfacesCompareDynamicTypeThenValue) {
  for (const char* o : kObjects) {
    SCOPED_TRACE(o);
    Keys w(o);
    uint64_t any = w.type("interface {}"), tInt = w.type("int"), tI64 = w.type("int64");
    uint64_t tStr = w.type("string"), tSlice = w.type("[]int");
    uint64_t one = w.put(int64_t(1)), one2 = w.put(int64_t(1));
    uint64_t e1[2] = {tInt, one}, e2[2] = {tInt, one2}, e3[2] = {tI64, one}, nil[2] = {0, 0};
    EXPECT_TRUE(rt::sameKey(w.key(any, w.put(e1)), w.key(any, w.put(e2))));
    EXPECT_FALSE(rt::sameKey(w.key(any, w.put(e1)), w.key(any, w.put(e3))));
    EXPECT_TRUE(rt::sameKey(w.key(any, w.put(nil)), w.key(any, w.put(nil))));
    EXPECT_FALSE(rt::sameKey(w.key(any, w.put(nil)), w.key(any, w.put(e1))));
    uint64_t s1[2] = {tStr, w.str("xy")}, s2[2] = {tStr, w.str("xy")};
    EXPECT_TRUE(rt::sameKey(w.key(any, w.put(s1)), w.key(any, w.put(s2))));
    // A slice in an interface: the runtime panics "hash of unhashable type []int".
    uint64_t sl[3] = {0, 0, 0};
    uint64_t e4[2] = {tSlice, w.put(sl)};
    EXPECT_EQ(w.key(any, w.put(e4)).unhashable, tSlice);
    EXPECT_FALSE(w.codec.comparable(*w.g, tSlice));
    EXPECT_TRUE(w.codec.comparable(*w.g, tInt));
    EXPECT_TRUE(w.codec.needKeyUpdate(*w.g, any));
  }
}
