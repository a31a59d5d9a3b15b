package main

// Integer division by zero (runtime.panicdivide) and a negative shift count
// (runtime.panicshift), recovered in deferred closures.

func div(a, b int) (q int) {
	defer func() {
		if e := recover(); e != nil {
			q = -1
		}
	}()
	return a / b
}

func mod(a, b int) (m int) {
	defer func() {
		if recover() != nil {
			m = -2
		}
	}()
	return a % b
}

func udiv(a, b uint32) (q int) {
	defer func() {
		if recover() != nil {
			q = -3
		}
	}()
	return int(a / b)
}

// Two results: the second tells whether the division worked.
func safeDiv(a, b int) (q int, ok bool) {
	defer func() {
		if recover() != nil {
			q, ok = 0, false
		}
	}()
	return a / b, true
}

func shift(x, s int) (r int) {
	defer func() {
		if recover() != nil {
			r = -4
		}
	}()
	return x << s
}

func main() {
	println("div(7, 2) =", div(7, 2))
	println("div(7, 0) =", div(7, 0))
	println("div(-9223372036854775808, -1) =", div(-9223372036854775808, -1))
	println("mod(7, 3) =", mod(7, 3))
	println("mod(7, 0) =", mod(7, 0))
	println("udiv(9, 0) =", udiv(9, 0))
	q, ok := safeDiv(10, 5)
	println("safeDiv(10, 5) =", q, ok)
	q, ok = safeDiv(10, 0)
	println("safeDiv(10, 0) =", q, ok)
	println("shift(1, 4) =", shift(1, 4))
	println("shift(1, -1) =", shift(1, -1))
}
