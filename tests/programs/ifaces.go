package main

// Interfaces as the runtime sees them: methods on value and pointer receivers
// called through interfaces, type assertions (comma-ok and panicking ones,
// recovered), type switches, interface equality on several dynamic types, an
// error type and a Stringer without fmt.

type Shape interface {
	Area() int
	Name() string
}

type Rect struct{ w, h int }
type Square struct{ s int }
type Circle struct{ r int }

func (r Rect) Area() int      { return r.w * r.h }
func (r Rect) Name() string   { return "rect" }
func (s *Square) Area() int   { return s.s * s.s }
func (s *Square) Name() string { return "square" }
func (c Circle) Area() int    { return 3 * c.r * c.r }
func (c Circle) Name() string { return "circle" }
func (c Circle) String() string {
	return "Circle(" + itoa(c.r) + ")"
}

type Stringer interface{ String() string }

type Counter interface{ Inc() int }
type Num int

func (n *Num) Inc() int { *n++; return int(*n) }

// Not inlined: Go 1.21+ compiling without -p (as the fixtures are) would devirtualize
// c.Inc() against an itab named <unlinkable>.Num and fold the check to a panic.
//
//go:noinline
func newCounter() Counter { return new(Num) }

// The same for a value in a Stringer (Go 1.26 folds it even with -N -l).
//
//go:noinline
func asStringer(c Color) Stringer { return c }

type MyErr struct {
	code int
	msg  string
}

func (e *MyErr) Error() string { return "error " + itoa(e.code) + ": " + e.msg }

type StrErr string

func (e StrErr) Error() string { return "StrErr(" + string(e) + ")" }

type Pair struct {
	a int
	b string
}

type Color int

func (c Color) String() string {
	switch c {
	case 0:
		return "red"
	case 1:
		return "green"
	}
	return "color#" + itoa(int(c))
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

func describe(x interface{}) string {
	switch v := x.(type) {
	case nil:
		return "nil"
	case int:
		return "int " + itoa(v)
	case string:
		return "string " + v
	case bool:
		if v {
			return "bool true"
		}
		return "bool false"
	case error:
		return "error " + v.Error()
	case Stringer:
		return "stringer " + v.String()
	case Shape:
		return "shape " + v.Name()
	case []int:
		return "slice of " + itoa(len(v))
	case Pair:
		return "pair " + itoa(v.a) + v.b
	}
	return "other"
}

func shapeKind(s Shape) string {
	switch s.(type) {
	case Rect:
		return "Rect"
	case *Square:
		return "*Square"
	case Stringer:
		return "Stringer"
	}
	return "?"
}

func total(shapes []Shape) int {
	t := 0
	for _, s := range shapes {
		t += s.Area()
	}
	return t
}

func mustInt(x interface{}) (n int, err string) {
	defer func() {
		if r := recover(); r != nil {
			err = r.(error).Error()
		}
	}()
	return x.(int), ""
}

func mustShape(x interface{}) (name string, err string) {
	defer func() {
		if r := recover(); r != nil {
			err = r.(error).Error()
		}
	}()
	return x.(Shape).Name(), ""
}

func mustRect(s Shape) (area int, err string) {
	defer func() {
		if r := recover(); r != nil {
			err = r.(error).Error()
		}
	}()
	return s.(Rect).Area(), ""
}

func mustStringer(s Shape) (str string, err string) {
	defer func() {
		if r := recover(); r != nil {
			err = r.(error).Error()
		}
	}()
	return s.(Stringer).String(), ""
}

func find(code int) error {
	if code == 0 {
		return nil
	}
	return &MyErr{code, "not found"}
}

func eq(a, b interface{}) bool { return a == b }

func eqShape(a, b Shape) bool { return a == b }

func mustEq(a, b interface{}) (r bool, err string) {
	defer func() {
		if x := recover(); x != nil {
			err = x.(error).Error()
		}
	}()
	return a == b, ""
}

func main() {
	sq := &Square{3}
	shapes := []Shape{Rect{2, 5}, sq, Circle{2}}
	for _, s := range shapes {
		println(s.Name(), s.Area(), shapeKind(s))
	}
	println("total", total(shapes))
	sq.s = 4
	println("total after", total(shapes))

	c := newCounter()
	c.Inc()
	println("counter", c.Inc())

	things := []interface{}{nil, 42, "hi", true, false, find(7), StrErr("x"), Circle{1},
		Color(1), Color(5), Rect{1, 1}, []int{1, 2, 3}, Pair{1, "b"}, 3.5, sq}
	for i, t := range things {
		println(i, describe(t))
	}

	if v, ok := things[1].(int); ok {
		println("comma-ok int", v, ok)
	}
	v, ok := things[2].(int)
	println("comma-ok string as int", v, ok)
	s, ok := things[7].(Shape)
	println("comma-ok Circle as Shape", ok, s.Name())
	s, ok = things[1].(Shape)
	println("comma-ok int as Shape", ok, s == nil)
	st, ok := shapes[2].(Stringer)
	println("comma-ok Shape as Stringer", ok, st.String())
	_, ok = shapes[0].(Stringer)
	println("comma-ok Rect as Stringer", ok)
	e, ok := things[6].(error)
	println("comma-ok StrErr as error", ok, e.Error())
	_, ok = things[0].(error)
	println("comma-ok nil as error", ok)

	println(mustInt(5))
	println(mustInt("five"))
	println(mustInt(nil))
	println(mustInt(Color(2)))
	println(mustShape(Rect{3, 3}))
	println(mustShape(7))
	println(mustShape(nil))
	println(mustRect(Rect{4, 4}))
	println(mustRect(sq))
	println(mustRect(nil))
	println(mustStringer(Circle{3}))
	println(mustStringer(sq))

	err := find(0)
	println("find(0) == nil:", err == nil)
	err = find(404)
	println("find(404) == nil:", err == nil, err.Error())
	var me *MyErr
	err = me
	println("typed nil == nil:", err == nil)

	println("eq", eq(1, 1), eq(1, 2), eq(1, "1"), eq("a", "a"), eq("a", "ab"))
	println("eq", eq(nil, nil), eq(nil, 0), eq(int8(1), int64(1)), eq(1.5, 1.5), eq(true, true))
	println("eq", eq(Pair{1, "x"}, Pair{1, "x"}), eq(Pair{1, "x"}, Pair{1, "y"}), eq(Pair{2, "x"}, Pair{1, "x"}))
	println("eq", eq(Rect{1, 2}, Rect{1, 2}), eq(sq, sq), eq(sq, &Square{4}), eq(Color(1), Color(1)))
	println("eq", eq(StrErr("a"), StrErr("a")), eq(StrErr("a"), "a"), eq(uint16(7), uint16(7)))
	var i1, i2 interface{} = [2]string{"a", "b"}, [2]string{"a", "b"}
	println("eq array", i1 == i2, eq(i1, [2]string{"a", "c"}))
	var n1, n2 interface{} = interface{}(3), interface{}(3)
	println("eq nested", n1 == n2)
	println("eqShape", eqShape(Rect{1, 2}, Rect{1, 2}), eqShape(Rect{1, 2}, Rect{2, 1}), eqShape(sq, sq), eqShape(nil, nil), eqShape(Circle{1}, Rect{1, 1}))
	println(mustEq([]int{1}, []int{1}))
	println(mustEq(1, 2))
	println(mustEq(Pair{1, "a"}, Pair{1, "a"}))
	type Holder struct{ v interface{} }
	println(mustEq(Holder{[]int{1}}, Holder{[]int{1}}))
	println(mustEq(Holder{1}, Holder{1}))

	str := asStringer(Color(0))
	println(str.String(), Color(1).String(), Color(9).String())
	f := str.String
	str = asStringer(Color(1))
	println("method value", f(), str.String())
}
