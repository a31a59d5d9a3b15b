// Maps and channels through reflect: MapIndex, SetMapIndex, MapKeys, MapRange, Len, MakeMap,
// MakeChan, Send/Recv (non-blocking), Cap.
package main

import (
	"reflect"
	"sort"
)

func main() {
	m := map[string]int{"one": 1, "two": 2, "three": 3}
	v := reflect.ValueOf(m)
	println(v.Len(), v.MapIndex(reflect.ValueOf("two")).Int(), v.MapIndex(reflect.ValueOf("x")).IsValid())
	v.SetMapIndex(reflect.ValueOf("four"), reflect.ValueOf(4))
	v.SetMapIndex(reflect.ValueOf("one"), reflect.Value{})
	println(len(m), m["four"], m["one"])
	var keys []string
	for _, k := range v.MapKeys() {
		keys = append(keys, k.String())
	}
	sort.Strings(keys)
	for _, k := range keys {
		println(k)
	}
	sum := 0
	it := v.MapRange()
	for it.Next() {
		sum += int(it.Value().Int()) + len(it.Key().String())
	}
	println(sum)
	mm := reflect.MakeMap(reflect.TypeOf(map[int]bool{}))
	mm.SetMapIndex(reflect.ValueOf(5), reflect.ValueOf(true))
	println(mm.Len(), mm.MapIndex(reflect.ValueOf(5)).Bool())

	c := reflect.MakeChan(reflect.TypeOf(make(chan int)), 3)
	c.Send(reflect.ValueOf(11))
	println(c.Len(), c.Cap())
	ok := c.TrySend(reflect.ValueOf(12))
	r, rok := c.Recv()
	println(ok, r.Int(), rok, c.Len())
	c.Close()
	r2, ok2 := c.TryRecv()
	r3, ok3 := c.TryRecv()
	println(r2.Int(), ok2, r3.Int(), ok3)
}
