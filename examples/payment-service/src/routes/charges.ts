// POST /v1/charges: one wide event per request, written once when the request ends, with what
// an on-call engineer needs to answer "what happened to this charge" (no card data, no tokens).
import { Router } from 'express';
import { logger } from '../logger';
import { scoreCharge } from '../services/fraud';
import { chargeBreaker, type ChargeInput } from '../services/stripe';

export const charges = Router();

charges.post('/v1/charges', async (req, res) => {
  const started = Date.now();
  const input: ChargeInput = {
    amountMinor: req.body.amountMinor,
    currency: req.body.currency,
    customerId: req.body.customerId,
    idempotencyKey: req.header('Idempotency-Key') ?? '',
  };
  const event: Record<string, unknown> = {
    event: 'charge',
    request_id: req.header('X-Request-Id'),
    customer_id: input.customerId,
    amount_minor: input.amountMinor,
    currency: input.currency,
  };
  try {
    event.risk_score = await scoreCharge(input);
    const result = await chargeBreaker.fire(input);
    event.outcome = result.status;
    event.charge_id = result.id;
    res.status(result.status === 'queued' ? 202 : 201).json(result);
  } catch (err) {
    event.outcome = 'error';
    event.error = err instanceof Error ? err.message : String(err);
    res.status(502).json({ error: 'payment provider unavailable' });
  } finally {
    event.duration_ms = Date.now() - started;
    logger.info(event);
  }
});
