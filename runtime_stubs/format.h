// Go's own number formatting from runtime/print.go, shared by the print models and the views
// that show values the way `println` would.
#pragma once

#include <cstdint>
#include <string>

namespace gd::rt {

std::string formatGoFloat(double v); // runtime.printfloat: +1.500000e+000
// Go 1.26+ printfloat64/printfloat32: strconv.FormatFloat(v, 'g', -1, bits), the shortest
// decimal that reads back as the same float64 (bits 64) or float32 (bits 32): 1.5, 1e+21, 0.
std::string formatGoFloatShortest(double v, int bits);
// Go 1.26+ printcomplex128/64: strconv.FormatComplex(c, 'g', -1, bits): (1+2i), (1.5-2i).
std::string formatGoComplexShortest(double re, double im, int bits);
std::string formatGoInt(int64_t v); // runtime.printint

} // namespace gd::rt
