import type { HandlersOf } from '../router';
import { auditActor } from '../audit/audit.service';
import type { CallContext } from '../router';
import type { BackupsService } from './backups.service';

const progressOf = (ctx: CallContext) => ({
  signal: ctx.signal,
  onProgress: (done: number, total: number, step: string) => ctx.progress({ done, total, message: step }),
});

export function backupsHandlers({ backups }: { backups: BackupsService }): HandlersOf<'backups'> {
  return {
    'backups.status': () => backups.status(),
    'backups.list': () => backups.list(),
    'backups.create': (input, ctx) =>
      backups.create('manual', input.passphrase, auditActor(ctx.session), progressOf(ctx)),
    'backups.verify': (input, ctx) => backups.verify(input.name, input.passphrase, progressOf(ctx)),
    'backups.prune': (_input, ctx) => backups.prune(auditActor(ctx.session)),
    'backups.configure': (input, ctx) => backups.configure(input, auditActor(ctx.session)),
  };
}
