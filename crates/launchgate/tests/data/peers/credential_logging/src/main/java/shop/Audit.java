package shop;

import java.util.logging.Logger;
import org.apache.logging.log4j.LogManager;

public class Audit {
    private static final Logger AUDIT = Logger.getLogger(Audit.class.getName());
    private static final org.apache.logging.log4j.Logger logger = LogManager.getLogger(Audit.class);

    public void record(User user, String apiKey) {
        logger.info("Password: " + user.getPassword()); // expect: OBS-014
        logger.debug("api key {}", apiKey); // expect: OBS-014
        AUDIT.info("secret " + user.getSecret()); // expect: OBS-014
        AUDIT.warning("password " + user.getPassword()); // expect: OBS-014

        logger.info("User {} logged in", user.getName()); // ok: OBS-014
        AUDIT.info("password changed for " + user.getName()); // ok: OBS-014
    }
}
