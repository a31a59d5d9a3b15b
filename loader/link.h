// Links the objects of a program (the user's package and the packages it imports, read from
// the archives the go command wrote) into one Object, resolving each package's references to
// the others as cmd/link's loader does (cmd/link/internal/loader/loader.go): a PkgRef by its
// package and index, a by-name reference by name and ABI, DUPOK and content-addressed
// definitions once. What stays undefined is the runtime, which the runtime model binds by name.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "loader/error.h"
#include "loader/object.h"

namespace gd::loader {

struct LinkUnit {
  std::string pkgPath; // as the objects name it: "main", "sync", "internal/bytealg"
  std::string path;    // the archive, for messages
  bool user = false;   // the user's own package(s): traced by default
  // The archive's Go objects (the compiler's `_go_.o` and the assembler's members).
  std::vector<std::shared_ptr<Object>> objects;
};

// Links `units` (the first is the main package) into one Object whose `units` name them. Every
// object must come from the same release. Errors name the package and symbol.
Expected<std::shared_ptr<Object>> link(std::vector<LinkUnit> units);

// The import path a symbol name belongs to: "internal/bytealg" for
// `internal/bytealg.IndexByteString`, "sync" for `sync.(*Mutex).Lock`; empty for names that are
// not package symbols (`type:*sync.Mutex`, `go:string.*`, `""`-relative names).
std::string symbolPackage(std::string_view name);

} // namespace gd::loader
