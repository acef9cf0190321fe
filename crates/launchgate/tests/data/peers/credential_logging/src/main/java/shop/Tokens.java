package shop;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class Tokens {
    private static final Logger log = LoggerFactory.getLogger(Tokens.class);

    void refresh(Vault vault, String refreshToken, String cursorToken, String emptyToken) {
        log.info("refreshed {}", vault.fetchSecret()); // expect: OBS-014
        log.info("token " + refreshToken.substring(0, 16)); // expect: OBS-014
        log.info("token " + refreshToken.strip()); // expect: OBS-014
        log.info("value " + refreshToken.toString()); // expect: OBS-014
        log.info("value " + "[".concat(refreshToken)); // expect: OBS-014

        log.info("token " + refreshToken.substring(0, 4) + "..."); // ok: OBS-014
        log.info("token " + refreshToken.replaceAll(".", "*")); // ok: OBS-014
        log.info("next page " + cursorToken); // ok: OBS-014
        log.info("none " + emptyToken); // ok: OBS-014
    }
}
