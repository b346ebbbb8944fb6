// The `kontor` command in this process, as tests run it: through the entry function the binary
// calls (runCli), with a clean environment and its output collected.
import { runCli } from './cli';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The same command in this process, through the entry function the binary calls (runCli). */
export async function kontor(args: string[], env: Record<string, string>): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli({
    argv: args,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    io: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
    version: 'test',
  });
  return { code, stdout, stderr };
}
