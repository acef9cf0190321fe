package main

import (
	"net"
	"net/http"
	"time"
)

func plain() {
	http.ListenAndServe(":8080", nil) // expect: SAF-002
}

func plainTLS() {
	http.ListenAndServeTLS(":8443", "cert.pem", "key.pem", nil) // expect: SAF-002
}

func serve(l net.Listener) {
	http.Serve(l, nil) // expect: SAF-002
}

func serveTLS(l net.Listener) {
	http.ServeTLS(l, nil, "cert.pem", "key.pem") // expect: SAF-002
}

func bare() {
	srv := &http.Server{Addr: ":8080"} // expect: SAF-002
	srv.ListenAndServe()
}

func value() {
	srv := http.Server{ // expect: SAF-002
		Addr:         ":8080",
		WriteTimeout: 10 * time.Second,
	}
	srv.ListenAndServe()
}

func headerBound() {
	srv := &http.Server{Addr: ":8080", ReadHeaderTimeout: 3 * time.Second} // ok: SAF-002
	srv.ListenAndServe()
}

func readBound() {
	srv := &http.Server{ // ok: SAF-002
		Addr:        ":8080",
		ReadTimeout: 5 * time.Second,
	}
	srv.ListenAndServeTLS("cert.pem", "key.pem")
}

func setLater() {
	srv := &http.Server{Addr: ":8080"} // ok: SAF-002
	srv.ReadHeaderTimeout = 2 * time.Second
	srv.ListenAndServe()
}

func main() {
	plain()
}
