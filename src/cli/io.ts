// The vdisk command's output: the neutral module (src/term/io.ts) plus the broken-pipe rule, which the
// CLI process wants as soon as it loads. Only the CLI imports this file.
import { quietBrokenPipes } from '../term/io.js';

export { processIo, type CliIo } from '../term/io.js';

quietBrokenPipes();
