package main

// Closures capture variables by reference.

func counter() func() int {
	c := 0
	return func() int {
		c++
		return c
	}
}

func useCounter() int {
	f := counter()
	f()
	f()
	a := f()
	b := f()
	return a*10 + b
}

func capture() int {
	x := 1
	inc := func() { x += 2 }
	inc()
	inc()
	return x
}

// The deferred closure sees the final values of a and b.
func deferredClosure() (r int) {
	a, b := 1, 2
	defer func() { r = a*100 + b }()
	a = 7
	b = 9
	return 0
}

// A deferred closure modifying a captured local that another closure reads.
func shared() int {
	n := 0
	get := func() int { return n }
	func() {
		defer func() { n = 42 }()
		n = 1
	}()
	return get()
}

func adder(n int) func(int) int {
	return func(x int) int { return x + n }
}

func compose(x int) int {
	f := adder(10)
	g := adder(5)
	return g(f(x))
}

// An array of closures sharing one variable.
func table(k int) int {
	acc := 0
	var fs [3]func()
	fs[0] = func() { acc += 1 }
	fs[1] = func() { acc *= 10 }
	fs[2] = func() { acc += k }
	for i := 0; i < 3; i++ {
		fs[i]()
	}
	return acc
}

func main() {
	println("useCounter() =", useCounter())
	println("capture() =", capture())
	println("deferredClosure() =", deferredClosure())
	println("shared() =", shared())
	println("compose(1) =", compose(1))
	println("table(7) =", table(7))
}
