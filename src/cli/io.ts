// What a CLI verb needs from its surroundings, so verbs run the same in-process (tests) and as a process.
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

// `vdisk map big.qcow2 | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });
}

export const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};
