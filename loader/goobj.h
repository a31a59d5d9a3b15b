// Parsers behind loadFile(): the binary object formats and the objdump listing format.
#pragma once

#include <span>
#include <string_view>

#include "loader/error.h"
#include "loader/object.h"

namespace gd::loader {

// Parses the binary object that starts at its magic (`\0go115ld`, ...). obj.profile and
// obj.header must be set (from the text header) before the call.
Expected<void> parseGoObject(Object& obj, std::span<const uint8_t> bin);

// Parses a saved `go tool objdump` listing (the seed's format) into an Object.
Expected<void> parseListing(Object& obj, std::string_view text);

// True when the text looks like an objdump listing (has a `TEXT name(SB) file` line).
bool looksLikeListing(std::string_view text);

} // namespace gd::loader
