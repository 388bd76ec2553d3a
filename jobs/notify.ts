/** BullMQ processor `notify`: freshness gate, then digests → outbox → one send job per row. */
import type { CycleJobData, Job } from '../src/queue/flow.ts';
import type { Runtime } from '../src/queue/runtime.ts';
import { notifyStage } from '../src/queue/stages.ts';

export default function notify(job: Job<CycleJobData>, rt: Runtime) {
  return notifyStage(rt, job);
}
