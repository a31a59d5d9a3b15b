package main

// Values of every kind as parameters and results. main prints the results println can print;
// values.fmtref (added to the native build by make-fixtures.sh) prints every result with fmt's
// %v and %+v, one line each: the tests compare what the tool shows with both.

type P struct{ X, Y int }

type Inner struct {
	Name string
	On   bool
}

type Outer struct {
	ID    uint16
	In    Inner
	Tags  []string
	Ptr   *P
	Arr   [3]int8
	F     float64
	Any   interface{}
	Err   error
	Count map[string]int
}

type E struct{ msg string }

func (e *E) Error() string { return e.msg }

var shared = P{1, 2}

func point() P               { return P{7, 21} }
func pointPtr() *P           { return &shared }
func nilPtr() *P             { return nil }
func array() [4]int          { return [4]int{1, -2, 3, -4} }
func bytes() []byte          { return []byte("hi!") }
func strs() []string         { return []string{"a", "bc", ""} }
func nilSlice() []int        { return nil }
func table() map[string]int  { return map[string]int{"b": 2, "a": 1, "c": 3} }
func intKeys() map[int]bool  { return map[int]bool{3: true, -1: false, 2: true} }
func nilMap() map[string]int { return nil }
func anyStruct() interface{} { return P{3, 4} }
func anyString() interface{} { return "boxed" }
func anyNil() interface{}    { return nil }
func nested() Outer {
	return Outer{ID: 9, In: Inner{"n", true}, Tags: []string{"x"}, Ptr: &shared, Arr: [3]int8{1, 2, 3}, F: 0.5, Any: 5}
}
func smallStruct() struct{ A, B int8 } { return struct{ A, B int8 }{-1, 1} }
func floats() (float32, float64)       { return 0.1, 1e21 }
func complexes() complex128            { return complex(1, -0.5) }
func pair() (p P, ok bool)             { return P{5, 6}, true }
func big() [12]int {
	var a [12]int
	for i := range a {
		a[i] = i * i
	}
	return a
}

// Typed parameters.
func greet(name string, times int, loud bool) string {
	s := ""
	for i := 0; i < times; i++ {
		s += name
	}
	if loud {
		s += "!"
	}
	return s
}
func scale(x float64, k float32) float64 { return x * float64(k) }
func sum(xs []int) (total int) {
	for _, x := range xs {
		total += x
	}
	return
}
func count(b []byte, c byte) (n int) {
	for _, x := range b {
		if x == c {
			n++
		}
	}
	return
}
func narrow(a int8, b uint16, c int32, d uint64) int64 {
	return int64(a) + int64(b) + int64(c) + int64(d)
}
func mkPoint(x, y int) P { return P{x, y} }

// Locals of composite types, for the REPL's print (t.x, p.x through a pointer, a[i], m["k"],
// len).
func inspect(n int) int {
	o := nested()
	o.Count = map[string]int{"k": n}
	p := &o
	total := p.Ptr.X + int(o.Arr[2]) + len(o.Tags) + o.Count["k"]
	return total
}

func main() {
	println(pointPtr() == &shared)
	println(nilPtr())
	println(bytes())
	println(nilSlice())
	println(anyNil())
	println(floats())
	println(complexes())
	println(greet("ab", 3, true))
	println(scale(1.5, 2.5))
	println(sum([]int{1, 2, 3, 40}))
	println(count([]byte("banana"), 'a'))
	println(narrow(-5, 65535, -100000, 1<<40))
	println(inspect(4))
}
