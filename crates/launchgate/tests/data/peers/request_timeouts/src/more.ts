import axios from 'axios';
import fetch from 'node-fetch';

const empty = axios.create();

export async function more(url: string) {
  const { data } = await axios.get<string>(url); // expect: SAF-002
  await empty.get(url); // expect: SAF-002
  await fetch(url); // expect: SAF-002
  await fetch(url, { timeout: 5000 }); // ok: SAF-002
  return data;
}
