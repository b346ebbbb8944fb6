// The deployment files cannot run here (no Docker engine, no systemd in the test machine): this
// checks that they are well-formed and say what the guide promises — a multi-stage image that runs
// as an unprivileged user the bundled server, a compose file with Postgres and no secret in it, a
// systemd unit that runs the same bundle hardened — and that every variable they set is one the
// server reads.
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { serverEnvSchema } from './main';

const read = (path: string) => readFileSync(path, 'utf8');
const known = new Set(Object.keys(serverEnvSchema.shape));

describe('the deployment files', () => {
  it('build a multi-stage image that runs the bundled server as an unprivileged user', () => {
    const dockerfile = read('Dockerfile');
    const stages = [...dockerfile.matchAll(/^FROM (\S+)(?: AS (\w+))?$/gm)];
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]?.[2]).toBe('build');
    expect(dockerfile).toMatch(/^USER kontor$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "out\/cli\/kontor-server\.mjs"\]$/m);
    expect(dockerfile).toContain('HEALTHCHECK');
    for (const [, name] of dockerfile.matchAll(/^\s+(KONTOR_SERVER_\w+)=/gm)) expect(known).toContain(name);
    expect(read('.dockerignore')).toMatch(/^node_modules$/m);
  });

  it('compose the server with Postgres, secrets from files, nothing secret inline', () => {
    const compose = yaml.load(read('deploy/compose.yaml')) as {
      services: Record<string, { environment?: Record<string, string>; depends_on?: object; image?: string }>;
      secrets: Record<string, { file: string }>;
    };
    expect(Object.keys(compose.services).sort()).toEqual(['kontor-server', 'postgres']);
    const server = compose.services['kontor-server'];
    expect(server?.depends_on).toHaveProperty('postgres');
    for (const [name, value] of Object.entries(server?.environment ?? {})) {
      expect(known).toContain(name);
      expect(name).not.toMatch(/PASSPHRASE$|PASSWORD$/); // secrets come as files
      expect(value).not.toMatch(/:[^@/]+@/); // no password in a URL
    }
    for (const secret of Object.values(compose.secrets)) expect(secret.file).toMatch(/^\.\/secrets\//);
  });

  it('run the same bundle as a hardened systemd service', () => {
    const unit = read('deploy/kontor-server.service');
    const sections = [...unit.matchAll(/^\[(\w+)\]$/gm)].map((m) => m[1]);
    expect(sections).toEqual(['Unit', 'Service', 'Install']);
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node \/opt\/kontor\/out\/cli\/kontor-server\.mjs$/m);
    expect(unit).toMatch(/^User=kontor$/m);
    expect(unit).toMatch(/^NoNewPrivileges=true$/m);
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
    for (const [, name] of unit.matchAll(/^Environment=(KONTOR_SERVER_\w+)=/gm)) expect(known).toContain(name);
  });
});
