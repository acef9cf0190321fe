// Command worker takes tasks from the queue and runs them; on SIGTERM it finishes the task in
// hand and stops taking new ones.
package main

import (
	"context"
	"os/signal"
	"syscall"

	"go.uber.org/zap"
)

func main() {
	log, _ := zap.NewProduction()
	defer log.Sync()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	for ctx.Err() == nil {
		// receive, run, delete
	}
	log.Info("drained")
}
