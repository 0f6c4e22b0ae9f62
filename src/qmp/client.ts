// A QMP client over a unix socket: greeting and capabilities negotiation, commands with ids and
// per-command timeouts, replies matched by id, events to subscribers. When the socket goes away
// every pending command and event waiter is rejected with E_QMP_DISCONNECTED.
import { createConnection, type Socket } from 'node:net';
import { VdiskError } from '../errors/vdisk-error.js';
import { commandError, disconnectedError, protocolError, timeoutError } from './errors.js';
import { EventHub, type EventListener } from './event-hub.js';
import { LineSplitter, parseMessage, type QmpEvent, type QmpGreeting, type QmpMessage } from './messages.js';
import type { Transcript } from './transcript.js';

export interface QmpClientOptions {
  /** Default time a command may take before it is rejected with E_QMP_TIMEOUT (ms). */
  commandTimeoutMs?: number;
  /** Time allowed for connecting, the greeting and qmp_capabilities together (ms). */
  connectTimeoutMs?: number;
  /** Records every command sent, every reply and every event received. */
  transcript?: Transcript;
}

export interface CommandOptions {
  timeoutMs?: number;
}

interface Pending {
  command: string;
  resolve: (v: unknown) => void;
  reject: (e: VdiskError) => void;
  timer: NodeJS.Timeout;
}

export class QmpClient {
  private readonly pending = new Map<string, Pending>();
  /** Ids of commands that timed out: their late replies are dropped, not treated as protocol errors. */
  private readonly abandoned = new Set<string>();
  private readonly events = new EventHub();
  private readonly lines = new LineSplitter();
  private nextId = 1;
  private failure: VdiskError | undefined;
  private greetingWaiter: ((g: QmpGreeting) => void) | undefined;
  private greetingValue: QmpGreeting | undefined;
  private readonly closedPromise: Promise<VdiskError>;
  private markClosed!: (e: VdiskError) => void;

  private constructor(
    private readonly socket: Socket,
    readonly socketPath: string,
    private readonly options: QmpClientOptions,
  ) {
    this.closedPromise = new Promise((resolve) => (this.markClosed = resolve));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', () => undefined); // 'close' follows and carries the outcome
    socket.on('close', () => this.shutdown(disconnectedError(socketPath)));
  }

  /** Connects, reads the greeting and negotiates capabilities; the client is then ready for commands. */
  static async connect(socketPath: string, options: QmpClientOptions = {}): Promise<QmpClient> {
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    const socket = await openSocket(socketPath, timeoutMs);
    const client = new QmpClient(socket, socketPath, options);
    try {
      client.greetingValue = await client.readGreeting(timeoutMs);
      await client.execute('qmp_capabilities', undefined, { timeoutMs });
      return client;
    } catch (e) {
      socket.destroy();
      throw e;
    }
  }

  get greeting(): QmpGreeting {
    if (!this.greetingValue) throw protocolError('no greeting received');
    return this.greetingValue;
  }

  get isOpen(): boolean {
    return this.failure === undefined;
  }

  /** Resolves with the reason once the connection is gone (closed by either side or broken). */
  get closed(): Promise<VdiskError> {
    return this.closedPromise;
  }

  /** Sends one command and resolves with its `return` value; QEMU's error reply rejects with E_QMP_COMMAND. */
  execute<T = unknown>(command: string, args?: Record<string, unknown>, opts: CommandOptions = {}): Promise<T> {
    if (this.failure) return Promise.reject(disconnectedError(this.socketPath, command));
    const id = `vdisk-${this.nextId++}`;
    const timeoutMs = opts.timeoutMs ?? this.options.commandTimeoutMs ?? 30_000;
    this.options.transcript?.record({ type: 'command', execute: command, ...(args ? { arguments: args } : {}) });
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.abandoned.add(id);
        reject(timeoutError(command, timeoutMs, this.socketPath));
      }, timeoutMs);
      this.pending.set(id, { command, resolve: resolve as (v: unknown) => void, reject, timer });
      this.socket.write(`${JSON.stringify({ execute: command, ...(args ? { arguments: args } : {}), id })}\n`);
    });
  }

  /** Subscribes to all events, or to the events named `name`; returns the unsubscribe function. */
  onEvent(fn: EventListener, name?: string): () => void {
    return this.events.subscribe(fn, name);
  }

  /** The next event `name` accepted by `predicate`. Call it before the command that causes the event. */
  waitForEvent(name: string, predicate: (e: QmpEvent) => boolean = () => true, timeoutMs?: number): Promise<QmpEvent> {
    const ms = timeoutMs ?? this.options.commandTimeoutMs ?? 30_000;
    return this.events.waitFor(name, predicate, ms, () => timeoutError(`event ${name}`, ms, this.socketPath));
  }

  /** Closes the socket; pending commands are rejected with E_QMP_DISCONNECTED. */
  async close(): Promise<void> {
    if (this.failure) return;
    this.socket.end();
    await this.closedPromise;
  }

  private readGreeting(timeoutMs: number): Promise<QmpGreeting> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(timeoutError('the greeting', timeoutMs, this.socketPath)), timeoutMs);
      this.closedPromise.then(
        (e) => reject(e),
        () => undefined,
      );
      this.greetingWaiter = (g) => {
        clearTimeout(timer);
        resolve(g);
      };
    });
  }

  private onData(chunk: string): void {
    for (const line of this.lines.push(chunk)) {
      let message: QmpMessage;
      try {
        message = parseMessage(line);
      } catch (e) {
        this.shutdown(e as VdiskError);
        return;
      }
      this.dispatch(message, line);
    }
  }

  private dispatch(message: QmpMessage, line: string): void {
    if (message.kind === 'greeting') {
      if (!this.greetingWaiter) return this.shutdown(protocolError('a second greeting arrived', line));
      this.greetingWaiter(message.greeting);
      this.greetingWaiter = undefined;
      return;
    }
    if (this.greetingWaiter) return this.shutdown(protocolError('the first message is not a greeting', line));
    if (message.kind === 'event') {
      const { event, data } = message.event;
      this.options.transcript?.record({ type: 'event', event, ...(data ? { data } : {}) });
      this.events.emit(message.event);
      return;
    }
    const id = typeof message.id === 'string' ? message.id : '';
    const pending = this.pending.get(id);
    if (!pending) {
      if (this.abandoned.delete(id)) return;
      return this.shutdown(protocolError(`a reply matches no command (id ${JSON.stringify(message.id)})`, line));
    }
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (message.kind === 'return') {
      this.options.transcript?.record({ type: 'return', execute: pending.command, return: message.value ?? {} });
      return pending.resolve(message.value);
    }
    this.options.transcript?.record({
      type: 'error',
      execute: pending.command,
      class: message.qmpClass,
      desc: message.desc,
    });
    pending.reject(commandError(pending.command, message.qmpClass, message.desc));
  }

  /** Ends the session once: every pending command and waiter learns why. */
  private shutdown(reason: VdiskError): void {
    if (this.failure) return;
    this.failure = reason;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(reason.code === 'E_QMP_DISCONNECTED' ? disconnectedError(this.socketPath, p.command) : reason);
      this.pending.delete(id);
    }
    this.events.fail(reason);
    this.socket.destroy();
    this.markClosed(reason);
  }
}

function openSocket(path: string, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(timeoutError('connect', timeoutMs, path));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new VdiskError('E_QMP_CONNECT', `cannot connect to QMP socket ${path}: ${e.code ?? e.message}`, {
          path,
          errno: e.code,
        }),
      );
    });
  });
}
