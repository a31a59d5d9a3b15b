// Go's own number formatting from runtime/print.go, shared by the print models and the views
// that show values the way `println` would.
#pragma once

#include <cstdint>
#include <string>

namespace gd::rt {

std::string formatGoFloat(double v); // runtime.printfloat: +1.500000e+000
std::string formatGoInt(int64_t v);  // runtime.printint

} // namespace gd::rt
