package auth

import (
	"log"
	"log/slog"
	"net/http"

	"github.com/sirupsen/logrus"
	"go.uber.org/zap"
)

type User struct {
	Name         string
	ID           int
	Password     string
	PasswordHash string
	APIKey       string
	TokenExpiry  string
}

func Login(u User, token string, r *http.Request, z *zap.Logger) {
	log.Printf("login %s password %s", u.Name, u.Password) // expect: OBS-014
	log.Println("token:", token)                          // expect: OBS-014
	log.Printf("auth header %s", r.Header.Get("Authorization")) // expect: OBS-014
	slog.Info("login", "api_key", u.APIKey)               // expect: OBS-014
	z.Info("login", zap.String("password", u.Password))   // expect: OBS-014
	logrus.WithField("token", token).Info("login")        // expect: OBS-014

	log.Printf("password reset for %s", u.Name)         // ok: OBS-014
	log.Printf("login for user id %d", u.ID)            // ok: OBS-014
	slog.Info("login", "user", u.Name)                  // ok: OBS-014
	z.Info("hash", zap.String("password_hash", u.PasswordHash)) // ok: OBS-014
	logrus.WithField("token_expiry", u.TokenExpiry).Info("login") // ok: OBS-014
	log.Printf("password length %d", len(u.Password))   // ok: OBS-014
}
