package auth

import "log"

func Report(token string, apiKey string) {
	log.Printf("token set: %v", token != "")            // ok: OBS-014
	log.Printf("token ends %s", token[len(token)-4:])   // ok: OBS-014
	log.Printf("token starts %s", token[:4])            // ok: OBS-014
	log.Printf("token %s", token[:20])                  // expect: OBS-014
	log.Printf("key set: %t", !(apiKey == ""))          // ok: OBS-014
}
