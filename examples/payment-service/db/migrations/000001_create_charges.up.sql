-- Charges as the provider confirmed them; the idempotency key makes a retried request one charge.
CREATE TABLE charges (
    id               bigserial PRIMARY KEY,
    idempotency_key  text        NOT NULL UNIQUE,
    customer_id      text        NOT NULL,
    amount_minor     bigint      NOT NULL CHECK (amount_minor > 0),
    currency         char(3)     NOT NULL,
    status           text        NOT NULL,
    provider_id      text,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX charges_customer_idx ON charges (customer_id);
