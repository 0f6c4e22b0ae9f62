// Differential tests for the raw fixtures (see ../fixtures/catalog.ts): info, map, check, compare.
import { FIXTURE_GROUPS } from '../../fixtures/catalog.js';
import { describeDifferential } from './differential.js';

describeDifferential('raw', FIXTURE_GROUPS.raw!);
