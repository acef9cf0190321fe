const logger = require('pino')();

function report(token, apiKey, expected) {
  logger.info(`token set ${token !== undefined}`); // ok: OBS-014
  logger.info('api key set %s', !!apiKey); // ok: OBS-014
  logger.info({ keyMissing: !apiKey }, 'checked'); // ok: OBS-014
  logger.info('key type %s', typeof apiKey); // ok: OBS-014
  logger.info('token matches %s', token === expected); // ok: OBS-014
  logger.info('token %s', token || 'none'); // expect: OBS-014
}

module.exports = { report };
