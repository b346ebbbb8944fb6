// Whether an installation takes the version a feed offers: newer than the running one, not a
// downgrade, and inside a staged rollout. Pure, so the Electron glue hands the same rollout
// decision to electron-updater (its isUserWithinRollout) that the checks here make.
import { createHash } from 'node:crypto';
import { gt, lt, rcompare } from 'semver';
import type { UpdateInfo } from './feed';

/**
 * Where an installation stands in every rollout: a number in [0, 1) from its id, the same on every
 * check, so a rollout that grows from 10 % to 50 % keeps the first 10 % and adds others.
 */
export function rolloutBucket(installationId: string): number {
  return createHash('sha256').update(`kontor-rollout:${installationId}`).digest().readUInt32BE(0) / 0x1_0000_0000;
}

/** Inside a rollout of `percentage` (none given: everyone; 0: nobody; 100: everyone). */
export function inRollout(percentage: number | undefined, bucket: number): boolean {
  if (percentage === undefined) return true;
  return bucket < percentage / 100;
}

export type UpdateDecision =
  | { readonly kind: 'up_to_date'; readonly latest: string }
  | { readonly kind: 'available'; readonly info: UpdateInfo }
  /** The feed offers this version to a share of installations that does not include this one yet. */
  | { readonly kind: 'not_in_rollout'; readonly info: UpdateInfo }
  /** The feed names an older version (a withdrawn release): never installed over a newer one. */
  | { readonly kind: 'downgrade_refused'; readonly info: UpdateInfo };

/** The decision on the newest version the feeds offer. */
export function decideUpdate(current: string, offered: readonly UpdateInfo[], bucket: number): UpdateDecision {
  const [newest] = [...offered].sort((a, b) => rcompare(a.version, b.version));
  if (!newest) return { kind: 'up_to_date', latest: current };
  if (lt(newest.version, current)) return { kind: 'downgrade_refused', info: newest };
  if (!gt(newest.version, current)) return { kind: 'up_to_date', latest: newest.version };
  if (!inRollout(newest.stagingPercentage, bucket)) return { kind: 'not_in_rollout', info: newest };
  return { kind: 'available', info: newest };
}

/**
 * Whether Kontor was installed from the MSI (Group Policy, Intune), which never updates itself: IT
 * deploys the next MSI. The NSIS installer leaves its uninstaller beside the app; the MSI does not.
 */
export function isMsiInstall(
  platform: NodeJS.Platform,
  filesBesideApp: readonly string[],
  productName: string,
): boolean {
  return platform === 'win32' && !filesBesideApp.includes(`Uninstall ${productName}.exe`);
}
