const winston = require('winston');
const pino = require('pino');

const logger = winston.createLogger({ transports: [new winston.transports.Console()] });
const log = pino();

function login(user, password, req) {
  console.log(password); // expect: OBS-014
  console.log('password: ' + password); // expect: OBS-014
  console.info(`token ${user.token}`); // expect: OBS-014
  console.error('auth failed', { apiKey: user.apiKey }); // expect: OBS-014
  logger.info('login', { password }); // expect: OBS-014
  logger.info(`authorization: ${req.headers.authorization}`); // expect: OBS-014
  log.info({ secret: user.secret }, 'login'); // expect: OBS-014
  console.log('card', user.creditCardNumber); // expect: OBS-014

  console.log('password reset for', user.name); // ok: OBS-014
  console.log('login for user', user.id); // ok: OBS-014
  logger.info('token expired', { expiresAt: user.tokenExpiresAt }); // ok: OBS-014
  logger.info('password length', { length: password.length }); // ok: OBS-014
  log.info({ userId: user.id, hasToken: Boolean(user.token) }, 'login'); // ok: OBS-014
  console.log('hash', user.passwordHash); // ok: OBS-014
  console.log('Invalid password'); // ok: OBS-014
}

module.exports = { login };
