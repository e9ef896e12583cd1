/** Process exit codes, the same for every command. */
export const ExitCode = {
  ok: 0,
  /** The work failed: a build, a delivery, a rollout. */
  failure: 1,
  /** Bad usage or bad configuration: nothing was touched. */
  usage: 2,
  /** Interrupted by the user (Ctrl-C). */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
