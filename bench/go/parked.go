// parked: twin of bench/parked.c — n goroutines (default 1,000,000) blocked
// on one channel.  bytes_per_g is the growth of VmRSS (/proc/self/status)
// divided by n, as on the C side; go_sys_per_g is the growth of
// runtime.MemStats.Sys per goroutine, for reference.  check is the number of
// goroutines that woke when main closed the channel (= n).
package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

func parked(release <-chan int64, started, finished *sync.WaitGroup, woken *int64) {
	started.Done()
	<-release
	atomic.AddInt64(woken, 1)
	finished.Done()
}

func rssBytes() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if strings.HasPrefix(s.Text(), "VmRSS:") {
			kib, _ := strconv.ParseInt(strings.Fields(s.Text())[1], 10, 64)
			return kib * 1024
		}
	}
	return 0
}

func main() {
	n := arg(1, 1000000)
	release := make(chan int64)
	var started, finished sync.WaitGroup
	var woken int64
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rssBefore := rssBytes()
	started.Add(int(n))
	finished.Add(int(n))
	for i := int64(0); i < n; i++ {
		go parked(release, &started, &finished, &woken)
	}
	started.Wait()
	rssAfter := rssBytes()
	runtime.ReadMemStats(&after)

	close(release)
	finished.Wait()
	fmt.Printf("bench=parked procs=%d n=%d check=%d bytes_per_g=%.1f rss_mib=%.1f go_sys_per_g=%.1f\n",
		runtime.GOMAXPROCS(0), n, atomic.LoadInt64(&woken),
		float64(rssAfter-rssBefore)/float64(n), float64(rssAfter)/(1024*1024),
		float64(after.Sys-before.Sys)/float64(n))
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
