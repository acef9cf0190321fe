// Entry point: HTTP server with graceful shutdown. launchgate reads this code too: the server's
// timeouts (Node's defaults bound slow clients) and the SIGTERM handler that drains it.
const express = require("express");
const pino = require("pino");

const log = pino();
const app = express();
app.get("/healthz", (_req, res) => res.send("ok"));
app.get("/ready", (_req, res) => res.send("ready"));

const server = app.listen(8080, () => log.info({ port: 8080 }, "listening"));
process.on("SIGTERM", () => {
  log.info("draining");
  server.close(() => process.exit(0));
});
