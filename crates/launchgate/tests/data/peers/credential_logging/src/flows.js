// The two reads below are known misses: the prefilter parses a log call only when its own
// text can name what it writes, and neither call does.
function signIn(req, logger) {
  const pw = req.body.password;
  console.log('attempt', pw); // miss: OBS-014
  const auth = req.headers['authorization'];
  console.debug(auth); // miss: OBS-014
  const who = req.body.username;
  console.log('attempt by', who); // ok: OBS-014
}

module.exports = { signIn };
