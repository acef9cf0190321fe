package shop;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class Presence {
    private static final Logger log = LoggerFactory.getLogger(Presence.class);

    void describe(String password, String token) {
        log.info("password " + (password != null ? "set" : "unset")); // ok: OBS-014
        log.info("token: {}", token == null ? "none" : "present"); // ok: OBS-014
        log.info("token: {}", token == null ? "none" : token); // expect: OBS-014
    }
}
