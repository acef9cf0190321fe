package shop;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class Flags {
    private static final Logger log = LoggerFactory.getLogger(Flags.class);

    void report(String token, String password) {
        log.info("token present {}", token != null); // ok: OBS-014
        log.info("password empty {}", password == null || password.isEmpty()); // ok: OBS-014
        log.info("has password {}", !password.isBlank()); // ok: OBS-014
        log.info("token {}", token); // expect: OBS-014
    }
}
