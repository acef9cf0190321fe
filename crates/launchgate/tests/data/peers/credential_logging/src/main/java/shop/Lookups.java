package shop;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class Lookups {
    private static final Logger log = LoggerFactory.getLogger(Lookups.class);

    void connect(Environment env, Request req, KeyStore keys, String id) {
        log.info("db {}", System.getenv("DB_PASSWORD")); // expect: OBS-014
        log.info("db {}", env.getProperty("spring.datasource.password")); // expect: OBS-014
        log.info("login {}", req.getParameter("password")); // expect: OBS-014
        log.info("key {}", keys.getApiKey(id)); // expect: OBS-014
        log.info("user {}", keys.findUserByEmail(id)); // ok: OBS-014
        log.info("policy {}", env.getProperty("password.policy")); // ok: OBS-014
    }
}
