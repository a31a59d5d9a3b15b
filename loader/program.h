// A whole program from its parts: the user's object plus the archives of the packages it
// imports (an importcfg's `packagefile` lines, or what the go command listed), linked into one
// Object (loader/link.h). Only packages the program's code refers to are loaded, and never the
// runtime, which the runtime model stands for.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "loader/error.h"
#include "loader/gobuild.h"
#include "loader/object.h"

namespace gd::loader {

struct ProgramSpec {
  std::string mainObject;                          // the user's package (.o or .a)
  std::map<std::string, std::string> packageFiles; // import path -> archive
  std::string mainPackage = "main";                // the path the main object's symbols use
  LoadOptions load;
};

// The package the runtime model replaces: never loaded from an archive.
bool modelledPackage(std::string_view importPath);

// Reads an importcfg file (`packagefile PATH=FILE`, `importmap OLD=NEW`, comments); errors name
// the file and line.
Expected<std::map<std::string, std::string>> readImportcfg(const std::string& path);

// Loads the main object and, transitively, every package its code refers to (by the objects'
// package lists and by the package of each undefined symbol), then links them.
Expected<std::shared_ptr<Object>> loadProgram(const ProgramSpec& spec);

// How a front end's INPUT becomes an Object: a .go file or package directory is built with the
// go command; an object with an importcfg is linked with its packages; a lone object (or
// listing) loads as before.
struct InputOptions {
  LoadOptions load;
  std::string importcfg; // for an object compiled by hand with -importcfg
  GoBuildOptions go;
  // Filled by the first loadInput of Go source, so a restart relinks without rebuilding.
  std::optional<GoBuild> built;
};
Expected<std::shared_ptr<Object>> loadInput(const std::string& input, InputOptions& opts);

} // namespace gd::loader
