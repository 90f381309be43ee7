// mutex: twin of bench/mutex.c — 8 goroutines each do n (default 1,000,000)
// increments of one counter under one sync.Mutex; check is the final count,
// 8n.  Metric: ns per locked increment.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

const workers = 8

func increment(mu *sync.Mutex, counter *int64, n int64, wg *sync.WaitGroup) {
	for i := int64(0); i < n; i++ {
		mu.Lock()
		*counter++
		mu.Unlock()
	}
	wg.Done()
}

func main() {
	n := arg(1, 1000000)
	var mu sync.Mutex
	var wg sync.WaitGroup
	var counter int64
	start := time.Now()
	wg.Add(workers)
	for w := 0; w < workers; w++ {
		go increment(&mu, &counter, n, &wg)
	}
	wg.Wait()
	elapsed := time.Since(start)
	fmt.Printf("bench=mutex procs=%d n=%d check=%d ns_per_lock=%.1f\n",
		runtime.GOMAXPROCS(0), n, counter, float64(elapsed.Nanoseconds())/float64(workers*n))
}

func arg(i int, fallback int64) int64 {
	if len(os.Args) <= i {
		return fallback
	}
	v, err := strconv.ParseInt(os.Args[i], 10, 64)
	if err != nil || v <= 0 {
		fmt.Fprintf(os.Stderr, "usage: %s [increments per goroutine]\n", os.Args[0])
		os.Exit(2)
	}
	return v
}
