const debug = require('debug')('accounts:values');

function remember(req, vault) {
  const passcode = req.body.passcode;
  const held = passcode;
  console.log(`held ${held}`); // expect: OBS-014
  debug('token %s', vault.token); // expect: OBS-014
  const conn = {
    host: 'db',
    auth: vault.password,
  };
  console.log(conn.auth); // expect: OBS-014
  console.log(conn); // expect: OBS-014
  console.log(vault.password.toLowerCase()); // expect: OBS-014
  console.log(process.env); // expect: OBS-014
  console.log(util.inspect(process.env)); // expect: OBS-014
  console.log(Object.entries(process.env)); // expect: OBS-014
  console.log(Object.keys(process.env)); // ok: OBS-014

  console.log(conn.host); // ok: OBS-014
  console.log(vault.password.replace(/./g, '#')); // ok: OBS-014
  console.log(vault.token.slice(-4)); // ok: OBS-014
  const sealed = encryptValue(vault.password);
  console.log(sealed); // ok: OBS-014
  console.log({ password: hashOf(vault.password) }); // ok: OBS-014
  console.log(process.env.NODE_ENV); // ok: OBS-014
  const audit = {};
  audit.secret = vault.secret;
  console.log(audit); // expect: OBS-014
  const note = {};
  note.vault = vault.name;
  console.log(note); // ok: OBS-014
}

module.exports = { remember };
