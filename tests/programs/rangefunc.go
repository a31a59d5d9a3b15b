//go:build go1.23

package main

// Defers in the bodies of range-over-func loops (Go 1.23+) belong to the enclosing function:
// the compiler calls runtime.deferrangefunc once for the loop and runtime.deferprocat for each
// defer in the body; deferreturn (or a panic) converts the loop's list into ordinary records.

func seq(n int) func(yield func(int) bool) {
	return func(yield func(int) bool) {
		defer println("seq done")
		for i := 0; i < n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}

func sum(n int) (r int) {
	defer func() { println("sum's own defer, r =", r); r *= 2 }()
	for x := range seq(n) {
		defer func() { r += x; println("range defer", x, "r =", r) }()
	}
	println("loop over")
	return 100
}

func early(n int) (r int) {
	for x := range seq(n) {
		defer func() { println("early defer", x); r += x }()
		if x == 2 {
			return 7
		}
	}
	return -1
}

func panicky() (r int) {
	defer func() { recover(); println("recovered in panicky, r =", r); r += 1000 }()
	for x := range seq(3) {
		defer func() { r += x * 10; println("panicky defer", x) }()
		if x == 1 {
			panic("boom")
		}
	}
	return 0
}

func nested() (r int) {
	for x := range seq(2) {
		for y := range seq(2) {
			defer func() { r = r*10 + x*2 + y + 1; println("nested defer", x, y) }()
		}
	}
	return 0
}

func main() {
	println("sum:", sum(4))
	println("early:", early(5))
	println("panicky:", panicky())
	println("nested:", nested())
}
