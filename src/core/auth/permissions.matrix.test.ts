// The permission matrix (permissions.matrix.ts) in-process, on every dialect.
import { openTestKontor, testDialects } from '../db/testing';
import { describePermissionMatrix } from './permissions.matrix';

for (const dialect of testDialects) {
  describePermissionMatrix(`permission matrix on ${dialect}`, () => openTestKontor(dialect));
}
