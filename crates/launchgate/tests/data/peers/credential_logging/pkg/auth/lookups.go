package auth

import (
	"context"
	"log"
	"os"
)

type Vault interface {
	GetSecret(ctx context.Context, name string) string
	GetUserByToken(ctx context.Context, token string) string
}

func Connect(ctx context.Context, v Vault, name string) {
	log.Printf("db %s", os.Getenv("DB_PASSWORD"))      // expect: OBS-014
	log.Printf("db %s", os.Getenv("DATABASE_URL"))     // expect: OBS-014
	log.Printf("secret %s", v.GetSecret(ctx, name))    // expect: OBS-014
	log.Printf("user %s", v.GetUserByToken(ctx, name)) // ok: OBS-014
	log.Printf("region %s", os.Getenv("AWS_REGION"))   // ok: OBS-014
}
