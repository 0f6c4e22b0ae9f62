// Differential tests for the qcow2-features fixtures (see ../fixtures/catalog.ts): info, map, check, compare.
import { FIXTURE_GROUPS } from '../../fixtures/catalog.js';
import { describeDifferential } from './differential.js';

describeDifferential('qcow2-features', FIXTURE_GROUPS['qcow2-features']!);
