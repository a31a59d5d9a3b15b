#include "emulator/cli.h"

#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "loader/objdump.h"

namespace gd::emu {
namespace {

constexpr int kExitCannotRun = 3;

int reportError(const Error& e) {
  std::cerr << "godefer-emu: " << e.message << "\n";
  return kExitCannotRun;
}

int objdumpMain(int argc, char** argv) {
  CLI::App app{"List a Go object's text as `go tool objdump` does", "godefer-emu objdump"};
  std::string object, regex;
  app.add_option("-s", regex, "only dump symbols matching this regular expression");
  app.add_option("OBJECT", object, "object file (go tool compile output) or saved listing")
      ->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kExitCannotRun;
  }
  auto obj = loader::loadFile(object);
  if (!obj) return reportError(obj.error());
  loader::ObjdumpOptions opts;
  if (!regex.empty()) opts.symbolRegex = regex;
  auto r = loader::printObjdump(**obj, opts, std::cout);
  if (!r) return reportError(r.error().context(object));
  return 0;
}

} // namespace

int runCommandLine(int argc, char** argv) {
  if (argc >= 2 && std::string_view(argv[1]) == "objdump") return objdumpMain(argc - 1, argv + 1);
  std::cerr << "godefer-emu: running functions is not built yet; use `godefer-emu objdump`\n";
  return kExitCannotRun;
}

} // namespace gd::emu
