// Idempotency keys of POST /v1/jobs, scoped per caller. A key is claimed with its body digest
// synchronously, before the submission awaits anything, so two concurrent submissions with one key
// can never both start a job. A submission that is refused releases its claim (nothing ran, so the
// same key and body may be tried again); a started job binds the key for as long as the job is kept.
import { VdiskError } from '../../errors/vdisk-error.js';

interface Entry<T> {
  digest: string;
  outcome: Promise<T>;
}

export type Claim<T> = { kind: 'taken'; outcome: Promise<T> } | { kind: 'new'; settle(work: Promise<T>): Promise<T> };

export class IdempotencyKeys<T> {
  private readonly entries = new Map<string, Entry<T>>();

  /**
   * Same caller, key and digest → the bound job, or the outcome of the submission still in flight
   * (it shares that submission's answer, error included); same caller and key with another digest →
   * E_IDEMPOTENCY_MISMATCH naming nothing; otherwise a new claim the caller settles with its work.
   */
  claim(caller: string, key: string, digest: string): Claim<T> {
    const k = scoped(caller, key);
    const seen = this.entries.get(k);
    if (seen) {
      if (seen.digest !== digest)
        throw new VdiskError('E_IDEMPOTENCY_MISMATCH', 'this Idempotency-Key was used with another request body');
      return { kind: 'taken', outcome: seen.outcome };
    }
    let settle!: (work: Promise<T>) => void;
    const entry: Entry<T> = {
      digest,
      outcome: new Promise<T>((resolve, reject) => (settle = (w) => w.then(resolve, reject))),
    };
    // Nobody may be left with an unhandled rejection when no concurrent twin awaits it.
    entry.outcome.catch(() => undefined);
    this.entries.set(k, entry);
    return {
      kind: 'new',
      settle: (work) => {
        settle(work);
        return work.catch((e: unknown) => {
          if (this.entries.get(k) === entry) this.entries.delete(k);
          throw e;
        });
      },
    };
  }

  /** A job recovered from the journal keeps its key bound. */
  bind(caller: string, key: string, digest: string, value: T): void {
    this.entries.set(scoped(caller, key), { digest, outcome: Promise.resolve(value) });
  }

  /** The job left memory (moved to the history file): its key is free again. */
  forget(caller: string, key: string): void {
    this.entries.delete(scoped(caller, key));
  }

  get size(): number {
    return this.entries.size;
  }
}

const scoped = (caller: string, key: string) => `${caller}\n${key}`;
