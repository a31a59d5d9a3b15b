package main

// print and println of every basic kind (runtime.print* helpers).

func ints() int {
	var a int = -42
	var b int8 = -128
	var c int16 = -1600
	var d int32 = -320000
	var e int64 = -9223372036854775808
	println(a, b, c, d, e)
	var f int64 = 9223372036854775807
	println(f, int8(127), int16(32767), int32(2147483647))
	return int(b) + int(c)
}

func uints() int {
	var a uint = 42
	var b uint8 = 255
	var c uint16 = 65535
	var d uint32 = 4294967295
	var e uint64 = 18446744073709551615
	var f uintptr = 0x1234
	var g byte = 'A'
	var h rune = 'Z'
	println(a, b, c, d, e, f, g, h)
	return int(b) + int(g)
}

func floats(z float64) int {
	var a float32 = 0.1
	var b float64 = 1.5
	println(a, b, -b, 1e300, 1e-300, 123456789.0, 0.000000123)
	println(z, -z, 1/z, -1/z, z/z)
	var c complex128 = complex(1, 2)
	var d complex64 = complex(-0.5, 3)
	println(c, d, complex(b, -b))
	return int(b * 10)
}

func others(s string) int {
	var t bool = true
	var f bool = false
	var p *int
	var sl []int
	var e interface{}
	println(t, f, s, "", "héllo, 世界")
	println(p, sl, e)
	return len(s)
}

func multi(n int) int {
	print("print:", n, " ", true, "|", 2.5, "\n")
	print(n)
	print(n, n+1)
	print("\n")
	println()
	println("println:", n, "x", n*2)
	return n * 3
}

func main() {
	println("ints() =", ints())
	println("uints() =", uints())
	println("floats(0) =", floats(0))
	println("others(\"go\") =", others("go"))
	println("multi(5) =", multi(5))
}
