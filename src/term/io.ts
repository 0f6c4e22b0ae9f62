// Text output for the command-line front ends (vdisk, the agent, the gateway): what a command needs
// from its surroundings, so it runs the same in-process (tests) and as a process. Importing this file
// does nothing; a process that wants the broken-pipe rule calls `quietBrokenPipes()` itself.
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

let guarded = false;

/** `vdisk map big.qcow2 | head` closes the pipe early: that is the reader's choice, not an error. */
export function quietBrokenPipes(): void {
  if (guarded) return;
  guarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      else throw e;
    });
  }
}
