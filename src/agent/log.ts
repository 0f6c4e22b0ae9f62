// Structured logs: one JSON object per line (time, event name, fields), written to stderr by
// default. Every part of the agent logs through this, so a log shipper needs no parsing rules.
export type LogFields = Record<string, unknown>;
export type Logger = (event: string, fields?: LogFields) => void;

export function jsonLogger(write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  return (event, fields = {}) => {
    const line = { time: new Date().toISOString(), event, ...fields };
    try {
      write(`${JSON.stringify(line)}\n`);
    } catch {
      // A log line must never take the agent down (e.g. a closed stderr pipe).
    }
  };
}

/** Discards everything (tests that do not look at logs). */
export const silentLogger: Logger = () => undefined;
