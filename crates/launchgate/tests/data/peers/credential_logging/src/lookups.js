const logger = require('pino')();

function connect(config, secrets, users, email) {
  logger.info(`db ${config.get('db.password')}`); // expect: OBS-014
  logger.info({ key: secrets.getSecret('stripe') }, 'loaded'); // expect: OBS-014
  logger.info('stored %s', localStorage.getItem('refreshToken')); // expect: OBS-014
  logger.info('user %s', users.getUserByEmail(email)); // ok: OBS-014
  logger.info('db %s', config.connectionString); // expect: OBS-014
  logger.info('theme %s', localStorage.getItem('theme')); // ok: OBS-014
}

module.exports = { connect };
