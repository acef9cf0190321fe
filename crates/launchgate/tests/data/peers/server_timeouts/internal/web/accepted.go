package web

import "net/http"

type Admin struct {
	srv *http.Server
}

// NewAdmin serves the admin pages on the pod network only.
func NewAdmin(addr string, h http.Handler) *Admin {
	return &Admin{
		srv: &http.Server{ // #nosec G112 -- reachable from inside the pod only // ok: SAF-002
			Addr:    addr,
			Handler: h,
		},
	}
}

// NewPublic has a marker for an unrelated rule: it accepts nothing here.
func NewPublic(addr string, h http.Handler) *http.Server {
	return &http.Server{Addr: addr, Handler: h} // #nosec G104 // expect: SAF-002
}
