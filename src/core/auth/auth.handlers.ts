import type { HandlersOf } from '../router';
import type { IdentityService } from './identity.service';
import type { SecurityRules } from './security-settings';

export function authHandlers({
  auth,
  rules,
}: {
  auth: IdentityService;
  rules: SecurityRules;
}): HandlersOf<'auth' | 'security'> {
  return {
    'auth.status': async (_input, ctx) => auth.status(ctx.connection),
    'auth.setup': async (input, ctx) => auth.setup(ctx.connection, input),
    'auth.login': async (input, ctx) => auth.login(ctx.connection, input),
    'auth.logout': async (_input, ctx) => auth.logout(ctx.connection, ctx.session),
    'auth.unlock': async (input, ctx) => auth.unlock(ctx.connection, ctx.session, input),
    'auth.changePassword': async (input, ctx) => auth.changePassword(ctx.connection, ctx.session, input),
    'auth.switchTenant': async (input, ctx) => auth.switchTenant(ctx.connection, ctx.session, input.tenantId),
    'auth.answerInvitation': async (input, ctx) =>
      auth.answerInvitation(ctx.connection, ctx.session, input.tenantId, input.accept),
    'auth.totpBegin': async (_input, ctx) => auth.totpBegin(ctx.session),
    'auth.totpConfirm': async (input, ctx) => auth.totpConfirm(ctx.connection, ctx.session, input.code),
    'auth.totpDisable': async (input, ctx) => auth.totpDisable(ctx.connection, ctx.session, input.password),
    'auth.recoveryCodes': async (input, ctx) => auth.regenerateRecoveryCodes(ctx.session, input.password),
    'auth.requestVerification': async (_input, ctx) => auth.requestVerification(ctx.session),
    'auth.verifyEmail': async (input, ctx) => auth.verifyEmail(ctx.session, input.code),
    'auth.forgotPassword': async (input) => auth.forgotPassword(input.email),
    'auth.resetPassword': async (input) => auth.resetPassword(input),
    'security.get': async (_input, ctx) => rules.get(ctx.session.tenantId),
    'security.set': async (input, ctx) => rules.change(ctx.session, input),
  };
}
