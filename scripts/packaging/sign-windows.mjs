// electron-builder's custom Windows signing hook (win.signtoolOptions.sign): signs each file with
// what the environment gives, never with anything in the repository.
//
//   KONTOR_WIN_SIGN_COMMAND     a cloud signing service's command line, `{file}` standing for the
//                               file (Azure Trusted Signing, SignPath, a HSM's signtool wrapper …)
//   KONTOR_WIN_CERT_FILE        a .pfx certificate file, with KONTOR_WIN_CERT_PASSWORD
//   KONTOR_WIN_TIMESTAMP_URL    RFC 3161 time stamp server (default DigiCert's)
//
// Neither given: the file stays unsigned (a local build), and the build says so.
import { execFileSync } from 'node:child_process';

const DEFAULT_TIMESTAMP = 'http://timestamp.digicert.com';

/** Splits a command line at spaces, keeping "quoted parts" together. */
export function splitCommand(line) {
  const parts = [];
  for (const match of line.matchAll(/"([^"]*)"|(\S+)/g)) parts.push(match[1] ?? match[2]);
  return parts;
}

/** What to run to sign `file` with this environment, or null for an unsigned build. */
export function signCommand(env, file) {
  const command = env.KONTOR_WIN_SIGN_COMMAND?.trim();
  if (command) {
    if (!command.includes('{file}')) throw new Error('KONTOR_WIN_SIGN_COMMAND must contain {file} where the file goes');
    const [program, ...args] = splitCommand(command).map((part) => part.replaceAll('{file}', file));
    return { program, args };
  }
  const certificate = env.KONTOR_WIN_CERT_FILE?.trim();
  if (!certificate) return null;
  if (!env.KONTOR_WIN_CERT_PASSWORD) throw new Error('KONTOR_WIN_CERT_FILE is set without KONTOR_WIN_CERT_PASSWORD');
  return {
    program: 'signtool.exe',
    args: [
      'sign',
      '/fd',
      'sha256',
      '/f',
      certificate,
      '/p',
      env.KONTOR_WIN_CERT_PASSWORD,
      '/tr',
      env.KONTOR_WIN_TIMESTAMP_URL?.trim() || DEFAULT_TIMESTAMP,
      '/td',
      'sha256',
      file,
    ],
  };
}

/** The hook electron-builder calls for every file it signs. */
export default async function sign(configuration) {
  const command = signCommand(process.env, configuration.path);
  if (!command) {
    console.warn(`  • not signed (no KONTOR_WIN_SIGN_COMMAND or KONTOR_WIN_CERT_FILE): ${configuration.path}`);
    return;
  }
  execFileSync(command.program, command.args, { stdio: 'inherit' });
}
