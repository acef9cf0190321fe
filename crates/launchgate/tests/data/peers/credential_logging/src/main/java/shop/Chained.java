package shop;

import org.apache.logging.log4j.LogManager;

public class Chained {
    public void reset(String password, String userName) {
        LogManager.getLogger(Chained.class).info("reset to " + password); // expect: OBS-014
        LogManager.getLogger(Chained.class).info("reset for " + userName); // ok: OBS-014
    }
}
