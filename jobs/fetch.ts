/** BullMQ processor `fetch`: one portal request into the raw archive. */
import type { FetchJobData, Job } from '../src/queue/flow.ts';
import type { Runtime } from '../src/queue/runtime.ts';
import { fetchStage } from '../src/queue/stages.ts';

export default function fetch(job: Job<FetchJobData>, rt: Runtime) {
  return fetchStage(rt, job);
}
