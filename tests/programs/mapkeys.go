package main

// Map keys of every comparable kind, with output that does not depend on the
// iteration order: float32/float64 (NaN is never equal to itself: every NaN
// insert is a new entry and no lookup finds one; +0 and -0 are the same key,
// and assigning through -0 stores -0 as the key), complex numbers, strings
// built at run time, pointers, channels, bool and every integer size, arrays
// and structs of these (with padding), interfaces holding values of several
// dynamic types (the same value under two types is two keys), non-empty
// interfaces, and keys whose dynamic type is not comparable: hashing them
// panics with a runtime error, which is recovered.

type point struct {
	x int8 // padding follows
	y int64
	s string
	f float64
}

type grid [3]string

type named interface{ name() string }

type cat struct{ n string }
type dog int

func (c cat) name() string  { return c.n }
func (d *dog) name() string { return "dog" }

//go:noinline
func zero() float64 { return 0 }

//go:noinline
func zero32() float32 { return 0 }

//go:noinline
func join(a, b string) string { return a + b }

func floats() {
	z := zero()
	nan, negz := z/z, -z
	m := map[float64]int{}
	m[nan] = 1
	m[nan] = 2
	m[nan]++ // a third NaN key: the lookup misses, the assignment inserts
	_, ok := m[nan]
	m[z] = 10
	m[negz] = 20 // the same key as +0; the key stored becomes -0
	m[1.5] = 30
	m[1.5] += 5
	nans, sum, zeros := 0, 0, 0
	for k, v := range m {
		if k != k {
			nans++
		}
		if k == 0 {
			zeros++
			println("zero key:", 1/k)
		}
		sum += v
	}
	println("float64:", len(m), ok, m[0], m[negz], m[1.5], nans, sum, zeros)
	delete(m, nan) // deletes nothing
	delete(m, 0)
	println("after delete:", len(m), m[0])
	for k := range m {
		delete(m, k) // NaN keys cannot be deleted
	}
	println("after delete all:", len(m))

	z32 := zero32()
	f := map[float32]string{}
	f[z32/z32] = "a"
	f[z32/z32] = "b"
	f[-z32] = "c"
	f[z32] = "d"
	f[0.25] = "e"
	l := 0
	for k, v := range f {
		l += len(v)
		if k == 0 {
			println("zero32 key:", 1/k, v)
		}
	}
	println("float32:", len(f), l, f[0], f[0.25], f[z32/z32] == "")
}

func complexes() {
	z := zero()
	nan := z / z
	m := map[complex128]int{}
	m[complex(1, 2)] = 1
	m[complex(1, 2)] += 10
	m[complex(z, -z)] = 2
	m[complex(-z, z)] += 3 // the same key
	m[complex(nan, 0)] = 4
	m[complex(0, nan)] = 5
	_, ok := m[complex(nan, 0)]
	sum := 0
	for _, v := range m {
		sum += v
	}
	println("complex128:", len(m), m[complex(1, 2)], m[0], ok, sum)
	c := map[complex64]int{}
	c[complex64(complex(z, 1))] = 7
	c[complex64(complex(-z, 1))]++
	println("complex64:", len(c), c[1i])
}

func stringsAndPointers() {
	s := map[string]int{}
	s[join("ab", "c")] = 1
	s[join("a", "bc")]++
	s[join("", "")] = 5
	s[""]++
	println("strings:", len(s), s["abc"], s[""])

	a, b := new(int), new(int)
	p := map[*int]string{a: "a", b: "b"}
	p[nil] = "nil"
	p[a] += "!"
	println("pointers:", len(p), p[a], p[b], p[nil], p[new(int)] == "")

	var c1, c2 chan int
	ch := map[chan int]int{}
	ch[c1] = 1
	ch[c2]++
	ch[nil]++
	println("channels:", len(ch), ch[nil])
}

func scalars() {
	b := map[bool]int{}
	for i := 0; i < 10; i++ {
		b[i%3 == 0]++
	}
	println("bool:", len(b), b[true], b[false])
	i8 := map[int8]int{}
	u16 := map[uint16]int{}
	i32 := map[int32]int{}
	u64 := map[uint64]int{}
	up := map[uintptr]int{}
	for i := 0; i < 300; i++ {
		i8[int8(i)]++
		u16[uint16(i*1000)]++
		i32[int32(-i)] += i
		u64[uint64(i)<<40]++
		up[uintptr(i%7)]++
	}
	println("ints:", len(i8), i8[-1], i8[5], len(u16), u16[0], len(i32), i32[-299], len(u64), u64[1<<40], len(up), up[0])
	delete(i32, -299)
	delete(u64, 1<<40)
	println("int deletes:", len(i32), len(u64))
}

func composites() {
	z := zero()
	nan := z / z
	m := map[point]int{}
	m[point{1, 2, "a", 0}] = 1
	m[point{1, 2, join("", "a"), -z}]++
	m[point{1, 2, "a", nan}] = 5
	m[point{1, 2, "a", nan}] = 6
	m[point{2, 2, "a", 0}] = 7
	_, ok := m[point{1, 2, "a", nan}]
	println("structs:", len(m), m[point{1, 2, "a", 0}], ok)
	delete(m, point{2, 2, "a", 0})
	println("struct delete:", len(m))

	g := map[grid]int{}
	g[grid{"x", "y", "z"}] = 1
	g[grid{join("x", ""), "y", "z"}]++
	g[grid{"x", "y", ""}] = 3
	println("arrays:", len(g), g[grid{"x", "y", "z"}], g[grid{}])

	f := map[[2]float64]int{}
	f[[2]float64{z, 1}] = 1
	f[[2]float64{-z, 1}]++
	f[[2]float64{nan, 1}] = 3
	f[[2]float64{nan, 1}] = 4
	println("float arrays:", len(f), f[[2]float64{0, 1}])

	type nested struct {
		p [2]point
		b bool
	}
	n := map[nested]string{}
	n[nested{[2]point{{1, 1, "q", 1}, {2, 2, "r", 2}}, true}] = "one"
	n[nested{[2]point{{1, 1, join("q", ""), 1}, {2, 2, "r", 2}}, true}] += "+"
	n[nested{}] = "zero"
	println("nested:", len(n), n[nested{[2]point{{1, 1, "q", 1}, {2, 2, "r", 2}}, true}], n[nested{}])
}

type myInt int

func interfaces() {
	z := zero()
	nan := z / z
	a, b := new(int), new(int)
	m := map[interface{}]int{}
	m[1] = 1
	m[int64(1)] = 2 // a different dynamic type: a different key
	m[myInt(1)] = 3
	m["1"] = 4
	m[join("", "1")] += 10
	m[1.0] = 5
	m[-z] = 6
	m[z] += 100 // +0 and -0 are the same key inside an interface too
	m[nan] = 7
	m[nan] = 8
	m[true] = 9
	m[point{1, 2, "x", 0}] = 10
	m[point{1, 2, join("x", ""), 0}] += 100
	m[[2]int{1, 2}] = 11
	m[a] = 12
	m[b] = 13
	m[nil] = 14
	m[struct{}{}] = 15
	m[cat{"tom"}] = 16
	var nn named = cat{"tom"}
	m[nn] += 1000 // the same dynamic type and value
	_, okNaN := m[nan]
	sum, nans := 0, 0
	for k, v := range m {
		sum += v
		if f, isF := k.(float64); isF && f != f {
			nans++
		}
	}
	println("any:", len(m), m[1], m[int64(1)], m[myInt(1)], m["1"], m[1.0], m[0.0], okNaN, nans, m[true], m[point{1, 2, "x", 0}], m[[2]int{1, 2}], m[a], m[b], m[nil], m[struct{}{}], m[cat{"tom"}], sum)
	delete(m, 1)
	delete(m, nil)
	delete(m, a)
	println("any deletes:", len(m), m[1], m[nil], m[a])

	d := new(dog)
	ni := map[named]int{}
	ni[cat{"a"}] = 1
	ni[cat{join("a", "")}]++
	ni[cat{"b"}] = 3
	ni[d] = 4
	ni[d] += 10
	ni[new(dog)] = 5
	ni[nil] = 6
	println("named:", len(ni), ni[cat{"a"}], ni[d], ni[nil], ni[cat{"c"}])

	k := map[[2]interface{}]int{}
	k[[2]interface{}{1, "a"}] = 1
	k[[2]interface{}{1, join("a", "")}]++
	k[[2]interface{}{int8(1), "a"}] = 3
	println("interface arrays:", len(k), k[[2]interface{}{1, "a"}])
}

func unhashable(what string, f func()) {
	defer func() {
		r := recover()
		if e, ok := r.(error); ok {
			println(what, "recovered:", e.Error())
		} else {
			println(what, "no error")
		}
	}()
	f()
}

type holder struct {
	n int
	v interface{}
}

func panics() {
	m := map[interface{}]int{1: 1}
	unhashable("assign slice", func() { m[[]int{1}] = 2 })
	unhashable("assign map", func() { m[map[string]int{}] = 2 })
	unhashable("assign func", func() { m[func() {}] = 2 })
	unhashable("lookup", func() { println(m[[]string{"a"}]) })
	unhashable("lookup2", func() {
		_, ok := m[[]byte("x")]
		println(ok)
	})
	unhashable("delete", func() { delete(m, []int{}) })
	empty := map[interface{}]int{}
	unhashable("empty lookup", func() { println(empty[[]int{}]) })
	h := map[holder]int{}
	unhashable("struct field", func() { h[holder{1, []float64{1}}] = 1 })
	h[holder{1, 2}] = 3
	h[holder{1, 2}]++
	println("holder:", len(h), h[holder{1, 2}], len(m), m[1])
}

func main() {
	floats()
	complexes()
	stringsAndPointers()
	scalars()
	composites()
	interfaces()
	panics()
	println("done")
}
