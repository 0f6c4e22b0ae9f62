// Codes the host agent answers with (src/agent): refusals of a request before anything is touched,
// conflicts with other jobs or with running VMs, and failures of the agent's own machinery.
import type { CodeInfo } from './codes.js';

export const AGENT_CODES = {
  E_AGENT_BAD_REQUEST: { message: 'the request body is not valid JSON', http: 400 },
  E_AGENT_BAD_CALLER: {
    message: 'the x-vdisk-caller header is not a valid caller name',
    hint: 'token names are letters, digits, . _ @ - (at most 64)',
    http: 400,
  },
  E_AGENT_TOO_MANY_STREAMS: {
    message: 'too many event streams are open',
    hint: 'close a stream, or retry after the Retry-After seconds',
    http: 429,
  },
  E_AGENT_BAD_PAGE: {
    message: 'limit or cursor of a job list is not valid',
    hint: 'limit is 1 to 500; send back the `next` cursor as given',
    http: 400,
  },
  E_AGENT_BODY_TOO_LARGE: {
    message: 'the request body is larger than the agent accepts',
    hint: "raise the agent's --max-body",
    http: 413,
  },
  E_AGENT_BAD_LENGTH: { message: 'the Content-Length header is not a byte count', http: 400 },
  E_AGENT_NOT_FOUND: { message: 'no such route', http: 404 },
  E_AGENT_DRAINING: {
    message: 'the agent is stopping and takes no new requests',
    hint: 'retry once it is back: running plans resume from its journal',
    http: 503,
  },
  E_AGENT_NOT_READY: {
    message: 'the agent has not finished recovering its journal',
    hint: 'retry in a moment',
    http: 503,
  },
  E_AGENT_UNKNOWN_JOB: { message: 'no job with this id on this agent', http: 404 },
  E_AGENT_UNKNOWN_VOLUME: { message: 'no volume with this id on this agent', http: 404 },
  E_AGENT_UNKNOWN_VM: {
    message: 'the plan names a VM this agent does not manage',
    hint: 'start the agent with --qmp VM=SOCKET',
    http: 422,
  },
  E_AGENT_WRONG_HOST: { message: 'the plan is for another host', hint: 'send it to the agent of its host', http: 422 },
  E_AGENT_PATH_OUTSIDE_ROOTS: {
    message: 'the path is not under a configured storage root',
    hint: 'name an absolute path under a --root, without ..',
    http: 403,
  },
  E_AGENT_SYMLINK_ESCAPE: { message: 'a symbolic link leads out of the storage roots', http: 403 },
  E_AGENT_SYMLINK: {
    message: 'a symbolic link stands where the agent opens a file: it opens only real paths (O_NOFOLLOW)',
    hint: 'replace the link by the file itself, or name the file by its real path',
    http: 403,
  },
  E_AGENT_HARD_LINK: {
    message: 'the file has more than one link: the agent never writes, wipes or deletes a hard-linked file',
    hint: 'remove the other links (find -samefile), then retry',
    http: 403,
  },
  E_AGENT_FILE_CHANGED: {
    message: "the file changed between the agent's check and its use",
    hint: 'nothing was written; retry the job',
    http: 409,
  },
  E_AGENT_NOT_A_FILE: { message: 'the path names no regular file (a directory, device, FIFO or socket)', http: 403 },
  E_AGENT_BACKING_OUTSIDE_ROOTS: { message: 'a backing file lies outside the storage roots', http: 403 },
  E_AGENT_PLAN_MISMATCH: {
    message: 'the plan is not the one the planner makes from its request and these facts: nothing was run',
    hint: 'submit the plan exactly as the planner (POST /v1/plans) made it, or submit { request }',
    http: 422,
  },
  E_AGENT_NOTHING_TO_RETRY: {
    message: 'the job left no orphan and no stuck step: there is nothing to retry',
    http: 409,
  },
  E_AGENT_POOL_FULL: {
    message: 'the target pool has not enough free space for this copy now',
    hint: 'free space in the pool and retry',
    http: 507,
  },
  E_AGENT_RENAME_CONFLICT: {
    message: 'a file to rename is not the one the job checked, or its new name is taken: nothing more was renamed',
    hint: 'look at both names; the job renamed back what it had moved',
    http: 409,
  },
  E_AGENT_UNSAFE_MODE: {
    message: 'a plan may not create a file setuid, setgid, sticky or writable by others',
    hint: 'plan again: modes are 0NNN without 0002',
    http: 403,
  },
  E_AGENT_OWNER_ROOT: {
    message: 'a plan may give a new file to root only when its source belongs to root',
    hint: 'ask for another owner, or start the agent with --allow-owner root',
    http: 403,
  },
  E_AGENT_PRECONDITION: {
    message: 'a plan precondition does not hold on this host',
    hint: 'the inventory was stale: plan again',
    http: 409,
  },
  E_BUSY: {
    message: 'a volume or VM of this plan is held by another job',
    hint: 'wait for that job to end',
    http: 409,
  },
  E_IDEMPOTENCY_KEY_REQUIRED: { message: 'POST /v1/jobs needs an Idempotency-Key header', http: 400 },
  E_IDEMPOTENCY_MISMATCH: {
    message: 'this Idempotency-Key was used with another request body',
    hint: 'use a fresh key for a new request',
    http: 422,
  },
  E_AGENT_IMAGE_IN_USE: { message: 'a running VM has this image open: offline steps never write it', http: 409 },
  E_AGENT_LOCKED: { message: 'another process holds the lock on this image', http: 409 },
  E_AGENT_CANCELLED: { message: 'the job was cancelled', http: 409 },
  E_AGENT_VERIFY_MISMATCH: { message: 'the copy differs from its source', http: 409 },
  E_AGENT_JOURNAL: { message: 'the job journal cannot be read or written', http: 500 },
  E_AGENT_STATE_BAD: {
    message: 'a state file (orphan register, job events) is not what the agent writes: its content was left out',
    hint: 'the agent logs which; remove or repair the file',
    http: 500,
  },
  E_AGENT_STATE_TOO_LARGE: {
    message: 'a state file (orphan register, job events) is larger than the agent reads: it was not read',
    hint: 'the agent logs which; remove or shorten the file',
    http: 500,
  },
  E_AGENT_INTERNAL: { message: 'the agent failed unexpectedly', http: 500 },
} satisfies Record<string, CodeInfo>;
