package main

// Several defers in one function run last-in, first-out. Each one appends its
// number to the named result, so the result's digits show the order.

func three() (r int) {
	defer func() {
		r = r*10 + 1
		println("defer 1: r =", r)
	}()
	defer func() {
		r = r*10 + 2
		println("defer 2: r =", r)
	}()
	defer func() {
		r = r*10 + 3
		println("defer 3: r =", r)
	}()
	println("three: returning 5")
	return 5
}

// The defers see the arguments and the result set by the return statement.
func mixed(a, b int) (r int) {
	defer func() { r = r*10 + a }()
	defer func() { r = r*10 + b }()
	return a + b
}

// A conditional defer: only defers that were reached run.
func cond(n int) (r int) {
	defer func() { r = r*10 + 1 }()
	if n > 0 {
		defer func() { r = r*10 + 2 }()
	}
	if n > 1 {
		defer func() { r = r*10 + 3 }()
	}
	return n
}

// Two return statements, both running the defers.
func early(n int) (r int) {
	defer func() { r = r * 2 }()
	if n < 0 {
		return -n
	}
	defer func() { r = r + 100 }()
	return n
}

// A defer that changes a local after the return value was copied out has
// no effect on an unnamed result.
func unnamed() int {
	x := 5
	defer func() { x = 100 }()
	return x
}

func main() {
	println("three() =", three())
	println("mixed(1, 2) =", mixed(1, 2))
	println("cond(0) =", cond(0))
	println("cond(1) =", cond(1))
	println("cond(2) =", cond(2))
	println("early(-4) =", early(-4))
	println("early(4) =", early(4))
	println("unnamed() =", unnamed())
}
