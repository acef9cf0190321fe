const axios = require('axios');
const got = require('got');
const http = require('http');
const https = require('https');

async function calls(url, body) {
  await axios.get(url); // expect: SAF-002
  await axios.post(url, body); // expect: SAF-002
  await axios.put(url, body, { headers: { a: 'b' } }); // expect: SAF-002
  await axios.delete(url); // expect: SAF-002
  await axios(url); // expect: SAF-002
  await axios({ method: 'get', url }); // expect: SAF-002
  await axios.request({ method: 'get', url }); // expect: SAF-002
  await axios.get(url, { timeout: 0 }); // expect: SAF-002
  await axios.get(url, { timeout: 2000 }); // ok: SAF-002
  await axios.post(url, body, { timeout: 2000 }); // ok: SAF-002
  await axios({ method: 'get', url, timeout: 1500 }); // ok: SAF-002
  await axios.get(url, { signal: AbortSignal.timeout(2000) }); // ok: SAF-002
}

async function fetches(url) {
  await fetch(url); // expect: SAF-002
  await fetch(url, { method: 'POST' }); // expect: SAF-002
  await fetch(url, { signal: AbortSignal.timeout(2000) }); // ok: SAF-002
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 2000);
  await fetch(url, { signal: controller.signal }); // ok: SAF-002
  clearTimeout(timer);
}

async function gots(url) {
  await got(url); // expect: SAF-002
  await got.post(url, { json: {} }); // expect: SAF-002
  await got(url, { timeout: { request: 2000 } }); // ok: SAF-002
}

function nodeHttp(url, cb) {
  http.get(url, cb); // expect: SAF-002
  https.request(url, { method: 'POST' }, cb); // expect: SAF-002
  https.request(url, { method: 'POST', timeout: 2000 }, cb); // ok: SAF-002
  const req = http.request(url, cb); // ok: SAF-002
  req.setTimeout(2000, () => req.destroy());
  req.end();
}

module.exports = { calls, fetches, gots, nodeHttp };
