// The options of the long-running verbs: gateway and agent. Their parsers live beside the servers
// (src/gateway/cli-args.ts, src/agent/config.ts: nothing there may import the CLI) and declare the
// same names; test/cli/options.test.ts runs each parser on every option of these tables, and on the
// options of every other verb, so the two cannot drift apart unnoticed.
import type { VerbSpec } from './row.js';

const str = (arg: string, help: string) => ({ type: 'string', arg, help }) as const;
const many = (arg: string, help: string) => ({ type: 'string', multiple: true, arg, help }) as const;

export const GATEWAY = {
  summary: 'serve the HTTP API in front of one or more agents',
  usage:
    'vdisk gateway --agent NAME=URL,secret-file=FILE[,ca-file=FILE][,cert-file=FILE,key-file=FILE] [--agent ...]\n       --token-file FILE [--listen [HOST:]PORT] [--cors-origin ORIGIN ...] [--max-body BYTES]',
  options: {
    agent: {
      ...many('NAME=URL,secret-file=FILE', 'an agent and the file holding its shared secret (repeatable; one needed)'),
      more: [
        ['  ,ca-file=FILE', "trust the CA certificate(s) in FILE for this agent's https:// URL"],
        ['  ,cert-file=FILE,key-file=FILE', 'present this client certificate to the agent (for --tls-client-ca)'],
      ],
    },
    'token-file': str('FILE', 'one "read TOKEN NAME" or "write TOKEN NAME" per line (NAME: who holds it)'),
    listen: str('[HOST:]PORT', 'where to listen (default: 127.0.0.1:8080)'),
    'cors-origin': many('ORIGIN', 'allow browser requests from ORIGIN (repeatable)'),
    'max-body': str('BYTES', 'largest request body (default: 1048576)'),
  },
} as const satisfies VerbSpec;

export const AGENT = {
  summary: 'run the host agent: owns the image roots and VMs of this host',
  usage: 'vdisk agent --root NAME=DIR [--root ...] [--qmp VM=SOCKET ...] --secret-file FILE [options]',
  options: {
    root: many('NAME=DIR', 'a directory images may live in (repeatable; one needed)'),
    qmp: many('VM=SOCKET', 'a VM and its QMP socket (repeatable)'),
    'secret-file': many(
      'FILE',
      'the secret shared with the gateway (16 characters or more, mode 0600; twice while rotating)',
    ),
    listen: str('ADDR', 'HOST:PORT or unix:PATH (default: 127.0.0.1:7420)'),
    name: str('NAME', 'agent name (default: the host name)'),
    'state-dir': str('DIR', 'the job journal (default: $XDG_STATE_HOME/vdisk-agent)'),
    'qmp-transcripts': str('DIR', "record each VM's QMP exchanges in DIR/VM.jsonl"),
    'job-timeout-ms': str('N', 'give up a job after N ms (default: 86400000)'),
    'heartbeat-ms': str('N', 'job heartbeat interval (default: 15000)'),
    'inventory-ttl-ms': str('N', 'GET /v1/inventory answers from the cache this long; jobs refresh it (default: 3000)'),
    'allow-owner': many('root', "plans may give new files to root even when their source is not root's"),
    'max-streams': str('N', 'concurrent job event streams (default: 128)'),
    'max-streams-per-caller': str('N', 'the same per caller (default: 32)'),
    'keep-jobs': str('N', 'finished jobs kept in the journal; older ones move to history.jsonl (default: 1000)'),
    'keep-jobs-days': str('D', 'finished jobs older than D days move to history.jsonl (default: 30)'),
    'max-body': str('BYTES', 'largest request body read (default: 4194304)'),
    'tls-cert': str('FILE', 'serve HTTPS with this certificate (PEM; needs --tls-key)'),
    'tls-key': str('FILE', 'the private key of --tls-cert (PEM)'),
    'tls-client-ca': str('FILE', 'require client certificates signed by a CA in FILE'),
    'insecure-http': {
      type: 'boolean',
      help: 'allow plain HTTP on a non-loopback address (warns; anyone on the path reads the traffic)',
    },
    adopt: many(
      'VOLUME=FORMAT',
      "state a file's format (raw or qcow2; VOLUME is an id or POOL:relative/path), never probed again (repeatable)",
    ),
  },
  notes: 'Unfinished jobs are recovered from the journal at start; logs are JSON lines on stderr.',
} as const satisfies VerbSpec;
