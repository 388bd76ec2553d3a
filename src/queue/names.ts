/** Queue names and job ids: the one place they are spelled. */

/** Redis key prefix of every queue (CHISO766_QUEUE_PREFIX overrides it, e.g. to isolate tests). */
export function queuePrefix(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHISO766_QUEUE_PREFIX || 'chiso766';
}

export const QUEUE_NAMES = ['fetch', 'ingest', 'evaluate', 'notify', 'send'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** BullMQ 6 refuses `:` in custom ids, and all-digit ids; ours always start with a word. */
export function safeJobId(...parts: (string | number)[]): string {
  return parts
    .map(String)
    .join('-')
    .replace(/[:\s/]+/g, '_');
}

/** Job ids of one capture attempt of a cycle: `cycle-dvcqg-H19-year2026-2026W47-a1-ingest`. */
export function stageJobId(cycleKey: string, attempt: number, stage: Exclude<QueueName, 'fetch' | 'send'>): string {
  return safeJobId(cycleKey, `a${attempt}`, stage);
}

export function fetchJobId(cycleKey: string, attempt: number, requestKey: string): string {
  return safeJobId(cycleKey, `a${attempt}`, 'fetch', requestKey);
}

export function sendJobId(outboxId: number): string {
  return safeJobId('send', `outbox${outboxId}`);
}
