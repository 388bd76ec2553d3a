/** BullMQ processor `evaluate`: freshness gate, then rules → alerts. */
import type { Job } from 'bullmq';
import type { CycleJobData } from '../src/queue/cycle.ts';
import type { Runtime } from '../src/queue/runtime.ts';
import { evaluateStage } from '../src/queue/stages.ts';

export default function evaluate(job: Job<CycleJobData>, rt: Runtime) {
  return evaluateStage(rt, job);
}
