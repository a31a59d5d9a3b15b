package main

// Type assertions to concrete types from interfaces, which compiled code checks
// by comparing the interface's type or itab word with the descriptor the
// object defines (in optimised builds without inlining them away): structs,
// pointers, named basic types, from empty and non-empty interfaces, comma-ok
// and panicking forms, a failed one recovered.

type Val interface{ get() int }

type S struct {
	a, b int
}

type P struct{ s string }

type N int

func (s S) get() int  { return s.a + s.b }
func (p *P) get() int { return len(p.s) }
func (n N) get() int  { return int(n) }

//go:noinline
func mk(i int) Val {
	switch i {
	case 0:
		return S{1, 2}
	case 1:
		return &P{"four"}
	}
	return N(i)
}

//go:noinline
func mkAny(i int) interface{} {
	if i < 0 {
		return "str"
	}
	return mk(i)
}

//go:noinline
func getS(v Val) S { return v.(S) }

//go:noinline
func getP(v Val) *P { return v.(*P) }

//go:noinline
func anyS(x interface{}) S { return x.(S) }

func try(what string, f func()) {
	defer func() {
		if e, ok := recover().(error); ok {
			println(what, "recovered:", e.Error())
		}
	}()
	f()
}

func main() {
	s := getS(mk(0))
	println("S:", s.a, s.b, s.get())
	p := getP(mk(1))
	println("P:", p.s, p.get())
	a := anyS(mk(0))
	println("any S:", a.a, a.b)
	if n, ok := mk(5).(N); ok {
		println("N:", int(n))
	}
	if _, ok := mk(0).(N); !ok {
		println("S is not N")
	}
	x := mkAny(0)
	if v, ok := x.(Val); ok {
		println("any is Val:", v.get())
	}
	if s2, ok := x.(S); ok {
		println("any is S:", s2.a)
	}
	switch v := mkAny(1).(type) {
	case S:
		println("switch S", v.a)
	case *P:
		println("switch *P", v.s)
	}
	try("getS of *P", func() { println(getS(mk(1)).a) })
	try("anyS of string", func() { println(anyS(mkAny(-1)).a) })
	println("done")
}
