//go:build go1.19

// Needs Go 1.19: conversions from a slice to an array pointer are Go 1.17's.

package main

// Conversions from a slice to an array pointer and, through it, to an array: a
// slice at least as long as the array converts (a longer one too), a shorter
// one panics with both lengths in the message; the last panic is not
// recovered.

//go:noinline
func toPtr(s []int) *[8]int { return (*[8]int)(s) }

//go:noinline
func toArr(s []byte) [4]byte { return *(*[4]byte)(s) }

//go:noinline
func toEmpty(s []string) *[0]string { return (*[0]string)(s) }

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
	s := make([]int, 9)
	for i := range s {
		s[i] = i * i
	}
	try("len 9 to *[8]", func() {
		p := toPtr(s)
		p[7]++
		println("p:", p[0], p[7], len(p), s[7])
	})
	try("len 8 to *[8]", func() { println(toPtr(s[1:])[0]) })
	try("len 7 to *[8]", func() { println(toPtr(s[:7])[0]) })
	try("len 0 to *[8]", func() { println(toPtr(nil) == nil) })
	b := []byte("abcdef")
	try("len 6 to [4]", func() {
		a := toArr(b[2:])
		println(string(a[:]))
	})
	try("len 3 to [4]", func() {
		a := toArr(b[:3])
		println(a[0])
	})
	try("nil to *[0]", func() { println(toEmpty(nil) == nil) })
	n := len(s) - 4
	println(toPtr(s[:n])[0])
	println("not reached")
}
