//go:build go1.19

// Needs Go 1.19: generics are Go 1.18's.

package main

// Type assertions and type switches inside generic functions, where the
// compiler reaches the runtime through the function's dictionary: to an
// interface (comma-ok and panicking, the latter recovered and at the end not),
// to a type parameter, and switches with interface cases.

type Namer interface{ Name() string }
type Sizer interface{ Size() int }

type file struct{ n string }
type dir struct{ kids int }
type num int

func (f file) Name() string { return f.n }
func (f file) Size() int     { return len(f.n) }
func (d *dir) Size() int     { return d.kids }

func nameOf[T any](x T) (string, bool) {
	n, ok := any(x).(Namer)
	if !ok {
		return "", false
	}
	return n.Name(), true
}

func mustName[T any](x T) string { return any(x).(Namer).Name() }

func sizeOf[T any](x T) int {
	switch v := any(x).(type) {
	case Namer:
		return 1000 + len(v.Name())
	case Sizer:
		return v.Size()
	case int:
		return v
	}
	return -1
}

func as[T any](x any) (T, bool) {
	v, ok := x.(T)
	return v, ok
}

func mustAs[T any](x any) T { return x.(T) }

func try(what string, f func()) {
	defer func() {
		if e, ok := recover().(error); ok {
			println(what, "recovered:", e.Error())
		}
	}()
	f()
	println(what, "ok")
}

func main() {
	s, ok := nameOf(file{"a.txt"})
	println("nameOf file:", s, ok)
	s, ok = nameOf(num(3))
	println("nameOf num:", s, ok)
	s, ok = nameOf(&dir{2})
	println("nameOf dir:", s, ok)
	println("sizeOf:", sizeOf(file{"abc"}), sizeOf(&dir{4}), sizeOf(7), sizeOf("x"), sizeOf(num(1)))
	for i := 0; i < 3; i++ {
		n, ok1 := as[Namer](file{"f"})
		z, ok2 := as[Sizer](num(i))
		k, ok3 := as[int](i)
		println("as:", n != nil, ok1, z == nil, ok2, k, ok3)
	}
	try("mustName file", func() { println(mustName(file{"b"})) })
	try("mustName num", func() { println(mustName(num(5))) })
	try("mustName dir", func() { println(mustName(&dir{1})) })
	try("mustAs Sizer", func() { println(mustAs[Sizer](&dir{3}).Size()) })
	try("mustAs Namer", func() { println(mustAs[Namer](&dir{3}).Name()) })
	try("mustAs nil", func() { println(mustAs[Namer](nil).Name()) })
	try("mustAs int", func() { println(mustAs[int]("s")) })
	println(mustName(7))
}
