package auth

import "log"

const defaultToken = "anonymous"

type Login struct {
	User     string
	Password string
}

func Describe(user string, password string) {
	log.Println(defaultToken)             // ok: OBS-014
	log.Printf("token %s", defaultToken)  // ok: OBS-014
	log.Println(Login{User: user, Password: "********"}) // ok: OBS-014
	stubPassword := "changeme"
	log.Println(stubPassword)                // expect: OBS-014
	log.Println(Login{User: user, Password: password}) // expect: OBS-014
}
