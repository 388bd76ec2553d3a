/**
 * Errors of our own infrastructure going away for a moment (PostgreSQL restarting, a connection
 * dropped) are not the job's fault: the job waits and runs again, without using up the attempts
 * meant for the portal's own failures. Anything else fails the attempt as usual.
 */

/** PostgreSQL SQLSTATEs of a server going away or not there yet (class 08 and 57P0x). */
const PG_CODES = /^(08\d{3}|57P0[1-4]|53300)$/;
const MESSAGES =
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|Connection terminated|terminating connection|the database system is (starting up|shutting down|in recovery mode)|not queryable|Client has encountered a connection error|Connection is closed|timeout exceeded when trying to connect/i;

export function isInfraOutage(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (
    typeof e.code === 'string' &&
    (PG_CODES.test(e.code) || /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH)$/.test(e.code))
  )
    return true;
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  // AggregateError (connect to several addresses) and wrapped causes.
  if (Array.isArray(e.errors) && e.errors.some(isInfraOutage)) return true;
  return e.cause !== undefined && e.cause !== err && isInfraOutage(e.cause);
}

/** 0.5 s, 1 s, 2 s … capped at 15 s: about 30 minutes for 130 waits. */
export function infraRetryDelay(n: number): number {
  return Math.min(500 * 2 ** Math.max(0, Math.min(n - 1, 10)), 15_000);
}

/** How many times a job may wait for the infrastructure before it fails like any error. */
export const MAX_INFRA_WAITS = 130;
