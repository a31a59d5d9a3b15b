// os.Args, the environment, the clock and os.Exit: what the model's process shows (system.h).
// The model's file system has no /etc/localtime, so time.Local is named UTC (time's initLocal);
// a native run on a machine with one prints Local:
// native-differs: ^loc:
package main

import (
	"fmt"
	"os"
	"runtime"
	"time"
)

func main() {
	defer fmt.Println("deferred: not printed, os.Exit skips it")
	fmt.Println("args:", len(os.Args), os.Args[0])
	fmt.Printf("HOME=%q env=%d\n", os.Getenv("HOME"), len(os.Environ()))
	v, ok := os.LookupEnv("PATH")
	fmt.Println("PATH set:", ok, v)
	os.Setenv("GREETING", "hi")
	fmt.Println("GREETING:", os.Getenv("GREETING"))
	start := time.Now()
	d := time.Since(start)
	fmt.Println("since:", d >= 0 && d < time.Hour, "pid>0:", os.Getpid() > 0)
	fmt.Println("loc:", start.Location(), "year>=2009:", start.Year() >= 2009)
	fmt.Println("GOMAXPROCS(0)>0:", runtime.GOMAXPROCS(0) > 0)
	if _, err := os.Open("/nonexistent/file"); err != nil {
		fmt.Println("open:", err)
	}
	fmt.Fprintln(os.Stderr, "exiting with 3")
	os.Exit(3)
}
