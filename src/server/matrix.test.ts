// The permission matrix over HTTP: every guarded procedure of the contract, called by every
// built-in role, the installation administrator and an administrator of another company through a
// desk's remote transport and the Kontor server in front of the core — a forged call of a Clerk is
// refused by the server as it is in-process, and changes nothing.
import { describePermissionMatrix } from '../core/auth/permissions.matrix';
import { openTestKontor } from '../core/db/testing';
import { httpTransport } from './testing';

describePermissionMatrix('permission matrix over the Kontor server', () =>
  openTestKontor('postgres', { transport: httpTransport }),
);
