package main

// Nil pointer dereferences: the hardware fault becomes a runtime error panic,
// recovered in deferred closures.

type node struct {
	val  int
	next *node
}

type big struct {
	pad [600]int
	x   int
}

func load(p *int) (r int) {
	defer func() {
		if recover() != nil {
			r = -1
		}
	}()
	return *p
}

func store(p *int) (r int) {
	defer func() {
		if recover() != nil {
			r = -2
		}
	}()
	*p = 5
	return *p
}

func field(n *node) (r int) {
	defer func() {
		if recover() != nil {
			r = -3
		}
	}()
	return n.next.val
}

// A field at a large offset: the compiler adds an explicit nil check.
func bigField(b *big) (r int) {
	defer func() {
		if recover() != nil {
			r = -4
		}
	}()
	return b.x
}

// Calling a nil func value.
func callNil(f func() int) (r int) {
	defer func() {
		if recover() != nil {
			r = -5
		}
	}()
	return f()
}

func seven() int {
	return 7
}

func main() {
	x := 3
	println("load(&x) =", load(&x))
	println("load(nil) =", load(nil))
	println("store(&x) =", store(&x))
	println("store(nil) =", store(nil))
	n := &node{val: 1, next: &node{val: 2}}
	println("field(n) =", field(n))
	println("field(n.next) =", field(n.next))
	var b big
	b.x = 9
	println("bigField(&b) =", bigField(&b))
	println("bigField(nil) =", bigField(nil))
	println("callNil(seven) =", callNil(seven))
	println("callNil(nil) =", callNil(nil))
}
