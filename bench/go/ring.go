// ring: twin of bench/ring.c — g goroutines (default 10,000) in a ring of
// unbuffered channels pass one token n hops (default 10,000,000); each node
// forwards t-1 on receiving t > 0, the node that receives 0 tells main.
// check is the sum of the hops the nodes forwarded (= n).  Metric: ns per hop.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

func node(in <-chan int64, out chan<- int64, done chan<- int64, forwarded *int64, exited *sync.WaitGroup) {
	var count int64
	for token := range in {
		if token == 0 {
			done <- token
			continue
		}
		count++
		out <- token - 1
	}
	*forwarded = count
	exited.Done()
}

func main() {
	hops, size := arg(1, 10000000), arg(2, 10000)
	ring := make([]chan int64, size)
	forwarded := make([]int64, size)
	for i := range ring {
		ring[i] = make(chan int64)
	}
	done := make(chan int64)
	var exited sync.WaitGroup
	exited.Add(int(size))
	for i := int64(0); i < size; i++ {
		go node(ring[i], ring[(i+1)%size], done, &forwarded[i], &exited)
	}

	start := time.Now()
	ring[0] <- hops
	<-done
	elapsed := time.Since(start)

	for _, c := range ring {
		close(c)
	}
	exited.Wait()
	var sum int64
	for _, f := range forwarded {
		sum += f
	}
	fmt.Printf("bench=ring procs=%d n=%d goroutines=%d check=%d ns_per_hop=%.1f\n",
		runtime.GOMAXPROCS(0), hops, size, sum, float64(elapsed.Nanoseconds())/float64(hops))
}

func arg(i int, fallback int64) int64 {
	if len(os.Args) <= i {
		return fallback
	}
	v, err := strconv.ParseInt(os.Args[i], 10, 64)
	if err != nil || v <= 0 {
		fmt.Fprintf(os.Stderr, "usage: %s [hops [goroutines]]\n", os.Args[0])
		os.Exit(2)
	}
	return v
}
