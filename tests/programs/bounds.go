package main

// Index and slice bounds errors (runtime.panicIndex, runtime.panicSlice*),
// recovered in deferred closures.

func index(i int) (r int) {
	defer func() {
		if recover() != nil {
			r = -1
		}
	}()
	a := [4]int{10, 20, 30, 40}
	return a[i]
}

func sliceIndex(n, i int) (r int) {
	defer func() {
		if recover() != nil {
			r = -2
		}
	}()
	var a [8]int
	for k := 0; k < len(a); k++ {
		a[k] = k * k
	}
	s := a[:n]
	return s[i]
}

func sliceExpr(lo, hi int) (r int) {
	defer func() {
		if recover() != nil {
			r = -3
		}
	}()
	a := [5]int{1, 2, 3, 4, 5}
	s := a[:]
	t := s[lo:hi]
	return len(t)*10 + cap(t)
}

func strIndex(s string, i int) (r int) {
	defer func() {
		if recover() != nil {
			r = -4
		}
	}()
	return int(s[i])
}

func main() {
	println("index(2) =", index(2))
	println("index(4) =", index(4))
	println("index(-1) =", index(-1))
	println("sliceIndex(5, 3) =", sliceIndex(5, 3))
	println("sliceIndex(5, 6) =", sliceIndex(5, 6))
	println("sliceIndex(9, 0) =", sliceIndex(9, 0))
	println("sliceExpr(1, 3) =", sliceExpr(1, 3))
	println("sliceExpr(3, 1) =", sliceExpr(3, 1))
	println("sliceExpr(0, 6) =", sliceExpr(0, 6))
	println("strIndex(\"AB\", 1) =", strIndex("AB", 1))
	println("strIndex(\"AB\", 2) =", strIndex("AB", 2))
}
