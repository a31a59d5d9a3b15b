// Go source as input: the go command compiles the user's package (with -N -l unless optimised,
// as the seed was built) and lists the archives of everything it imports
// (`go list -export -deps`), which loader/program.h then loads and links.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "loader/error.h"

namespace gd::loader {

struct GoBuildOptions {
  std::string goCommand = "go"; // a path, or a name looked up on PATH
  bool optimize = false;        // the compiler's defaults instead of -N -l
};

struct GoBuild {
  std::string mainArchive;                         // the user's package, compiled
  std::map<std::string, std::string> packageFiles; // every dependency's archive
  std::string mainPackage; // the path its symbols use: "main", or the import path
};

// True for inputs the go command builds: a `.go` file or a directory.
bool isGoSource(const std::string& input);

// Compiles `input` (a .go file or a package directory) for linux/amd64 without cgo, with the
// go command's build cache. Errors carry the compiler's own messages.
Expected<GoBuild> goBuild(const std::string& input, const GoBuildOptions& opts);

} // namespace gd::loader
