/** BullMQ processor `evaluate`: the rules of one scope (the national ranking or a province) → alerts. */
import type { EvaluateJobData, Job } from '../src/queue/flow.ts';
import type { Runtime } from '../src/queue/runtime.ts';
import { evaluateStage } from '../src/queue/stages.ts';

export default function evaluate(job: Job<EvaluateJobData>, rt: Runtime) {
  return evaluateStage(rt, job);
}
