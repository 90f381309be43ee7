// server.go — the Go twin of examples/echo_server.c: a TCP echo server on
// loopback, one goroutine per connection, same arguments, same output.
//
//	server PORT [MAX_CONNS]
//
// Listens on 127.0.0.1:PORT (0: a port the kernel picks), prints
// "listening on PORT"; each connection's goroutine reads into a 4 KiB buffer
// and writes every byte back until EOF or an error, then closes.  With
// MAX_CONNS > 0 it stops accepting after that many connections, waits for
// every connection goroutine and prints "served N connections, B bytes
// echoed".  (Go 1.19 raises the soft RLIMIT_NOFILE to the hard limit itself.)
package main

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

const bufSize = 4096

var bytesEchoed int64

func serve(conn net.Conn, conns *sync.WaitGroup) {
	buf := make([]byte, bufSize)
	var echoed int64
	for {
		n, err := conn.Read(buf)
		if n > 0 {
			if _, werr := conn.Write(buf[:n]); werr != nil {
				break
			}
			echoed += int64(n)
		}
		if err != nil { // io.EOF, or reset
			break
		}
	}
	conn.Close()
	atomic.AddInt64(&bytesEchoed, echoed)
	conns.Done()
}

func main() {
	if len(os.Args) < 2 || len(os.Args) > 3 {
		fmt.Fprintf(os.Stderr, "usage: %s PORT [MAX_CONNS]\n", os.Args[0])
		os.Exit(2)
	}
	port, err := strconv.Atoi(os.Args[1])
	maxConns := 0
	if err == nil && len(os.Args) > 2 {
		maxConns, err = strconv.Atoi(os.Args[2])
	}
	if err != nil || port < 0 || port > 65535 || maxConns < 0 {
		fmt.Fprintf(os.Stderr, "usage: %s PORT [MAX_CONNS]\n", os.Args[0])
		os.Exit(2)
	}
	ln, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		fmt.Fprintln(os.Stderr, "server: listen:", err)
		os.Exit(1)
	}
	fmt.Printf("listening on %d\n", ln.Addr().(*net.TCPAddr).Port)

	var conns sync.WaitGroup
	accepted := 0
	for maxConns == 0 || accepted < maxConns {
		conn, err := ln.Accept()
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Temporary() { // out of fds
				time.Sleep(10 * time.Millisecond)
				continue
			}
			fmt.Fprintln(os.Stderr, "server: accept:", err)
			os.Exit(1)
		}
		accepted++
		conns.Add(1)
		go serve(conn, &conns)
	}
	ln.Close()
	conns.Wait()
	fmt.Printf("served %d connections, %d bytes echoed\n", accepted, atomic.LoadInt64(&bytesEchoed))
}
