/** BullMQ processor `ingest`: the capture's raw payloads → snapshots + observations. */
import type { Job } from 'bullmq';
import type { CycleJobData } from '../src/queue/cycle.ts';
import type { Runtime } from '../src/queue/runtime.ts';
import { ingestStage } from '../src/queue/stages.ts';

export default function ingest(job: Job<CycleJobData>, rt: Runtime) {
  return ingestStage(rt, job);
}
