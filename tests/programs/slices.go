package main

// Slices grown by append, copied, made with len and cap: the capacities
// printed follow growslice's rules and the allocator's size classes of each
// Go release.

type Big struct {
	a, b, c int64
	s       string
}

func show(name string, n, c int) {
	println(name, "len", n, "cap", c)
}

func growInts(n int) {
	var s []int
	last := -1
	for i := 0; i < n; i++ {
		s = append(s, i)
		if cap(s) != last {
			show("  int", len(s), cap(s))
			last = cap(s)
		}
	}
	sum := 0
	for _, v := range s {
		sum += v
	}
	println("  sum", sum)
}

func growBytes(n int) {
	var b []byte
	last := -1
	for i := 0; i < n; i++ {
		b = append(b, byte(i))
		if cap(b) != last {
			show("  byte", len(b), cap(b))
			last = cap(b)
		}
	}
}

func growBig(n int) {
	var s []Big
	last := -1
	for i := 0; i < n; i++ {
		s = append(s, Big{int64(i), 0, 0, "x"})
		if cap(s) != last {
			show("  Big", len(s), cap(s))
			last = cap(s)
		}
	}
	println("  last", s[n-1].a, s[n-1].s)
}

func growStrings(n int) {
	var s []string
	last := -1
	for i := 0; i < n; i++ {
		s = append(s, "s")
		if cap(s) != last {
			show("  string", len(s), cap(s))
			last = cap(s)
		}
	}
}

func growThree() {
	s := make([]int32, 0, 5)
	show("int32 make", len(s), cap(s))
	s = append(s, 1, 2, 3, 4, 5, 6)
	show("int32 +6", len(s), cap(s))
	s = append(s, s...)
	show("int32 doubled", len(s), cap(s))
	s = append(s, make([]int32, 100)...)
	show("int32 +100", len(s), cap(s))
	u := append([]int16(nil), 1, 2, 3)
	show("int16 from nil +3", len(u), cap(u))
	w := append([]uint64{1}, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
	show("uint64 1+10", len(w), cap(w))
	big := make([]byte, 2000)
	big = append(big, 1)
	show("byte 2000+1", len(big), cap(big))
	big2 := make([]int, 300)
	big2 = append(big2, 1)
	show("int 300+1", len(big2), cap(big2))
	big3 := make([]int, 1024)
	big3 = append(big3, 1)
	show("int 1024+1", len(big3), cap(big3))
	big4 := make([]int, 5000)
	big4 = append(big4, 1)
	show("int 5000+1", len(big4), cap(big4))
	var e []struct{}
	e = append(e, struct{}{}, struct{}{})
	show("empty struct", len(e), cap(e))
}

func copies() {
	a := []int{1, 2, 3, 4, 5}
	b := make([]int, 3)
	n := copy(b, a)
	println("copy", n, b[0], b[1], b[2])
	n = copy(a[1:], a)
	println("overlap", n, a[0], a[1], a[2], a[3], a[4])
	bs := make([]byte, 4)
	n = copy(bs, "hello")
	println("from string", n, string(bs))
	ss := []string{"a", "b", "c"}
	ds := make([]string, 5)
	n = copy(ds, ss)
	println("strings", n, ds[0]+ds[1]+ds[2], ds[3] == "")
	var nilS []int
	n = copy(nilS, a)
	println("to nil", n)
}

func makes() {
	s := make([]int, 3, 10)
	show("make 3,10", len(s), cap(s))
	s = s[:7]
	s[6] = 6
	show("resliced", len(s), cap(s))
	s = append(s, 7, 8, 9)
	show("filled", len(s), cap(s))
	s = append(s, 10)
	show("grown", len(s), cap(s))
	println("values", s[6], s[9], s[10])
	t := s[2:4:5]
	show("3-index", len(t), cap(t))
	t = append(t, 100)
	println("shared", s[4])
	t = append(t, 200)
	println("after realloc", s[5], t[3])
}

func main() {
	growInts(2100)
	growBytes(3000)
	growBig(600)
	growStrings(700)
	growThree()
	copies()
	makes()
}
