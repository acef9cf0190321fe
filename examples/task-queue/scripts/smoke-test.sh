#!/bin/sh
# Submits a task, waits for it to complete, and checks its result.
set -eu
base="$1"
id=$(curl --fail --silent -X POST "$base/v1/tasks" -H 'Idempotency-Key: smoke-'"$(date +%s)" \
  -d '{"kind":"echo","payload":"smoke"}' | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
for _ in $(seq 1 30); do
  state=$(curl --fail --silent "$base/v1/tasks/$id" | sed -n 's/.*"state":"\([^"]*\)".*/\1/p')
  [ "$state" = "succeeded" ] && exit 0
  sleep 2
done
echo "task $id did not complete" >&2
exit 1
