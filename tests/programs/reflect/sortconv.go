// sort, strconv, strings and errors: what they need of the runtime.
package main

import (
	"errors"
	"sort"
	"strconv"
	"strings"
)

type byLen []string

func (b byLen) Len() int           { return len(b) }
func (b byLen) Less(i, j int) bool { return len(b[i]) < len(b[j]) }
func (b byLen) Swap(i, j int)      { b[i], b[j] = b[j], b[i] }

type myErr struct{ code int }

func (e *myErr) Error() string { return "my error " + strconv.Itoa(e.code) }

var errBase = errors.New("base")

type wrap struct{ err error }

func (w wrap) Error() string { return "wrap: " + w.err.Error() }
func (w wrap) Unwrap() error { return w.err }

func main() {
	xs := []int{5, 2, 8, 1, 9, 3}
	sort.Ints(xs)
	println(xs[0], xs[1], xs[5], sort.IntsAreSorted(xs), sort.SearchInts(xs, 8))
	people := []struct {
		name string
		age  int
	}{{"ann", 30}, {"bob", 25}, {"cy", 35}}
	sort.Slice(people, func(i, j int) bool { return people[i].age < people[j].age })
	println(people[0].name, people[1].name, people[2].name)
	words := byLen{"ccc", "a", "bb"}
	sort.Sort(words)
	println(words[0], words[1], words[2])
	ss := []string{"pear", "apple", "fig"}
	sort.Strings(ss)
	println(strings.Join(ss, ","))
	sort.SliceStable(ss, func(i, j int) bool { return len(ss[i]) < len(ss[j]) })
	println(strings.Join(ss, ","))

	println(strconv.Itoa(-1234), strconv.FormatInt(255, 16), strconv.Quote("a\tb\"c"))
	n, err := strconv.Atoi("42")
	println(n, err == nil)
	_, err = strconv.Atoi("4x2")
	println(err.Error())
	f, _ := strconv.ParseFloat("3.25", 64)
	println(strconv.FormatFloat(f, 'f', 3, 64), strconv.FormatFloat(1e21, 'g', -1, 64))
	b, _ := strconv.ParseBool("true")
	println(b, strconv.AppendInt(nil, 7, 2)[0])
	u, err := strconv.ParseUint("300", 10, 8)
	println(u, err.Error())

	var sb strings.Builder
	for i := 0; i < 3; i++ {
		sb.WriteString("x")
		sb.WriteByte('-')
		sb.WriteRune('é')
	}
	println(sb.String(), sb.Len())
	println(strings.Repeat("ab", 3), strings.ToUpper("hello"), strings.Contains("seafood", "foo"))
	println(strings.Replace("oink oink oink", "k", "ky", 2), strings.Index("chicken", "ken"))
	fs := strings.Fields("  a b  c ")
	println(len(fs), fs[2], strings.TrimSpace("  t  "), strings.Title("go"))
	parts := strings.Split("a,b,c", ",")
	println(len(parts), parts[1], strings.HasPrefix("golang", "go"), strings.EqualFold("Go", "GO"))

	e1 := wrap{errBase}
	println(errors.Is(e1, errBase), errors.Unwrap(e1) == errBase, e1.Error())
	var me *myErr
	var e2 error = wrap{&myErr{7}}
	println(errors.As(e2, &me), me.code, e2.Error())
	println(errors.Is(errors.New("x"), errBase))
}
