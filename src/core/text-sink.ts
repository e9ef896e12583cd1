/** Where text output goes. Commands and reporters never touch `process.stdout` directly. */
export interface TextSink {
  write(text: string): void;
  /** True when a person is watching (a TTY), false for pipes and CI. */
  readonly isTTY: boolean;
  /** Terminal width, when known. */
  readonly columns?: number;
}
