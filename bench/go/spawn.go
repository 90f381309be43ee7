// spawn: twin of bench/spawn.c — n goroutines (default 10,000,000) that each
// only signal a WaitGroup; check is n, printed once the wait has returned.
// Metric: ns per goroutine.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

func signalDone(wg *sync.WaitGroup) {
	wg.Done()
}

func main() {
	n := arg(1, 10000000)
	var wg sync.WaitGroup
	start := time.Now()
	wg.Add(int(n))
	var spawned int64
	for ; spawned < n; spawned++ {
		go signalDone(&wg)
	}
	wg.Wait()
	elapsed := time.Since(start)
	fmt.Printf("bench=spawn procs=%d n=%d check=%d ns_per_g=%.1f\n",
		runtime.GOMAXPROCS(0), n, spawned, float64(elapsed.Nanoseconds())/float64(n))
}

func arg(i int, fallback int64) int64 {
	if len(os.Args) <= i {
		return fallback
	}
	v, err := strconv.ParseInt(os.Args[i], 10, 64)
	if err != nil || v <= 0 {
		fmt.Fprintf(os.Stderr, "usage: %s [goroutines]\n", os.Args[0])
		os.Exit(2)
	}
	return v
}
