import { auditActor } from '../audit/audit.service';
import type { HandlersOf } from '../router';
import type { MailService } from './mail.service';

export function mailHandlers({ mail }: { mail: MailService }): HandlersOf<'mail'> {
  return {
    'mail.getSettings': async () => mail.getSettings(),
    'mail.setSettings': async (input, ctx) => mail.setSettings(input, auditActor(ctx.session)),
    'mail.sendTest': async (input) => mail.sendTest(input.to),
    'mail.outbox': async (input) => mail.list(input),
    'mail.retry': async (input) => mail.retry(input.id),
    'mail.remove': async (input, ctx) => mail.remove(input.id, auditActor(ctx.session)),
  };
}
