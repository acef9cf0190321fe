package shop;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class AuthService {
    private static final Logger log = LoggerFactory.getLogger(AuthService.class);

    public void login(User user, String password, String token) {
        log.info("login {} with password {}", user.getName(), password); // expect: OBS-014
        log.debug("token: " + token); // expect: OBS-014
        log.info("user secret {}", user.getSecret()); // expect: OBS-014
        log.warn("api key {}", user.getApiKey()); // expect: OBS-014
        System.out.println("password=" + password); // expect: OBS-014

        log.info("password reset for {}", user.getName()); // ok: OBS-014
        log.info("login for user id {}", user.getId()); // ok: OBS-014
        log.info("hash {}", user.getPasswordHash()); // ok: OBS-014
        log.info("token expires {}", user.getTokenExpiry()); // ok: OBS-014
        log.info("password length {}", password.length()); // ok: OBS-014
        System.out.println("Invalid password for " + user.getName()); // ok: OBS-014
    }
}
