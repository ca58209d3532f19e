export { parseScheduleExpression, type ScheduleExpression } from './schedule-expression.js';
export {
  Scheduler,
  type JobFn,
  type JobInfo,
  type ScheduleOverride,
  type ScheduleSpec,
  type SchedulerOptions,
} from './scheduler.js';
export { bindServiceSchedules } from './service-schedules.js';
