#include "emulator/frontends/cli/cli.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "emulator/engine/session.h"
#include "emulator/frontends/dap/dap.h"
#include "emulator/frontends/gdb/gdbstub.h"
#include "emulator/frontends/html/page.h"
#include "emulator/frontends/repl/repl.h"
#include "emulator/frontends/trace/sinks.h"
#include "loader/objdump.h"

#ifndef GODEFER_VERSION
#define GODEFER_VERSION "dev"
#endif

namespace gd::emu {
namespace {

constexpr int kExitOk = 0, kExitExpect = 1, kExitCannotRun = 3;

int reportError(const Error& e) {
  std::cerr << "godefer-emu: " << e.message << "\n";
  return kExitCannotRun;
}

// Loads OBJECT; a release newer than the newest verified one is read with that release's tables
// and one warning line on stderr, or refused with --strict-version.
Expected<std::shared_ptr<loader::Object>> loadObject(const std::string& path,
                                                     loader::InputOptions& in) {
  auto obj = loader::loadInput(path, in);
  if (obj) {
    if (std::string w = loader::versionWarning(**obj); !w.empty())
      std::cerr << "warning: " << path << ": " << w << "\n";
  }
  return obj;
}
Expected<std::shared_ptr<loader::Object>> loadObject(const std::string& path, bool strictVersion) {
  loader::InputOptions in;
  in.load.strictVersion = strictVersion;
  return loadObject(path, in);
}

constexpr const char* kStrictVersionHelp =
    "refuse objects of a Go release newer than the newest one this build knows, instead of "
    "reading them with that release's tables";

int objdumpMain(int argc, char** argv) {
  CLI::App app{"List a Go object's text as `go tool objdump` does", "godefer-emu objdump"};
  std::string object, regex;
  bool strictVersion = false;
  app.add_option("-s", regex, "only dump symbols matching this regular expression");
  app.add_flag("--strict-version", strictVersion, kStrictVersionHelp);
  app.add_option("OBJECT", object, "object file (go tool compile output) or saved listing")
      ->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kExitCannotRun;
  }
  auto obj = loadObject(object, strictVersion);
  if (!obj) return reportError(obj.error());
  loader::ObjdumpOptions opts;
  if (!regex.empty()) opts.symbolRegex = regex;
  auto r = loader::printObjdump(**obj, opts, std::cout);
  if (!r) return reportError(r.error().context(object));
  return 0;
}

struct RunOptions {
  std::string object, function = "main.main";
  std::vector<std::string> args;
  bool quiet = false, json = false, noColor = false, verbose = false;
  std::vector<std::string> expect;
  uint64_t maxInsns = 0;
  double timeLimit = 10;
  uint64_t stackSize = 1'000'000'000;
  std::string syntax = "go";
  std::vector<std::string> sourceDirs;
  bool interactive = false, strictVersion = false;
  std::string gdb, gdbElf, dap;
  std::string script;
  std::string html;
  uint64_t htmlMaxInsns = 2'000'000;
  std::string goCommand = "go", importcfg;
  bool optimize = false, traceAll = false;
};

int runMain(int argc, char** argv) {
  CLI::App app{"Run a Go function from an object file under emulation and watch its defers.\n"
               "  godefer-emu [options] OBJECT|FILE.go|DIR [FUNCTION [ARG...]]\n"
               "  godefer-emu -i [-x FILE] OBJECT [FUNCTION [ARG...]]\n"
               "  godefer-emu --gdb HOST:PORT [options] OBJECT [FUNCTION [ARG...]]\n"
               "  godefer-emu dap | --dap HOST:PORT\n"
               "  godefer-emu objdump [-s REGEX] OBJECT",
               "godefer-emu"};
  RunOptions o;
  app.set_version_flag("--version", std::string("godefer-emu ") + GODEFER_VERSION);
  app.add_flag("-q,--quiet", o.quiet,
               "no trace: the guest's output, then the results on one line as println prints "
               "them");
  app.add_flag("--json", o.json, "the trace as JSON lines (schema: docs/json-trace.md)");
  app.add_option("--expect", o.expect,
                 "compare the results with the line -q prints (--expect '3 true'), or one "
                 "named result (--expect i=2, --expect 'p={7 21}' or its %+v form 'p={X:7 "
                 "Y:21}'), or the values separated by commas (--expect 3,true); may be "
                 "repeated; exit 1 with a diff when one differs")
      ->allow_extra_args(false);
  app.add_option("--max-insns", o.maxInsns,
                 "stop with exit status 3 after N instructions (0: no limit)")
      ->capture_default_str();
  app.add_option("--time-limit", o.timeLimit,
                 "stop with exit status 3 when the run has taken SECONDS of wall-clock time (0: "
                 "no limit); ignored with -i")
      ->check(CLI::Range(0.0, 1e6))
      ->capture_default_str();
  app.add_option("--stack-size", o.stackSize,
                 "the goroutine's maximum stack in bytes (runtime.maxstacksize)")
      ->capture_default_str();
  app.add_option("--syntax", o.syntax, "disassembly syntax: go or intel")
      ->check(CLI::IsMember({"go", "intel"}))
      ->capture_default_str();
  app.add_option("--source-dir", o.sourceDirs,
                 "where to look for the .go source when the object has no DWARF")
      ->expected(1)
      ->allow_extra_args(false);
  app.add_option("--html", o.html,
                 "write the run as one self-contained HTML page to FILE (source, assembly, "
                 "registers, variables, g._defer, output and a timeline to step through, offline "
                 "in any browser); prints no trace unless --json or -q asks for one")
      ->option_text("FILE");
  app.add_option("--html-max-insns", o.htmlMaxInsns,
                 "with --html: record at most N instructions in the page (default 2000000; 0: no "
                 "limit); the page says where it was cut")
      ->option_text("N");
  app.add_flag("--no-color", o.noColor, "no colour (also when NO_COLOR is set)");
  app.add_flag("-v,--verbose", o.verbose,
               "log what was loaded: version, layout, which runtime functions have models");
  app.add_option("--gdb", o.gdb,
                 "serve gdb's remote protocol on HOST:PORT (:PORT listens on 127.0.0.1 only; "
                 "port 0 picks a free one) instead of running: breakpoints, watchpoints, "
                 "reverse-stepi and reverse-continue; writes the symbols for gdb (--gdb-elf)");
  app.add_option("--gdb-elf", o.gdbElf,
                 "with --gdb: where to write the ELF symbol file (default: OBJECT.elf)");
  app.add_option("--dap", o.dap,
                 "serve the Debug Adapter Protocol on HOST:PORT (:PORT listens on 127.0.0.1 "
                 "only); `godefer-emu dap` serves it on stdin/stdout. The client's launch "
                 "request names the object, function and arguments");
  app.add_flag("-i,--interactive", o.interactive,
               "interactive stepping with time travel (commands from stdin when it is not a "
               "terminal; help lists them)");
  app.add_option("-x", o.script, "with -i: run the commands in FILE first");
  app.add_flag("--strict-version", o.strictVersion, kStrictVersionHelp);
  app.add_option("--go", o.goCommand,
                 "the go command that builds FILE.go or DIR (default: go on PATH)")
      ->option_text("PATH");
  app.add_flag("-O,--optimize", o.optimize,
               "build FILE.go or DIR with the compiler's optimisations (default: -N -l, as "
               "the seed was built)");
  app.add_option("--importcfg", o.importcfg,
                 "for an OBJECT compiled by hand with -importcfg FILE: load the packages it "
                 "imports from the archives FILE names")
      ->option_text("FILE");
  app.add_flag("--trace-all", o.traceAll,
               "trace inside other packages too (by default a call into another package is one "
               "line, and only the user's package is traced instruction by instruction)");
  app.add_option("OBJECT", o.object,
                 "go tool compile output, a saved go tool objdump listing, or Go source: a .go "
                 "file or a package directory, built with the go command (required but with "
                 "--dap)");
  app.add_option("FUNCTION", o.function, "function to call: c, main.c or \"\".c")
      ->capture_default_str();
  app.add_option("ARG", o.args,
                 "arguments, read by the parameter's type: 42, -0x10, true, 1.5, hello or "
                 "'\"a\\tb\"' for a string, '[1 2 3]' or 1,2,3 for a slice of integers");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kExitCannotRun;
  }
  std::vector<Arg> args;
  for (const auto& a : o.args)
    args.push_back(Arg::fromWord(a));
  if (o.dap.empty() && o.object.empty()) {
    std::cerr << "OBJECT is required\nRun with --help for more information.\n";
    return kExitCannotRun;
  }
  if (!o.dap.empty()) {
    auto served = serveDapSocket(o.dap);
    if (!served) return reportError(served.error());
    return *served;
  }
  if (!o.script.empty() && !o.interactive) {
    std::cerr << "godefer-emu: -x FILE needs -i\n";
    return kExitCannotRun;
  }
  if (!o.html.empty() && o.interactive) {
    std::cerr << "godefer-emu: --html does not go with -i\n";
    return kExitCannotRun;
  }
  auto log = spdlog::stderr_logger_st("godefer-emu");
  log->set_pattern("[%n] %v");
  spdlog::set_default_logger(log);
  spdlog::set_level(o.verbose ? spdlog::level::debug : spdlog::level::warn);
  SessionOptions so;
  so.maxInstructions = o.maxInsns;
  so.timeLimit = std::chrono::milliseconds(int64_t(o.timeLimit * 1000));
  so.maxStack = o.stackSize;
  so.syntax = o.syntax == "intel" ? loader::Syntax::Intel : loader::Syntax::Go;
  so.sourceDirs = o.sourceDirs;
  so.trace = !o.quiet || !o.html.empty();
  // -q prints no count: the engine runs with no callback at all (a limit still counts).
  so.count = so.trace;
  so.traceAll = o.traceAll;
  loader::InputOptions input;
  input.load.strictVersion = o.strictVersion;
  input.importcfg = o.importcfg;
  input.go.goCommand = o.goCommand;
  input.go.optimize = o.optimize;
  auto obj = loadObject(o.object, input);
  if (!obj) return reportError(obj.error());
  // The debugger's options for -i and --gdb (which stop a runaway continue with Ctrl-C).
  auto debuggerOptions = [&] {
    Debugger::Options d;
    d.object = o.object;
    d.input = input;
    d.loaded = *obj;
    d.session = so;
    d.session.timeLimit = {};
    d.session.trace = false;
    d.function = o.function;
    d.args = args;
    return d;
  };
  if (!o.gdb.empty()) {
    Debugger::Options d = debuggerOptions();
    std::string elf = o.gdbElf.empty() ? o.object + ".elf" : o.gdbElf;
    auto served = serveGdb(d, o.gdb, elf);
    if (!served) return reportError(served.error());
    return *served;
  }
  if (o.interactive) return runRepl(debuggerOptions(), o.script, o.noColor);
  // The page's file is opened before the run, so that a path that cannot be written stops the
  // command before anything runs.
  std::ofstream htmlFile;
  if (!o.html.empty()) {
    htmlFile.open(o.html, std::ios::binary | std::ios::trunc);
    if (!htmlFile) {
      std::cerr << "godefer-emu: cannot write " << o.html << ": " << std::strerror(errno) << "\n";
      return kExitCannotRun;
    }
  }
  auto session = Session::open(*obj, so);
  if (!session) return reportError(session.error());
  Session& s = **session;

  bool color = !o.noColor && !std::getenv("NO_COLOR") && isatty(STDOUT_FILENO);
  std::unique_ptr<EventSink> sink;
  if (o.json)
    sink = std::make_unique<JsonTrace>(std::cout, std::cerr);
  else if (o.quiet)
    sink = std::make_unique<QuietSink>(std::cout, std::cerr);
  else if (o.html.empty())
    sink = std::make_unique<TextTrace>(std::cout, std::cerr, TextTraceOptions{color});
  std::unique_ptr<HtmlPage> page;
  if (!o.html.empty())
    page = std::make_unique<HtmlPage>(htmlFile, htmlOptionsFor(s, o.htmlMaxInsns));
  if (sink) s.addSink(sink.get());
  if (page) s.addSink(page.get());
  if (auto r = s.start(o.function, args); !r) return reportError(r.error());
  if (page) {
    std::array<uint64_t, size_t(rt::Reg::Count)> regs{};
    for (size_t r = 0; r < regs.size(); r++)
      regs[r] = s.machine().reg(rt::Reg(r));
    page->setInitialRegisters(regs);
  }
  StopReason stop = s.run();
  if (sink) sink->finish();
  std::cout.flush();
  if (page) {
    page->finish();
    htmlFile.close();
    if (!htmlFile) {
      std::cerr << "godefer-emu: cannot write " << o.html << ": " << std::strerror(errno) << "\n";
      return kExitCannotRun;
    }
  }
  if (stop.kind == StopKind::Error) {
    std::cerr << "godefer-emu: " << o.object << ": " << stop.message << "\n";
    return kExitCannotRun;
  }
  if (stop.kind == StopKind::Exited) return stop.exitStatus;
  std::string line = formatResultsLine(s.results());
  if (o.quiet && !s.results().empty()) std::cout << line << "\n";
  if (!o.expect.empty()) {
    if (std::string diff = expectMismatch(s.results(), o.expect); !diff.empty()) {
      std::cerr << "--expect: results differ\n" << diff;
      return kExitExpect;
    }
  }
  return kExitOk;
}

} // namespace

int runCommandLine(int argc, char** argv) {
  if (argc >= 2 && std::string_view(argv[1]) == "objdump") return objdumpMain(argc - 1, argv + 1);
  if (argc == 2 && std::string_view(argv[1]) == "dap") return serveDap(STDIN_FILENO, STDOUT_FILENO);
  return runMain(argc, argv);
}

} // namespace gd::emu
