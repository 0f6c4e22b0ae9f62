// What every view shares: the engine bridge, the status line and the page's configuration.
import { EngineBridge } from '../worker/bridge.js';
import { byId } from './dom.js';
import { marks } from '../worker/marks.js';

export interface ConsoleConfig {
  /** Where the gateway answers (same origin under `vdisk start`). */
  gateway?: string;
  /** Why live VM operations are unavailable, when they are. */
  liveOps?: { available: boolean; reason?: string };
}

export interface App {
  bridge: EngineBridge;
  config: ConsoleConfig;
  /** Tells screen-reader users (and tests) what just happened, in the polite status region. */
  announce(text: string): void;
  /** When the page's steps happened (worker/marks.ts), for the bench and devtools. */
  marks: Record<string, number>;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const res = await fetch('console-config.json').catch(() => undefined);
  return res?.ok ? ((await res.json()) as ConsoleConfig) : {};
}

export function createApp(config: ConsoleConfig): App {
  const here = new URL('.', location.href);
  const params = new URLSearchParams(location.search);
  const flavor = params.get('engine');
  const bridge = new EngineBridge({
    workerUrl: new URL('worker.js', here),
    wasmBase: here.href,
    flavor: flavor === 'simd' || flavor === 'scalar' ? flavor : undefined,
    idleMs: Number(params.get('idleMs') ?? 60_000),
  });
  const status = byId('status');
  return {
    bridge,
    config,
    marks,
    announce: (text) => {
      status.textContent = text;
    },
  };
}
