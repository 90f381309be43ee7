// floor: reference twin of bench/floor.c — one goroutine calls
// runtime.Gosched n times (default 10,000,000).  A Go yield switches stacks
// and goes through the global run queue, a C one returns from a frame, so
// this is a reference point, not a like-for-like pair.  Metric: ns per yield.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"
)

func main() {
	n := arg(1, 10000000)
	var yields int64
	start := time.Now()
	for ; yields < n; yields++ {
		runtime.Gosched()
	}
	elapsed := time.Since(start)
	fmt.Printf("bench=floor procs=%d n=%d check=%d ns_per_yield=%.1f\n",
		runtime.GOMAXPROCS(0), n, yields, float64(elapsed.Nanoseconds())/float64(n))
}

func arg(i int, fallback int64) int64 {
	if len(os.Args) <= i {
		return fallback
	}
	v, err := strconv.ParseInt(os.Args[i], 10, 64)
	if err != nil || v <= 0 {
		fmt.Fprintf(os.Stderr, "usage: %s [yields]\n", os.Args[0])
		os.Exit(2)
	}
	return v
}
