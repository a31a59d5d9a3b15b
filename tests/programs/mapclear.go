//go:build go1.21

// Needs Go 1.21: the clear builtin.

package main

// clear on maps (runtime.mapclear): the only way to remove NaN keys; the map
// stays usable, and clear on a nil map does nothing.

//go:noinline
func zero() float64 { return 0 }

func main() {
	z := zero()
	m := map[float64]int{}
	for i := 0; i < 20; i++ {
		m[z/z] = i
		m[float64(i)] = i
	}
	for k := range m {
		delete(m, k)
	}
	println("after deletes:", len(m))
	clear(m)
	println("after clear:", len(m))
	m[-z] = 7
	println("reused:", len(m), m[0])

	a := map[interface{}]string{1: "a", "1": "b", [2]int{}: "c"}
	clear(a)
	a[1] = "d"
	println("any:", len(a), a[1], a["1"] == "")

	var n map[string]int
	clear(n)
	println("nil:", len(n))
}
