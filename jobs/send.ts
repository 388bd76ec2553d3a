/** BullMQ processor `send`: one outbox row by SMTP (or to an .eml file). */
import type { Job } from 'bullmq';
import type { SendJobData } from '../src/queue/cycle.ts';
import type { Runtime } from '../src/queue/runtime.ts';
import { sendStage } from '../src/queue/stages.ts';

export default function send(job: Job<SendJobData>, rt: Runtime) {
  return sendStage(rt, job);
}
