package main

import (
	"context"
	"net/http"
	"strings"
	"time"
)

var shared = &http.Client{Timeout: 5 * time.Second}

func defaults(url string) {
	http.Get(url)                                   // expect: SAF-002
	http.Post(url, "application/json", nil)         // expect: SAF-002
	http.Head(url)                                  // expect: SAF-002
	http.PostForm(url, nil)                         // expect: SAF-002
	req, _ := http.NewRequest("GET", url, nil)
	http.DefaultClient.Do(req)                      // expect: SAF-002
}

func clients(url string) {
	c := &http.Client{}
	c.Get(url) // expect: SAF-002
	v := http.Client{Transport: http.DefaultTransport}
	v.Get(url) // expect: SAF-002
	b := &http.Client{Timeout: 10 * time.Second}
	b.Get(url) // ok: SAF-002
	shared.Post(url, "text/plain", strings.NewReader("x")) // ok: SAF-002
}

func withDeadline(url string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	http.DefaultClient.Do(req) // ok: SAF-002
}

func main() {
	defaults("https://example.com")
	clients("https://example.com")
	withDeadline("https://example.com")
}
