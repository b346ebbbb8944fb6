import { z } from 'zod';
import { grants } from './permissions';
import { procedure } from './procedure';
import { tenantNameSchema } from './tenants';

export const PASSWORD_MIN_LENGTH = 12;

export const emailSchema = z.string().trim().toLowerCase().max(254).pipe(z.email('Not a valid email address'));
export const newPasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `At least ${PASSWORD_MIN_LENGTH} characters`)
  .max(1024, 'At most 1024 characters');
/** A password being checked (sign-in, unlock): any length, so old passwords still work. */
export const passwordSchema = z.string().min(1, 'Password is required').max(1024);
export const personNameSchema = z.string().trim().min(1, 'Name is required').max(200);
/** A TOTP code (6 digits) or a recovery code (xxxxx-xxxxx). */
const secondFactorSchema = z
  .string()
  .trim()
  .min(1, 'Required') // an empty code is missing, not malformed
  .regex(/^(\d{6}|[a-z0-9]{5}-[a-z0-9]{5})$/i, 'A 6-digit code or a recovery code');

export const membershipSchema = z.object({ tenantId: z.string(), tenantName: z.string(), roleName: z.string() });
const tenantIdInput = z.strictObject({ tenantId: z.string().min(1).max(100) });

const codeSchema = z
  .string()
  .trim()
  .min(1, 'Required')
  .regex(/^\d{8}$/, 'The 8-digit code from the email');

export const authStatusSchema = z.discriminatedUnion('state', [
  /** A fresh installation: no user exists yet. */
  z.object({ state: z.literal('setup_required') }),
  z.object({ state: z.literal('signed_out') }),
  z.object({
    state: z.literal('signed_in'),
    user: z.object({
      id: z.string(),
      email: z.string(),
      name: z.string(),
      emailVerified: z.boolean(),
      twoFactor: z.boolean(),
    }),
    tenant: z.object({ id: z.string(), name: z.string() }).nullable(),
    memberships: z.array(membershipSchema),
    /** Companies that invited this user; they join by accepting. */
    invitations: z.array(membershipSchema),
    permissions: z.array(z.enum(grants)),
    /** Idle too long: everything waits for auth.unlock. */
    locked: z.boolean(),
    mustChangePassword: z.boolean(),
    /** The tenant requires 2FA and the user has not enrolled yet. */
    mustEnrollTwoFactor: z.boolean(),
    idleMinutes: z.number().int(),
  }),
]);
export type AuthStatus = z.infer<typeof authStatusSchema>;
export type SignedIn = Extract<AuthStatus, { state: 'signed_in' }>;

const loginResultSchema = z.union([authStatusSchema, z.object({ state: z.literal('second_factor_required') })]);

export const authContract = {
  'auth.status': procedure({
    summary: 'Who is signed in, in which company, with which permissions',
    input: z.strictObject({}),
    output: authStatusSchema,
    permission: 'anonymous',
    whileLocked: true,
    beforeAccountReady: true,
    passive: true,
  }),
  'auth.setup': procedure({
    summary: 'First start: create the company and its first administrator, and sign in',
    input: z.strictObject({
      company: tenantNameSchema,
      name: personNameSchema,
      email: emailSchema,
      password: newPasswordSchema,
    }),
    output: authStatusSchema,
    permission: 'anonymous',
  }),
  'auth.login': procedure({
    summary: 'Sign in with email and password (and a 2FA code when enrolled)',
    input: z.strictObject({ email: emailSchema, password: passwordSchema, code: secondFactorSchema.optional() }),
    output: loginResultSchema,
    permission: 'anonymous',
  }),
  'auth.logout': procedure({
    summary: 'Sign out',
    input: z.strictObject({}),
    output: authStatusSchema,
    permission: 'authenticated',
    whileLocked: true,
    beforeAccountReady: true,
  }),
  'auth.unlock': procedure({
    summary: 'Unlock an idle-locked session with the password (and a 2FA code when enrolled)',
    input: z.strictObject({ password: passwordSchema, code: secondFactorSchema.optional() }),
    output: loginResultSchema,
    permission: 'authenticated',
    whileLocked: true,
    beforeAccountReady: true,
  }),
  'auth.changePassword': procedure({
    summary: 'Change your own password; signs out your other sessions',
    // The current password may be left out only in the change forced right after signing in with it.
    input: z.strictObject({ current: passwordSchema.optional(), next: newPasswordSchema }),
    output: authStatusSchema,
    permission: 'authenticated',
    beforeAccountReady: true,
  }),
  'auth.switchTenant': procedure({
    summary: 'Work in another of your companies',
    input: tenantIdInput,
    output: authStatusSchema,
    permission: 'authenticated',
  }),
  'auth.answerInvitation': procedure({
    summary: 'Accept (become a member) or decline an invitation into a company',
    input: z.strictObject({ tenantId: z.string().min(1).max(100), accept: z.boolean() }),
    output: authStatusSchema,
    permission: 'authenticated',
  }),
  'auth.totpBegin': procedure({
    summary: 'Start 2FA enrolment: a new secret with its QR code',
    input: z.strictObject({}),
    output: z.object({ secret: z.string(), uri: z.string(), qrSvg: z.string() }),
    permission: 'authenticated',
    beforeAccountReady: true,
  }),
  'auth.totpConfirm': procedure({
    summary: 'Finish 2FA enrolment with one valid code; returns ten recovery codes, shown once',
    input: z.strictObject({
      code: z
        .string()
        .trim()
        .min(1, 'Required')
        .regex(/^\d{6}$/, 'A 6-digit code'),
    }),
    output: z.object({ recoveryCodes: z.array(z.string()) }),
    permission: 'authenticated',
    beforeAccountReady: true,
  }),
  'auth.totpDisable': procedure({
    summary: 'Switch 2FA off (needs the password)',
    input: z.strictObject({ password: passwordSchema }),
    output: authStatusSchema,
    permission: 'authenticated',
  }),
  'auth.recoveryCodes': procedure({
    summary: 'Replace your recovery codes with ten new ones (needs the password)',
    input: z.strictObject({ password: passwordSchema }),
    output: z.object({ recoveryCodes: z.array(z.string()) }),
    permission: 'authenticated',
  }),
  'auth.requestVerification': procedure({
    summary: 'Send a code to confirm your email address',
    input: z.strictObject({}),
    /** mailServer false: no SMTP server is set up, so the code waits in the outbox until one is. */
    output: z.object({ sent: z.literal(true), mailServer: z.boolean() }),
    permission: 'authenticated',
    beforeAccountReady: true,
  }),
  'auth.verifyEmail': procedure({
    summary: 'Confirm your email address with the code from the email',
    input: z.strictObject({ code: codeSchema }),
    output: z.object({ verified: z.literal(true) }),
    permission: 'authenticated',
    beforeAccountReady: true,
  }),
  'auth.forgotPassword': procedure({
    summary: 'Send a password reset code to this address, if it belongs to a user',
    input: z.strictObject({ email: emailSchema }),
    output: z.object({ requested: z.literal(true) }),
    permission: 'anonymous',
  }),
  'auth.resetPassword': procedure({
    summary: 'Set a new password with the code from the reset email',
    input: z.strictObject({ email: emailSchema, code: codeSchema, password: newPasswordSchema }),
    output: z.object({ reset: z.literal(true) }),
    permission: 'anonymous',
  }),
} as const;
