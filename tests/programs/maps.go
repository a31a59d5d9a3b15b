package main

// Maps as the runtime builds them: small maps built on the stack by compiled
// code, maps made by the runtime (with and without a size hint), literals,
// insert, overwrite, lookup with and without ok, delete, len, iteration (only
// sums and counts are printed, never the iteration order), growth past many
// buckets, string and array keys, clearing by deleting while iterating, and a
// nil map: reads give the zero value, writes panic.

type pair [2]int

func newMap() map[int]int { return make(map[int]int) }

func newHinted(n int) map[int]int { return make(map[int]int, n) }

func sums(m map[int]int) (int, int, int) {
	n, ks, vs := 0, 0, 0
	for k, v := range m {
		n++
		ks += k
		vs += v
	}
	return n, ks, vs
}

func small() {
	m := make(map[int]int) // does not escape: built by compiled code
	m[1] = 10
	m[2] = 20
	m[3] = 30
	m[2] = 22
	v, ok := m[2]
	w, ok2 := m[7]
	println("small:", len(m), m[1], m[3], v, ok, w, ok2)
	delete(m, 1)
	delete(m, 99)
	_, ok = m[1]
	println("after delete:", len(m), ok, m[1])
	n, ks, vs := 0, 0, 0
	for k, v := range m {
		n++
		ks += k
		vs += v
	}
	println("range:", n, ks, vs)
}

func literal() {
	ages := map[string]int{"alice": 31, "bob": 42, "carol": 27}
	ages["dave"] = 19
	ages["bob"]++
	a, ok := ages["alice"]
	z, okz := ages["zed"]
	println("literal:", len(ages), a, ok, z, okz, ages["bob"], ages["dave"])
	total, letters := 0, 0
	for k, v := range ages {
		total += v
		letters += len(k)
	}
	println("ages:", total, letters)
	delete(ages, "carol")
	println("without carol:", len(ages), ages["carol"])
}

func grow() {
	m := newMap()
	for i := 0; i < 1000; i++ {
		m[i] = i * i
	}
	println("grown:", len(m), m[0], m[999], m[500], m[1000])
	for i := 0; i < 1000; i += 2 {
		delete(m, i)
	}
	n, ks, vs := sums(m)
	println("odd:", len(m), n, ks, vs)
	h := newHinted(100)
	for i := 0; i < 300; i++ {
		h[i*7] += i
	}
	n, ks, vs = sums(h)
	println("hinted:", len(h), n, ks, vs, h[7*299])
}

func stringKeys() {
	s := map[string]string{}
	words := []string{"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven"}
	for i, w := range words {
		s[w] = words[len(words)-1-i]
	}
	for _, w := range words {
		s[w+w] = w
	}
	println("strings:", len(s), s["one"], s["six"], s["teneleven"] == "", s["twotwo"])
	count := 0
	for k, v := range s {
		count += len(k) * len(v)
	}
	println("weighted:", count)
}

func arrayKeys() {
	m := map[pair]string{}
	for i := 0; i < 50; i++ {
		m[pair{i, -i}] = "x"
		m[pair{i, i}] = "yy"
	}
	delete(m, pair{3, 3})
	l := 0
	for _, v := range m {
		l += len(v)
	}
	println("arrays:", len(m), l, m[pair{4, 4}], m[pair{3, 3}] == "", m[pair{5, -5}])
}

func clearAll() {
	m := newMap()
	for i := 0; i < 100; i++ {
		m[i] = i
	}
	for k := range m {
		delete(m, k)
	}
	println("cleared:", len(m), m[5])
	m[5] = 55
	println("reused:", len(m), m[5])
}

func nilMap() {
	var m map[string]int
	v, ok := m["x"]
	println("nil map:", len(m), m["a"], v, ok)
	delete(m, "x")
	for range m {
		println("never")
	}
	defer func() {
		r := recover()
		if e, ok := r.(error); ok {
			println("recovered:", e.Error())
		}
	}()
	m["a"] = 1
	println("not reached")
}

func main() {
	small()
	literal()
	grow()
	stringKeys()
	arrayKeys()
	clearAll()
	nilMap()
	println("done")
}
