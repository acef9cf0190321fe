import axios from 'axios';

const bare = axios.create({ baseURL: 'https://api.example' });
const bounded = axios.create({ baseURL: 'https://api.example', timeout: 3000 });
const later = axios.create({ baseURL: 'https://api.example' });
later.defaults.timeout = 2500;

export async function useThem(id: string) {
  await bare.get(`/orders/${id}`); // expect: SAF-002
  await bare.get(`/orders/${id}`, { timeout: 1000 }); // ok: SAF-002
  await bounded.post('/orders', { id }); // ok: SAF-002
  await later.get(`/orders/${id}`); // ok: SAF-002
}
