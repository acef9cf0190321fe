// Risk score of a charge from the fraud team's service, asked before the provider is called.
import axios from 'axios';
import type { ChargeInput } from './stripe';

export async function scoreCharge(input: ChargeInput): Promise<number> {
  const response = await axios.post('https://fraud.internal/v1/score', {
    amountMinor: input.amountMinor,
    currency: input.currency,
    customerId: input.customerId,
  });
  return response.data.score;
}
