// The symbol file gdb reads beside the stub: an ELF image of the loaded text at its emulated
// addresses with a symbol per function (with its size), a DWARF line table made from the
// object's pc tables (so `break deferr.go:9`, `list` and `info line` work), a compile unit for
// it, and .debug_frame call-frame information from the pcsp tables (so `bt` unwinds Go frames).
#pragma once

#include <string>

#include "emulator/debugger/debugger.h"
#include "loader/error.h"

namespace gd::emu {

Expected<void> writeSymbolFile(Debugger& d, const std::string& path);

} // namespace gd::emu
