// Package-level variables set by the package's initialisation (a map literal, a value computed
// by a function, an init function): calling `lookup` alone sees them set, as Go code always
// does.
package main

import (
	"fmt"
	"strings"
)

var table = map[string]int{"a": 1, "b": 2}

var greeting = strings.Repeat("ab", 2)

var ready bool

func init() {
	table["c"] = len(greeting)
	ready = true
}

func lookup(k string) (v int) {
	defer func() {
		if !ready {
			v = -1
		}
	}()
	return table[k]
}

func main() {
	fmt.Println(lookup("a"), lookup("b"), lookup("c"), greeting)
}
