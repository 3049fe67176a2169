/** One CLI command: parses its own args, prints, and returns the process exit code. */
export interface CommandModule {
  run(args: string[]): Promise<number>;
}
