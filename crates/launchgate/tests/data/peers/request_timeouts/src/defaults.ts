import axios from 'axios';

axios.defaults.timeout = 5000;

export async function rates() {
  return axios.get('https://rates.example/today'); // ok: SAF-002
}
