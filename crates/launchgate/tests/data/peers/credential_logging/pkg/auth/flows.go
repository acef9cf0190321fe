package auth

import (
	"log"
	"net/http"
)

func Handle(r *http.Request) {
	token := r.Header.Get("Authorization")
	log.Println("request with", token) // expect: OBS-014
	user := r.FormValue("user")
	log.Println("request by", user) // ok: OBS-014
}
