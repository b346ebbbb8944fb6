// One-time codes sent by email (address verification, password reset): eight digits, stored only
// as a keyed hash, single-use, expiring, and dead after a few wrong guesses.
import { randomInt, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../crypto/secret-box';
import type { Executor } from '../db/executor';
import type { Clock, IdSource } from '../deps';
import type { IdentityRepo } from './identity.repo';

export type CodePurpose = 'verify_email' | 'reset_password';
export const MAX_CODE_ATTEMPTS = 5;

export function createCodes({
  repo,
  secrets,
  clock,
  ids,
}: {
  repo: IdentityRepo;
  secrets: SecretBox;
  clock: Clock;
  ids: IdSource;
}) {
  const hash = (userId: string, purpose: CodePurpose, code: string) => secrets.mac(`code:${purpose}:${userId}`, code);
  return {
    /** A new code; earlier open codes of the same purpose stop working. */
    async issue(userId: string, purpose: CodePurpose, ttlMs: number, tx?: Executor): Promise<string> {
      const code = String(randomInt(0, 100_000_000)).padStart(8, '0');
      const now = clock.now();
      await repo.retireCodes(userId, purpose, now.toISOString(), tx);
      await repo.insertCode(
        {
          id: ids.next(),
          userId,
          purpose,
          codeHash: hash(userId, purpose, code),
          expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
          createdAt: now.toISOString(),
        },
        tx,
      );
      return code;
    },
    /**
     * True once for the right, unexpired code; a wrong guess counts against the code. `accept`
     * runs after the code matched and before it is used up: when it throws, the code stays open.
     */
    async consume(userId: string, purpose: CodePurpose, code: string, accept?: () => void): Promise<boolean> {
      const now = clock.now().toISOString();
      const open = await repo.openCode(userId, purpose, now);
      if (!open) return false;
      const expected = Buffer.from(open.codeHash, 'hex');
      const given = Buffer.from(hash(userId, purpose, code), 'hex');
      if (expected.length === given.length && timingSafeEqual(expected, given)) {
        accept?.();
        // Conditional, so two uses of one code at once succeed once.
        return repo.useCode(open.id, now);
      }
      const attempts = open.attempts + 1;
      await repo.markCode(open.id, attempts >= MAX_CODE_ATTEMPTS ? { attempts, usedAt: now } : { attempts });
      return false;
    },
    recentCount(userId: string, purpose: CodePurpose, windowMs: number): Promise<number> {
      return repo.countCodesSince(userId, purpose, new Date(clock.now().getTime() - windowMs).toISOString());
    },
  };
}

export type Codes = ReturnType<typeof createCodes>;
