// Package reflect's basic operations over the runtime hooks reflect calls (resolveNameOff,
// resolveTypeOff, unsafe_New, typedmemmove, ...); printed with println.
package main

import "reflect"

type Point struct {
	X, Y int
	Name string `json:"name"`
	tags []string
}

func (p Point) Sum() int { return p.X + p.Y }

type Celsius float64

func main() {
	p := Point{X: 3, Y: 4, Name: "p"}
	t := reflect.TypeOf(p)
	println(t.String(), t.Name(), t.Kind().String(), t.NumField(), t.Size())
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		println(f.Name, f.Type.String(), f.Offset, string(f.Tag), f.Tag.Get("json"), f.PkgPath == "")
	}
	println(t.NumMethod(), t.Method(0).Name, t.Method(0).Type.String())
	println(reflect.TypeOf(42).String(), reflect.TypeOf("s").Kind().String(), reflect.TypeOf(1.5).String())
	println(reflect.TypeOf(&p).String(), reflect.TypeOf(&p).Elem().Name())
	println(reflect.TypeOf([]int{1}).String(), reflect.TypeOf(map[string]int{}).String())
	println(reflect.TypeOf(Celsius(1)).String(), reflect.TypeOf(Celsius(1)).Kind().String())
	println(reflect.TypeOf([3]byte{}).String(), reflect.TypeOf(func(int) string { return "" }).String())
	var e error
	println(reflect.TypeOf(&e).Elem().String(), reflect.TypeOf(&e).Elem().Kind().String())

	v := reflect.ValueOf(&p).Elem()
	v.Field(0).SetInt(10)
	v.FieldByName("Name").SetString("moved")
	println(p.X, p.Name, v.Field(1).Int(), v.NumField())
	println(v.Field(0).CanSet(), v.Field(3).CanSet())

	n := reflect.New(reflect.TypeOf(0))
	n.Elem().SetInt(99)
	println(*(n.Interface().(*int)))

	s := reflect.ValueOf([]string{"a", "b", "c"})
	println(s.Len(), s.Index(1).String())
	ms := reflect.MakeSlice(reflect.TypeOf([]int{}), 2, 5)
	ms = reflect.Append(ms, reflect.ValueOf(7))
	println(ms.Len(), ms.Cap(), ms.Index(2).Int())

	println(reflect.DeepEqual([]int{1, 2}, []int{1, 2}), reflect.DeepEqual(p, Point{}))
	println(reflect.ValueOf(p).Interface().(Point).Y)
	var x interface{} = Celsius(2.5)
	println(reflect.ValueOf(x).Float(), reflect.ValueOf(x).Type().String())
	println(reflect.Zero(reflect.TypeOf(p)).Field(0).Int())
	println(reflect.PtrTo(reflect.TypeOf(0)).String())
}
