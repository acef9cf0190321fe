const SERVICE_TOKEN = 'public-demo';

function describe(account) {
  const defaultPassword = 'changeme';
  console.log(defaultPassword); // ok: OBS-014
  console.log(SERVICE_TOKEN); // ok: OBS-014
  const shown = account.password ? '(set)' : '(unset)';
  console.log({ password: shown }); // ok: OBS-014
  const summary = { password: shown, owner: account.owner };
  console.log(summary); // ok: OBS-014
  console.log(account.password ? 'password set' : 'no password'); // ok: OBS-014
  console.log({ password: '********' }); // ok: OBS-014
  console.log(`${account.token ? 'with' : 'without'} a token`); // ok: OBS-014
  console.log(account.password ? account.password : 'none'); // expect: OBS-014
  let token = 'placeholder';
  token = account.token;
  console.log(token); // expect: OBS-014
  const reported = { password: account.password ? 'set' : account.password };
  console.log(reported); // expect: OBS-014
}

module.exports = { describe };
