/** BullMQ processor `send`: one outbox row by SMTP (or to an .eml file). */
import type { SendJobData, Job } from '../src/queue/flow.ts';
import type { Runtime } from '../src/queue/runtime.ts';
import { sendStage } from '../src/queue/stages.ts';

export default function send(job: Job<SendJobData>, rt: Runtime) {
  return sendStage(rt, job);
}
