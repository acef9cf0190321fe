package main

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

type Config struct {
	HeaderTimeout time.Duration
}

func fromConfig(cfg Config, mux *http.ServeMux) error {
	srv := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: cfg.HeaderTimeout} // ok: SAF-002
	return srv.ListenAndServe()
}

func empty() {
	srv := http.Server{} // expect: SAF-002
	srv.ListenAndServe()
}

func withMux() {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {})
	if err := http.ListenAndServe(":8080", mux); err != nil { // expect: SAF-002
		panic(err)
	}
}

func ginRun() {
	r := gin.Default()
	r.Run(":8080") // expect: SAF-002
}
