package main

// A nil link two steps down a list. Optimised, l.next.next.val is three loads in one
// block, the first two of the same address expression (0(AX)): when the second faults,
// the registers alone cannot say which of the two it was, and godefer-emu's fast mode
// finds out by running the program again instruction by instruction. The loop before
// it makes that second run long enough to matter.

type list struct {
	next *list
	val  int
}

func third(l *list) (r int) {
	defer func() {
		if recover() != nil {
			r = -1
		}
	}()
	return l.next.next.val
}

func sum(n int) (s int) {
	for i := 0; i < n; i++ {
		s += i ^ (s >> 3)
	}
	return s
}

func main() {
	c := &list{val: 3}
	b := &list{next: c, val: 2}
	a := &list{next: b, val: 1}
	println("sum(100000) =", sum(100000))
	println("third(a) =", third(a))
	println("third(b) =", third(b))
	println("third(c) =", third(c))
}
