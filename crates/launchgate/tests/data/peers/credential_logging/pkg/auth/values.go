package auth

import (
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/sirupsen/logrus"
)

var ErrBadPassword = errors.New("bad password")

type Upstream struct {
	Host     string
	Password string
	Secret   string
}

func Connect(user string, apiToken fmt.Stringer) {
	password := loadPassword()
	log.Println(password)       // expect: OBS-014
	log.Println(ReadAPIToken()) // expect: OBS-014
	copyOf := password
	log.Printf("connecting with %s", copyOf) // expect: OBS-014
	up := Upstream{
		Host:   "db",
		Secret: password,
	}
	log.Println(up)        // expect: OBS-014
	log.Println(up.Secret) // expect: OBS-014
	log.Println(up.Host)   // ok: OBS-014
	log.Println(os.Environ()) // expect: OBS-014

	log.Println(ErrBadPassword)                  // ok: OBS-014
	stored := bcryptHash(password)
	log.Println(stored)                          // ok: OBS-014
	log.Println(Upstream{Password: hashOf(password)}) // ok: OBS-014
	log.Println(os.Getenv("HOME"))               // ok: OBS-014
	placeholderToken := "-"
	log.Println(placeholderToken)                // ok: OBS-014

	std := log.Default()
	std.Printf("using %s", password) // expect: OBS-014
	log.Output(2, password)          // expect: OBS-014
	log.Println("value", apiToken.String()) // expect: OBS-014
	log.Printf("password is a %T", password) // ok: OBS-014
	std.Printf("%T %d", password, len(password)) // ok: OBS-014

	entry := logrus.WithField("password", password) // expect: OBS-014
	entry.Warn("connecting")                        // ok: OBS-014
	entry.Warn("connected")                         // ok: OBS-014
	byUser := logrus.WithField("user", user)
	byUser.Warn("connecting") // ok: OBS-014

	creds := logrus.Fields{"password": password, "user": user}
	logrus.WithFields(creds).Error("refused") // expect: OBS-014
	who := logrus.Fields{"user": user}
	logrus.WithFields(who).Error("refused") // ok: OBS-014
	later := make(logrus.Fields)
	later["secret"] = password
	logrus.WithFields(later).Error("refused") // expect: OBS-014
}
