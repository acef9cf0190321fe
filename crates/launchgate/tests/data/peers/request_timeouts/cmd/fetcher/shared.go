package main

import (
	"net/http"
	"time"
)

var plain = &http.Client{}

var tuned = &http.Client{
	Timeout: 8 * time.Second,
}

func usePlain(req *http.Request) (*http.Response, error) {
	return plain.Do(req) // expect: SAF-002
}

func useTuned(req *http.Request) (*http.Response, error) {
	return tuned.Do(req) // ok: SAF-002
}

func valueClient(url string) {
	client := http.Client{}
	client.Get(url) // expect: SAF-002
}
