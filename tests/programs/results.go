package main

// Results of the kinds println prints, one function each. main prints them with println;
// the tests call each function and compare the tool's result line (what -q prints) with the
// native line (addresses aside).

type E struct{ msg string }

func (e *E) Error() string { return e.msg }

func str() string             { return "hello, defer" }
func slice() []int            { return []int{1, 2, 3, 4}[:3] }
func errValue() error         { return &E{"bad"} }
func nilError() error         { return nil }
func anyValue() interface{}   { return 42 }
func complex128v() complex128 { return complex(1.5, -2) }
func complex64v() complex64   { return complex(0.25, 4) }
func float64v() float64       { return 1.5e300 }
func float32v() float32       { return -2.5 }
func boolv() bool             { return true }
func mixed() (int, string, bool, float64) {
	return -7, "x", false, 0.1
}
func uint8v() uint8 { return 200 }
func int16v() int16 { return -300 }

func main() {
	println(str())
	println(slice())
	println(errValue())
	println(nilError())
	println(anyValue())
	println(complex128v())
	println(complex64v())
	println(float64v())
	println(float32v())
	println(boolv())
	println(mixed())
	println(uint8v())
	println(int16v())
}
