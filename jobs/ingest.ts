/** BullMQ processor `ingest`: one scope's raw payloads → its snapshot + observations. */
import type { Job } from 'bullmq';
import type { IngestJobData } from '../src/queue/cycle.ts';
import type { Runtime } from '../src/queue/runtime.ts';
import { ingestStage } from '../src/queue/stages.ts';

export default function ingest(job: Job<IngestJobData>, rt: Runtime) {
  return ingestStage(rt, job);
}
