// skynet: 1,000,000 leaf goroutines, 10 children each; the root prints the
// sum 499999500000 and the elapsed milliseconds.
package main

import (
	"fmt"
	"time"
)

func skynet(c chan int, num, size, div int) {
	if size == 1 {
		c <- num
		return
	}
	rc := make(chan int)
	sum := 0
	for i := 0; i < div; i++ {
		go skynet(rc, num+i*(size/div), size/div, div)
	}
	for i := 0; i < div; i++ {
		sum += <-rc
	}
	c <- sum
}

func main() {
	start := time.Now()
	c := make(chan int)
	go skynet(c, 0, 1000000, 10)
	sum := <-c
	fmt.Printf("sum %d in %d ms\n", sum, time.Since(start).Milliseconds())
}
