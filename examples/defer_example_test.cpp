// Asserting what Go functions return, with godefer-emu as a library. Each test opens an object
// compiled by `go tool compile` (here: the project's fixtures, for the oldest and the newest Go
// release it supports), calls a function with typed arguments and checks its results and what
// its defers did.
#include <gtest/gtest.h>

#include <godefer/emu.h>

#include <string>
#include <vector>

namespace {

const std::string kProject = GODEFER_PROJECT_DIR;

// The fixture of `program` compiled -N -l by Go `release`.
std::string object(const std::string& release, const std::string& program) {
  return kProject + "/tests/fixtures/" + release + "/nl/" + program + ".o";
}

// Where the Go sources are: objects of Go 1.15 carry no parameter names, the source has them.
godefer::CallOptions withSources() {
  godefer::CallOptions o;
  o.sourceDirs = {kProject + "/tests/programs"};
  return o;
}

class Example : public ::testing::TestWithParam<std::string> {};

// deferr.go: c's deferred closure increments the named result after `return 1` set it.
TEST_P(Example, DeferredClosureChangesTheNamedResult) {
  auto program = godefer::Program::open(object(GetParam(), "deferr"));
  ASSERT_TRUE(program) << program.error().message;
  auto call = program->call("c", {}, withSources());
  ASSERT_TRUE(call) << call.error().message;
  ASSERT_TRUE(call->returned());
  EXPECT_EQ(call->result("i"), 2);
  EXPECT_EQ(call->resultsLine(), "2");

  // The events say how: the defer was registered, `return 1` stored 1, deferreturn ran the
  // closure, which stored 2.
  std::vector<std::string> story;
  for (const auto& e : call->events()) {
    if (e.kind == godefer::Event::Kind::Runtime && e.what == "defer_registered")
      story.push_back(e.what);
    // deferreturn calls the closure (Go 1.15 jumps to it with jmpdefer).
    if (e.kind == godefer::Event::Kind::Runtime && (e.what == "defer_run" || e.what == "defer_jmp"))
      story.push_back("defer_run");
    if (e.kind == godefer::Event::Kind::Variable && e.name == "i")
      story.push_back("i=" + e.value.text());
  }
  EXPECT_EQ(story, (std::vector<std::string>{"defer_registered", "i=1", "defer_run", "i=2"}));
}

// values.go: strings, bools, floats, slices and integers of several sizes as arguments.
TEST_P(Example, TypedArguments) {
  auto program = godefer::Program::open(object(GetParam(), "values"));
  ASSERT_TRUE(program) << program.error().message;
  auto greet = program->call("greet", {"ab", 3, true}, withSources());
  ASSERT_TRUE(greet) << greet.error().message;
  EXPECT_EQ(greet->result(0), "ababab!");

  auto scale = program->call("scale", {1.5, 2.5f}, withSources());
  ASSERT_TRUE(scale) << scale.error().message;
  EXPECT_EQ(scale->result(0), 3.75);

  auto sum = program->call("sum", {std::vector<int64_t>{1, 2, 3, 40}}, withSources());
  ASSERT_TRUE(sum) << sum.error().message;
  EXPECT_EQ(sum->result("total"), 46);

  auto count = program->call("count", {godefer::Arg::Bytes{'b', 'a', 'n', 'a', 'n', 'a'}, 'a'},
                             withSources());
  ASSERT_TRUE(count) << count.error().message;
  EXPECT_EQ(count->result("n"), 3);

  // Out of range for the parameter's type: an error naming the parameter, not a truncation.
  auto narrow = program->call("narrow", {300, 0, 0, 0}, withSources());
  ASSERT_FALSE(narrow);
  EXPECT_NE(narrow.error().message.find("parameter a int8"), std::string::npos)
      << narrow.error().message;
}

// Structs field by field, several results by name.
TEST_P(Example, StructResults) {
  auto program = godefer::Program::open(object(GetParam(), "values"));
  ASSERT_TRUE(program) << program.error().message;
  auto call = program->call("mkPoint", {-3, 4}, withSources());
  ASSERT_TRUE(call) << call.error().message;
  const godefer::Value& p = call->result(0);
  EXPECT_EQ(p.kind(), godefer::Kind::Struct);
  ASSERT_NE(p.field("X"), nullptr);
  EXPECT_EQ(*p.field("X"), -3);
  EXPECT_EQ(*p.field("Y"), 4);
  EXPECT_EQ(p, "{X:-3 Y:4}"); // fmt's %+v
  EXPECT_EQ(p.text(), "{-3 4}");

  auto pair = program->call("pair", {}, withSources());
  ASSERT_TRUE(pair) << pair.error().message;
  EXPECT_EQ(pair->result("p"), "{5 6}");
  EXPECT_EQ(pair->result("ok"), true);
}

// results.go: an error result by its Error() text; a nil error.
TEST_P(Example, ErrorResults) {
  auto program = godefer::Program::open(object(GetParam(), "results"));
  ASSERT_TRUE(program) << program.error().message;
  auto bad = program->call("errValue", {}, withSources());
  ASSERT_TRUE(bad) << bad.error().message;
  const godefer::Value& err = bad->result(0);
  EXPECT_EQ(err.kind(), godefer::Kind::Interface);
  EXPECT_EQ(err.dynamicType(), "*main.E");
  ASSERT_TRUE(err.errorText());
  EXPECT_EQ(*err.errorText(), "bad");

  auto ok = program->call("nilError", {}, withSources());
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_TRUE(ok->result(0).isNil());
  EXPECT_EQ(ok->result(0).text(), "(0x0,0x0)"); // as println prints a nil error
}

// panicexit.go: a Go panic is a result of the call (with Go's message), not a tool error.
TEST_P(Example, PanicsAreOutcomes) {
  auto program = godefer::Program::open(object(GetParam(), "panicexit"));
  ASSERT_TRUE(program) << program.error().message;
  auto call = program->call("main.main");
  ASSERT_TRUE(call) << call.error().message;
  EXPECT_EQ(call->stop(), godefer::Call::Stop::Panicked);
  EXPECT_EQ(call->exitStatus(), 2);
  EXPECT_EQ(call->message(), "panic: boom");
  EXPECT_NE(call->errors().find("deferred before crash, n = 1"), std::string::npos);

  auto missing = program->call("nosuch");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, godefer::Error::Kind::Usage);
}

INSTANTIATE_TEST_SUITE_P(OldestAndNewest, Example, ::testing::Values("go1.15", "go1.27"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (c == '.') c = '_';
                           return n;
                         });

} // namespace
