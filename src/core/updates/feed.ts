// The update feed as electron-builder publishes it to a generic HTTPS folder: one YAML file per
// channel and platform (`latest.yml` for Windows, `latest-mac.yml`, `latest-linux.yml`,
// `beta*.yml` for the beta channel) naming the version, its files with their SHA-512 and size, and
// optionally a staged rollout percentage. Read here exactly as electron-updater reads it, so the
// decisions of src/core/updates hold for what the Electron glue then downloads.
import { load } from 'js-yaml';
import { valid } from 'semver';
import { z } from 'zod';
import type { UpdateChannel } from '../../shared/machine-config';

/** A SHA-512 digest in base64, as electron-builder writes it. */
const sha512 = z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'must be a SHA-512 digest in base64');

export const updateInfoSchema = z.object({
  version: z.string().refine((v) => valid(v) !== null, 'must be a semantic version (1.2.3)'),
  files: z
    .array(
      z.object({
        url: z.string().min(1),
        sha512,
        size: z.number().int().positive(),
        blockMapSize: z.number().int().positive().optional(),
      }),
    )
    .min(1, 'names no file'),
  path: z.string().optional(),
  sha512: sha512.optional(),
  releaseDate: z.string().optional(),
  releaseName: z.string().optional(),
  releaseNotes: z
    .union([z.string(), z.array(z.object({ version: z.string(), note: z.string().nullable() }))])
    .optional(),
  /** Staged rollout: the share of installations (0–100) offered this version. */
  stagingPercentage: z.number().min(0).max(100).optional(),
  minimumSystemVersion: z.string().optional(),
});
export type UpdateInfo = z.infer<typeof updateInfoSchema>;

/** A feed that cannot be used: what the updater tells the user and the log. */
export class FeedError extends Error {
  constructor(
    readonly reason: 'feed_missing' | 'feed_invalid',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The feed files of a channel on a platform, most specific first. The beta channel reads the
 * beta feed and the stable one (a stable release newer than the last beta reaches beta users too).
 */
export function feedFiles(channel: UpdateChannel, platform: NodeJS.Platform, arch: string): string[] {
  const suffix =
    platform === 'darwin' ? '-mac' : platform === 'linux' ? `-linux${arch === 'x64' ? '' : `-${arch}`}` : '';
  const names = channel === 'beta' ? ['beta', 'latest'] : ['latest'];
  return names.map((name) => `${name}${suffix}.yml`);
}

/** A feed file's text as update information, or why it cannot be used. */
export function parseFeed(text: string, name: string): UpdateInfo {
  let value: unknown;
  try {
    value = load(text);
  } catch (error) {
    throw new FeedError('feed_invalid', `${name} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = updateInfoSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FeedError(
      'feed_invalid',
      `${name}: ${issue?.path.join('.') || 'the file'} ${issue?.message ?? 'is invalid'}`,
    );
  }
  return parsed.data;
}
