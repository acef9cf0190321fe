package auth

import "github.com/golang/glog"

func Rotate(name, secret string) {
	glog.Infof("rotated %s to %s", name, secret) // expect: OBS-014
	glog.Infof("rotated secret %s", name)        // ok: OBS-014
}
