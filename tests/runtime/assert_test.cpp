// Type assertions the runtime model cannot make succeed: a Go 1.21+ object compiled without -p
// can hold an assertion the compiler folded into a panic (tests/programs/assertscope.go's
// fixtures, on a FakeGuest without a CPU).
#include <gtest/gtest.h>

#include "tests/runtime/world.h"

using namespace gd;
using namespace gd::test;

// Go 1.21+ objects compiled without -p name main's types both `main.T` and `<unlinkable>.T`;
// after inlining, the compiler may take the two for different types and compile a type
// assertion that cannot fail as an unconditional call of panicdottypeI (tests/programs'
// fixtures keep such assertions out of reach with //go:noinline). The layout makes the two
// descriptors one, as the linker would, so panicdottypeI sees have == want: the model names the
// cause and stops (exit status 3) instead of printing Go's "(types from different scopes)",
// which a linked program never prints for one type. A genuine mismatch still panics.
TEST(TypeAssertions, FoldedByTheCompilerWithoutPStopsWithTheReason) {
  for (const char* o : {"go1.21/opt/assertscope.o", "go1.22/opt/assertscope.o",
                        "go1.23/opt/assertscope.o", "go1.27/opt/assertscope.o"}) {
    SCOPED_TRACE(o);
    World w(o);
    // main.getS: CMPQ AX, $go:itab.S,Val; JNE; ...; CALL runtime.panicdottypeI at +0x40.
    uint64_t ret = w.addressOf("main.getS") + 0x45, sp = w.rt->stackHi() - 0x200;
    uint64_t itabS = w.addressOf("go:itab.<unlinkable>.S,<unlinkable>.Val");
    uint64_t itabP = w.addressOf("go:itab.*<unlinkable>.P,<unlinkable>.Val");
    uint64_t typeS = w.addressOf("type:main.S"), typeVal = w.addressOf("type:main.Val");
    ASSERT_EQ(w.g->u64(itabS + 8).value_or(0), typeS);
    w.g->setReg(Reg::RAX, itabS);
    w.g->setReg(Reg::RBX, typeS);
    w.g->setReg(Reg::RCX, typeVal);
    rt::StubResult r = w.call("runtime.panicdottypeI", sp, ret);
    EXPECT_EQ(r.status, rt::StubStatus::Unsupported);
    EXPECT_EQ(r.exitStatus, 3);
    EXPECT_NE(r.message.find("type assertion to main.S in main.getS"), std::string::npos)
        << r.message;
    EXPECT_NE(r.message.find("assertscope.go:43"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("compiled without -p"), std::string::npos) << r.message;

    World w2(o);
    w2.g->setReg(Reg::RAX, itabP);
    w2.g->setReg(Reg::RBX, typeS);
    w2.g->setReg(Reg::RCX, typeVal);
    rt::StubResult r2 = w2.call("runtime.panicdottypeI", sp, ret);
    EXPECT_NE(r2.status, rt::StubStatus::Unsupported) << r2.message;
  }
}
