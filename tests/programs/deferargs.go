package main

// The arguments of a deferred call are evaluated when the defer statement runs,
// not when the deferred call runs.

func add(p *int, x int) {
	*p += x
}

func sub(p *int, x int) {
	*p -= x
}

func evalTime() (r int) {
	x := 1
	defer add(&r, x)
	x = 100
	return x
}

func record(p *int, a, b, c int) {
	*p = *p*1000 + a*100 + b*10 + c
}

func manyArgs(a, b, c int) (r int) {
	defer record(&r, a, b, c)
	a, b, c = 0, 0, 0
	return 7
}

func twice(x int) int {
	println("twice called with", x)
	return 2 * x
}

// The argument expression twice(x) is called at the defer statement.
func nestedCall(x int) (r int) {
	defer add(&r, twice(x))
	println("nestedCall body")
	return 1
}

// The function value is also evaluated at the defer statement.
func funcValue() (r int) {
	f := add
	defer f(&r, 5)
	f = sub
	f(&r, 1)
	return 10
}

type pair struct {
	a, b int
}

func usePair(p *int, q pair) {
	*p = *p*100 + q.a*10 + q.b
}

// A struct argument is copied at the defer statement.
func structArg() (r int) {
	q := pair{1, 2}
	defer usePair(&r, q)
	q.a, q.b = 8, 9
	return 3
}

func show(s string, n int) {
	println("show:", s, n)
}

// String arguments.
func stringArg(n int) int {
	s := "first"
	defer show(s, n)
	s = "second"
	println("stringArg body:", s)
	return len(s)
}

func main() {
	println("evalTime() =", evalTime())
	println("manyArgs(1, 2, 3) =", manyArgs(1, 2, 3))
	println("nestedCall(4) =", nestedCall(4))
	println("funcValue() =", funcValue())
	println("structArg() =", structArg())
	println("stringArg(9) =", stringArg(9))
}
