package main

// Defers inside a loop cannot be stack-allocated or open-coded: each one is a
// heap record made by runtime.deferproc.

func loop(n int) (r int) {
	for i := 0; i < n; i++ {
		defer func(k int) { r = r*10 + k }(i)
	}
	return 0
}

func add(p *int, k int) {
	*p += k
}

// Many heap defers of a plain function.
func sum(n int) (r int) {
	for i := 1; i <= n; i++ {
		defer add(&r, i)
	}
	return 0
}

// Nested loops, with println in the deferred closures.
func grid(n, m int) (r int) {
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			defer func(a, b int) {
				r = r*10 + a*m + b
				println("grid defer", a, b)
			}(i, j)
		}
	}
	return 0
}

// A loop defer next to a plain (stack) defer.
func both(n int) (r int) {
	defer func() { r = r * 1000 }()
	for i := 1; i <= n; i++ {
		defer func(k int) { r = r + k }(i)
	}
	return 7
}

func main() {
	println("loop(0) =", loop(0))
	println("loop(4) =", loop(4))
	println("sum(100) =", sum(100))
	println("grid(2, 2) =", grid(2, 2))
	println("both(3) =", both(3))
}
