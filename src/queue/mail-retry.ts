/**
 * How send jobs wait while the mail server is away: exponential backoff from `jobs.backoffMs`,
 * capped (5 min in production), with jitter — for as long as `mail.retryForMinutes` allows (the
 * send stage decides when to give up). An outage of an hour heals without an operator.
 */

/** The BullMQ backoff type of send jobs (the workers' backoffStrategy answers it). */
export const MAIL_BACKOFF = 'mail';

export function mailRetryCapMs(baseMs: number): number {
  return Math.min(5 * 60_000, Math.max(baseMs, 1000) * 16);
}

/** Delay before attempt `attemptsMade + 1`: base, 2·base, 4·base … capped, ±20 % jitter. */
export function mailRetryDelay(baseMs: number, attemptsMade: number, random: () => number = Math.random): number {
  const exp = Math.max(baseMs, 1) * 2 ** Math.max(0, Math.min(attemptsMade - 1, 30));
  const capped = Math.min(exp, mailRetryCapMs(baseMs));
  return Math.round(capped * (0.8 + 0.4 * random()));
}
