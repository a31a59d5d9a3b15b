// `go tool objdump [-s REGEX] OBJECT`, reproduced: the TEXT line of each text symbol and one line
// per instruction (file:line, address, bytes, Go-syntax text, relocation annotations), laid out
// with the same tab-writer settings (cmd/internal/objfile/disasm.go).
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "loader/disasm.h"
#include "loader/error.h"
#include "loader/object.h"

namespace gd::loader {

struct ObjdumpOptions {
  std::optional<std::string> symbolRegex; // -s REGEX (ECMAScript, as close to RE2 as we need)
  Syntax syntax = Syntax::Go;             // Intel: Zydis' Intel text in the instruction column
};

Expected<void> printObjdump(const Object& obj, const ObjdumpOptions& opts, std::ostream& out);

} // namespace gd::loader
