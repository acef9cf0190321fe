function more(user, password, userId) {
  console.log('User password: %s', password); // expect: OBS-014
  console.log(`${user.password}`); // expect: OBS-014
  console.warn('secret=' + user.clientSecret); // expect: OBS-014

  console.log('token refreshed for', userId); // ok: OBS-014
  console.log('password policy version', user.passwordPolicyVersion); // ok: OBS-014
}

module.exports = { more };
