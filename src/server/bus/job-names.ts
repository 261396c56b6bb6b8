/**
 * The job names of the catalogue as a runtime list (the catalogue itself is a type). Listing them
 * in a `Record<JobName, true>` makes the compiler insist that a new job is added here too.
 */
import type { JobName } from '../../shared/bus-events';

const ALL: Record<JobName, true> = {
  'message.analyze': true,
  'messages.analyze': true,
  'chat.assign': true,
  'chat.inactivity': true,
  'chat.merit': true,
  'ops.backup': true,
  'ops.retention': true,
  'webhook.deliver': true,
};

/** Every job name of the catalogue. */
export const JOB_NAMES = Object.keys(ALL) as JobName[];
