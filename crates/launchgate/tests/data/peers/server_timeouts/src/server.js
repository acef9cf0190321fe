const http = require('http');

const server = http.createServer((req, res) => res.end('ok')); // ok: SAF-002
server.listen(8080);

const open = http.createServer((req, res) => res.end('ok')); // expect: SAF-002
open.headersTimeout = 0;
open.requestTimeout = 0;
open.listen(8081);
