// The engine worker: wiring only. The API lives in engine-api.ts; the bridge (bridge.ts) owns it.
import { expose } from 'comlink';
import './error-transfer.js';
import { api } from './engine-api.js';

expose(api);
