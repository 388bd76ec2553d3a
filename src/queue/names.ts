/** Queue names and job ids: the one place they are spelled. */

export const QUEUE_NAMES = ['fetch', 'ingest', 'evaluate', 'notify', 'send'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** BullMQ 6 refuses `:` in custom ids, and all-digit ids; ours always start with a word. */
export function safeJobId(...parts: (string | number)[]): string {
  return parts
    .map(String)
    .join('-')
    .replace(/[:\s/]+/g, '_');
}

/**
 * The job-id stem of a cycle in this database: the cycle key plus the database's own id
 * (`cycle-dvcqg-H19-year2026-2026W47-i3f9a1c2e7b04`), so two databases sharing a Redis prefix
 * never take each other's jobs for their own (migrations/0004).
 */
export function cycleJobStem(cycleKey: string, instance: string): string {
  return safeJobId(cycleKey, `i${instance}`);
}

/** Job ids of one capture attempt of a cycle: `<stem>-a1-ingest`. */
export function stageJobId(stem: string, attempt: number, stage: Exclude<QueueName, 'fetch' | 'send'>): string {
  return safeJobId(stem, `a${attempt}`, stage);
}

export function fetchJobId(stem: string, attempt: number, requestKey: string): string {
  return safeJobId(stem, `a${attempt}`, 'fetch', requestKey);
}

export function sendJobId(instance: string, outboxId: number): string {
  return safeJobId('send', `i${instance}`, `outbox${outboxId}`);
}
