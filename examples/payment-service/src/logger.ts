// One structured logger for the service: every line is a JSON object (pino).
import pino from 'pino';

export const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
