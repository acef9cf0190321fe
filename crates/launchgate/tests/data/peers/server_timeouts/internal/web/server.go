package web

import (
	"net/http"
	"time"
)

func New(h http.Handler) *http.Server {
	return &http.Server{Addr: ":8080", Handler: h, ReadHeaderTimeout: 5 * time.Second} // ok: SAF-002
}

func Start(h http.Handler) error {
	s := New(h)
	return s.ListenAndServe() // ok: SAF-002
}

func Unbounded(h http.Handler) *http.Server {
	return &http.Server{Addr: ":9090", Handler: h} // expect: SAF-002
}
