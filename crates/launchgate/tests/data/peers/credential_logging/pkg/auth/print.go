package auth

import (
	"fmt"
	"log/slog"
)

func Print(name, password, token string, l *slog.Logger) {
	fmt.Println("password:", password)    // expect: OBS-014
	fmt.Printf("token=%s\n", token)        // expect: OBS-014
	l.Info("login", "password", password) // expect: OBS-014

	fmt.Printf("password reset for %s\n", name) // ok: OBS-014
	l.Info("login", "user", name)               // ok: OBS-014
}
