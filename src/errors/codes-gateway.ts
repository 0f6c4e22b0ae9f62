// Codes the gateway answers with (src/gateway). Codes the agents send back (E_BUSY,
// E_IDEMPOTENCY_MISMATCH, ...) are relayed with the agent's own status and stay in the agent's table.
import type { CodeInfo } from './codes.js';

export const GATEWAY_CODES = {
  E_GATEWAY_BAD_JSON: { message: 'the request body is not valid JSON', http: 400 },
  E_GATEWAY_BAD_ANSWER: {
    message: 'the gateway answered without a problem code',
    hint: 'check --gateway names a vdisk gateway',
    http: 502,
  },
  E_GATEWAY_UNREACHABLE: {
    message: 'the gateway could not be reached, or its event stream kept breaking',
    hint: 'check --gateway and retry',
    http: 502,
  },
  E_GATEWAY_BAD_REQUEST: { message: 'the request does not match the schema', hint: 'see /v1/openapi.json', http: 400 },
  E_GATEWAY_BAD_ID: {
    message: 'an id in the path is not a valid id',
    hint: 'ids are letters, digits and . _ : @ + - (no slashes, no ..)',
    http: 400,
  },
  E_GATEWAY_BAD_CURSOR: {
    message: 'the job list cursor is not one this gateway gave',
    hint: 'send back `next` as given, or start again without a cursor',
    http: 400,
  },
  E_GATEWAY_IDEMPOTENCY_KEY: {
    message: 'POST /v1/jobs needs an Idempotency-Key header',
    hint: 'send a fresh random key per job and the same key when retrying it',
    http: 400,
  },
  E_GATEWAY_BODY_TOO_LARGE: { message: 'the request body is larger than the gateway accepts', http: 413 },
  E_GATEWAY_NOT_FOUND: { message: 'no such route', hint: 'see /v1/docs', http: 404 },
  E_GATEWAY_UNKNOWN_AGENT: { message: 'no agent of that name is configured', http: 404 },
  E_GATEWAY_UNKNOWN_HOST: {
    message: 'no configured agent serves the host the plan is for',
    hint: 'plan again with POST /v1/plans',
    http: 422,
  },
  E_GATEWAY_AGENT_DOWN: {
    message: 'the agent cannot be reached',
    hint: 'check that the agent runs; nothing was done',
    http: 502,
  },
  E_GATEWAY_AGENT_TIMEOUT: { message: 'the agent did not answer in time', http: 504 },
  E_GATEWAY_AGENT_AUTH: {
    message: "the agent refused the gateway's signature",
    hint: 'the gateway and the agent must share the same secret, and their clocks must agree',
    http: 502,
  },
  E_GATEWAY_AGENT_BAD_REPLY: { message: 'the agent answered something the gateway does not understand', http: 502 },
  E_GATEWAY_DRAINING: {
    message: 'this gateway copy is stopping and takes no new requests',
    hint: 'retry: another copy behind the load balancer answers',
    http: 503,
  },
  E_GATEWAY_OVERLOADED: {
    message: 'this gateway copy is answering as many requests as it may at once',
    hint: 'retry after the Retry-After seconds; another copy behind the load balancer may answer sooner',
    http: 503,
  },
  E_GATEWAY_NOT_READY: {
    message: 'no agent can be reached from this gateway copy',
    hint: 'check that the agents run and that the gateway can reach them',
    http: 503,
  },
  E_GATEWAY_CONFIG: { message: 'the gateway configuration is invalid', http: 500 },
  E_GATEWAY_INTERNAL: { message: 'the gateway failed unexpectedly', http: 500 },
} satisfies Record<string, CodeInfo>;
