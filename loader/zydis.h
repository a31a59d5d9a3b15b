// The project's one Zydis decoder (64-bit long mode, 64-bit stack): the disassembler and the
// engine's per-pc decode cache both decode with it.
#pragma once

#include <Zydis/Zydis.h>

namespace gd::loader {

const ZydisDecoder& zydis();

} // namespace gd::loader
