//! safety checks, listed in ID order.

use crate::Check;

pub(crate) mod circuit_breakers;
pub(crate) mod dead_letter_queues;
pub(crate) mod dependency_timeouts;
pub(crate) mod graceful_shutdown;
pub(crate) mod idempotent_writes;
pub(crate) mod kill_switch;
pub(crate) mod rate_limiting;
pub(crate) mod retries_with_backoff;

pub(crate) static CHECKS: &[&dyn Check] = &[
    &dependency_timeouts::DependencyTimeouts,
    &retries_with_backoff::RetriesWithBackoff,
    &circuit_breakers::CircuitBreakers,
    &rate_limiting::RateLimiting,
    &graceful_shutdown::GracefulShutdown,
    &idempotent_writes::IdempotentWrites,
    &dead_letter_queues::DeadLetterQueues,
    &kill_switch::KillSwitch,
];
