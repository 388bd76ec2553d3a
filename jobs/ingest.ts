/** BullMQ processor `ingest`: one scope's raw payloads → its snapshot + observations. */
import type { IngestJobData, Job } from '../src/queue/flow.ts';
import type { Runtime } from '../src/queue/runtime.ts';
import { ingestStage } from '../src/queue/stages.ts';

export default function ingest(job: Job<IngestJobData>, rt: Runtime) {
  return ingestStage(rt, job);
}
