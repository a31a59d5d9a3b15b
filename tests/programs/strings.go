package main

// Strings as the runtime builds them: concatenation of 2 to 6 operands and in a
// loop, comparison, len and indexing, conversions to and from runes, bytes and
// rune slices, and for-range over UTF-8 (including invalid bytes).

func join(a, b string) string           { return a + b }
func join3(a, b, c string) string       { return a + b + c }
func join4(a, b, c, d string) string    { return a + b + c + d }
func join5(a, b, c, d, e string) string { return a + b + c + d + e }
func join6(a, b, c, d, e, f string) string {
	return a + b + c + d + e + f
}

func repeat(s string, n int) string {
	r := ""
	for i := 0; i < n; i++ {
		r += s
	}
	return r
}

func compare(a, b string) {
	println(a, "vs", b, ":", a == b, a != b, a < b, a <= b, a > b, a >= b)
}

func runes(s string) {
	n := 0
	for i, r := range s {
		println("  at", i, "rune", r, string(r))
		n++
	}
	println("  runes:", n, "bytes:", len(s))
}

func str(r rune) string    { return string(r) }
func str64(i int64) string { return string(rune(i)) }

func bytesOf(s string) []byte { return []byte(s) }

func main() {
	a, b := "go", "pher"
	println(join(a, b), len(join(a, b)))
	println(join3(a, "-", b))
	println(join4("a", "b", "c", "d"))
	println(join5("1", "22", "333", "4444", "55555"))
	println(join6("x", "", "y", "", "z", "!"))
	println(join("", ""), len(join("", "")))
	println(join("", b), join(a, ""))
	s := repeat("ab", 5)
	println(s, len(s))
	long := repeat("0123456789", 7)
	println(long, len(long))

	compare("abc", "abd")
	compare("abc", "abc")
	compare("ab", "abc")
	compare("b", "abc")
	compare("", "a")
	compare(long, long+"")

	h := "héllo, 世界"
	println(h, len(h), h[0], h[1], h[2], h[len(h)-1])
	println(h[1:3], h[7:])
	runes(h)
	runes("a\xffb\xc3")
	runes("")

	println(str(65), str(0x4e16), str(-1), str(0x10ffff+1))
	println(str(0xd800), str(0x7f), str(0x80), str(0x1f600), str(0x7ff), str(0x800), str(0xffff))
	println(str64(0x100000041), str64(-65))
	var r rune = 'é'
	println(string(r) + string(r))

	bs := []byte("hello")
	bs[0] = 'j'
	println(string(bs), len(bs))
	bs2 := bytesOf(long)
	bs2[1] = 'X'
	println(string(bs2[:12]), len(bs2), long[:12])

	rs := []rune(h)
	println(len(rs), rs[1], rs[7])
	rs[0] = 'H'
	println(string(rs))
	println(string([]rune{0x263a, 'x', 0x110000}))
	println(string([]byte{}), len(string([]byte(nil))))

	n := 0
	for range "日本語" {
		n++
	}
	println("range count", n)

	total := 0
	for _, c := range []byte("abc") {
		total += int(c)
	}
	println("byte sum", total)
}
