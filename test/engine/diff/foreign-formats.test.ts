// vmdk, vhdx, vdi, qed and luks images are recognised by magic and refused by name, never read as raw.
import { FOREIGN_FORMATS } from '../../fixtures/foreign-formats.js';
import { describeMalformed } from './malformed-suite.js';

describeMalformed('other formats are recognised and refused', FOREIGN_FORMATS);
