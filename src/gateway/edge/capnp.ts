// The workerd configuration for the gateway bundle: one worker with the agents as a text binding and
// every secret taken from the environment (the file holds no secret), an HTTP socket, and an outbound
// network that may reach private and loopback addresses (workerd's default allows public ones only).
import { secretBinding } from '../worker.js';

export interface EdgeLayout {
  bundle: string;
  host: string;
  port: number;
  agents: { name: string; url: string }[];
  corsOrigins: string[];
  maxBodyBytes: number;
  heartbeatMs: number;
  agentTimeoutMs: number;
  fanOutTimeoutMs: number;
  inventoryTtlMs: number;
  inventoryStaleMs: number;
}

/** Environment variable that carries a binding's value into workerd. */
export const envVar = (binding: string) => `VDISK_${binding}`;

const str = (s: string) => JSON.stringify(s); // a JSON string is a valid Cap'n Proto text literal here

export function edgeCapnp(l: EdgeLayout): string {
  const fromEnv = (b: string) => `(name = ${str(b)}, fromEnvironment = ${str(envVar(b))})`;
  const bindings = [
    `(name = "AGENTS", text = ${str(JSON.stringify(l.agents))})`,
    `(name = "CORS_ORIGINS", text = ${str(l.corsOrigins.join(','))})`,
    ...(
      [
        'MAX_BODY_BYTES',
        'HEARTBEAT_MS',
        'AGENT_TIMEOUT_MS',
        'FAN_OUT_TIMEOUT_MS',
        'INVENTORY_TTL_MS',
        'INVENTORY_STALE_MS',
      ] as const
    ).map(
      (b, i) =>
        `(name = "${b}", text = ${str(String([l.maxBodyBytes, l.heartbeatMs, l.agentTimeoutMs, l.fanOutTimeoutMs, l.inventoryTtlMs, l.inventoryStaleMs][i]))})`,
    ),
    fromEnv('GATEWAY_TOKENS'),
    ...l.agents.map((a) => fromEnv(secretBinding(a.name))),
  ];
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "gateway", worker = .gateway),
    (name = "agents-net", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = ${str(`${l.host}:${l.port}`)}, http = (), service = "gateway")],
);

const gateway :Workerd.Worker = (
  modules = [(name = "gateway.mjs", esModule = embed ${str(l.bundle)})],
  compatibilityDate = "2025-01-01",
  bindings = [
    ${bindings.join(',\n    ')},
  ],
  globalOutbound = "agents-net",
);
`;
}
