// Password hashing with argon2id. Parameters are stored inside each hash (PHC string), so
// raising them later upgrades each hash at that user's next successful sign-in.
import argon2 from 'argon2';
import { AppError, type FieldIssue } from '../../shared/errors';

export interface PasswordParams {
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

/** OWASP's minimum for argon2id: m = 19 MiB, t = 2, p = 1. */
export const OWASP_MINIMUM: PasswordParams = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  needsRehash(hash: string): boolean;
  /** Spends the same time as a real verify, for unknown emails (no timing oracle). */
  dummyVerify(password: string): Promise<void>;
}

export function createPasswordHasher(params: PasswordParams = OWASP_MINIMUM): PasswordHasher {
  if (params.memoryCost < OWASP_MINIMUM.memoryCost || params.timeCost < OWASP_MINIMUM.timeCost) {
    throw new Error('argon2id parameters below the OWASP minimum');
  }
  const options = { type: argon2.argon2id, ...params };
  let dummy: Promise<string> | undefined;
  return {
    hash: (password) => argon2.hash(password, options),
    verify: async (hash, password) => {
      try {
        return await argon2.verify(hash, password);
      } catch {
        return false;
      }
    },
    needsRehash: (hash) => argon2.needsRehash(hash, params),
    async dummyVerify(password) {
      dummy ??= argon2.hash('kontor-dummy-password', options);
      await argon2.verify(await dummy, password).catch(() => false);
    },
  };
}

/** Letters and digits only, lower case: `Muster GmbH 123` and `muster-gmbh123` compare alike. */
const folded = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
/** Company names too short to rule out inside a password (`AB` would forbid half the dictionary). */
const MIN_NAME_LENGTH = 6;

/** Rules beyond length (which the contract checks): not the email, and not containing the company's name. */
export function checkPasswordPolicy(
  password: string,
  context: { email: string; companies: readonly string[] },
  path = 'password',
): void {
  const lowered = password.trim().toLowerCase();
  const issues: FieldIssue[] = [];
  if (lowered === context.email.trim().toLowerCase()) {
    issues.push({ path, rule: 'not_email', message: 'The password must not be the email address' });
  }
  const given = folded(password);
  const containsCompany = context.companies.some((company) => {
    const name = folded(company);
    return name === given || (name.length >= MIN_NAME_LENGTH && given.includes(name));
  });
  if (containsCompany) {
    issues.push({ path, rule: 'not_company', message: "The password must not contain the company's name" });
  }
  if (issues.length > 0) {
    throw new AppError('validation', `invalid password: ${issues.map((i) => i.message).join('; ')}`, { issues });
  }
}
