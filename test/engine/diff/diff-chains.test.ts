// Differential tests for the chains fixtures (see ../fixtures/catalog.ts): info, map, check, compare.
import { FIXTURE_GROUPS } from '../../fixtures/catalog.js';
import { describeDifferential } from './differential.js';

describeDifferential('chains', FIXTURE_GROUPS.chains!);
