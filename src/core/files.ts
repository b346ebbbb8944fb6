// Files a procedure may read or write, named by grants instead of paths. The host grants a file the
// user chose (the CLI its arguments, the desktop a file picked in the open or save dialog) to the
// caller's connection; a procedure resolves the grant. So a renderer, even a compromised one, can
// only reach files the user chose, never any path it likes.
import { randomUUID } from 'node:crypto';
import { AppError } from '../shared/errors';

export type FileAccess = 'read' | 'write';

export interface FileGrants {
  /** Lets `connection` read or write the file at `path`; returns the grant's id. */
  grant(connection: string, path: string, access: FileAccess): string;
  /** The path behind a grant of `connection`; `not_found` for an unknown grant, another's or one of the wrong access. */
  resolve(connection: string, id: string, access: FileAccess): Promise<string>;
  /** Forgets the grants of a connection (it closed). */
  revoke(connection: string): void;
}

/**
 * Grants made elsewhere (another instance of the Kontor server took the upload or made the
 * export's place): the file brought here, or null when there is no such grant for this
 * connection and access.
 */
export interface SharedFiles {
  fetch(connection: string, id: string, access: FileAccess): Promise<string | null>;
}

export function createFileGrants(shared?: SharedFiles): FileGrants {
  const grants = new Map<string, { connection: string; path: string; access: FileAccess }>();
  const unknown = () =>
    new AppError('not_found', 'the file was not chosen here (or is no longer available): choose it again', {
      reason: 'no_file',
    });
  return {
    grant(connection, path, access) {
      const id = randomUUID();
      grants.set(id, { connection, path, access });
      return id;
    },
    async resolve(connection, id, access) {
      const found = grants.get(id);
      if (found) {
        if (found.connection !== connection || found.access !== access) throw unknown();
        return found.path;
      }
      const path = (await shared?.fetch(connection, id, access)) ?? null;
      if (path === null) throw unknown();
      grants.set(id, { connection, path, access });
      return path;
    },
    revoke(connection) {
      for (const [id, grant] of grants) if (grant.connection === connection) grants.delete(id);
    },
  };
}
