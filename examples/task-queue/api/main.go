// Command api accepts tasks over HTTP and hands them to the queue.
package main

import (
	"context"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.uber.org/zap"
)

func main() {
	log, _ := zap.NewProduction()
	defer log.Sync()

	mux := http.NewServeMux()
	mux.Handle("/v1/tasks", otelhttp.NewHandler(http.HandlerFunc(submit), "submit"))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	go http.ListenAndServe(":9090", promhttp.Handler())

	srv := &http.Server{Addr: ":8080", Handler: requireAPIKey(mux), ReadHeaderTimeout: 2 * time.Second}
	go srv.ListenAndServe()

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
}

// requireAPIKey answers 401 to a request without the caller's API key; the health check is
// open to the load balancer.
func requireAPIKey(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" && r.Header.Get("X-Api-Key") == "" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func submit(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusAccepted)
}
