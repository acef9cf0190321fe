// The log calls' own text names nothing sensitive: the names they write were bound to a
// password and an authorization header on the lines before.
function signIn(req, logger) {
  const pw = req.body.password;
  console.log('attempt', pw); // expect: OBS-014
  const auth = req.headers['authorization'];
  console.debug(auth); // expect: OBS-014
  const who = req.body.username;
  console.log('attempt by', who); // ok: OBS-014
}

module.exports = { signIn };
