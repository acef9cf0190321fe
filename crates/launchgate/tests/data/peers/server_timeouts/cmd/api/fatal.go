package main

import (
	"log"
	"net/http"
)

func serveFatal(mux *http.ServeMux) {
	log.Fatal(http.ListenAndServe(":8080", mux)) // expect: SAF-002
}
