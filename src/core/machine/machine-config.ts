// Reads the machine-wide configuration (src/shared/machine-config.ts): the JSON file in the
// platform's place for machine settings and, on Windows, the Group Policy values under
// HKLM\SOFTWARE\Policies\Kontor. A policy wins over the file; both win over what a user chose.
//
// A bad value never stops Kontor: it is left out (its safe default applies) and reported with
// the file, the field and the line, so IT can find it; the rest of the file still applies.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { posix, win32 } from 'node:path';
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import {
  machineConfigSchema,
  machineKeys,
  type MachineConfig,
  type MachineKey,
  type MachineProblem,
  type MachineState,
} from '../../shared/machine-config';

/** The registry key Group Policy writes Kontor's machine policies to (the ADMX template's key). */
export const POLICY_KEY = 'SOFTWARE\\Policies\\Kontor';

/** Where IT puts the machine-wide file on each platform. */
export function machineConfigFile(platform: NodeJS.Platform = process.platform, env = process.env): string {
  if (platform === 'win32') return win32.join(env['ProgramData'] ?? 'C:\\ProgramData', 'Kontor', 'config.json');
  if (platform === 'darwin') return '/Library/Application Support/Kontor/config.json';
  return posix.join('/etc', 'kontor', 'config.json');
}

/** The registry value name of a setting: `updateUrl` is `UpdateUrl`. */
export const policyValueName = (key: MachineKey): string => `${key[0]?.toUpperCase() ?? ''}${key.slice(1)}`;

const isMachineKey = (key: string): key is MachineKey => (machineKeys as string[]).includes(key);

type Read = { config: MachineConfig; problems: MachineProblem[] };

/**
 * Settings read one field at a time: a good value is kept, a bad one is left out (its default
 * applies) and becomes a problem naming where it was found.
 */
function collector(source: MachineProblem['source'], where: string) {
  const config: Partial<Record<MachineKey, unknown>> = {};
  const problems: MachineProblem[] = [];
  return {
    problem(field: string, line: number | null, message: string, at = where): void {
      problems.push({ source, where: at, field, line, message });
    },
    add(key: MachineKey, value: unknown, line: number | null = null, at = where): void {
      const parsed = machineConfigSchema.shape[key].safeParse(value);
      if (parsed.success) config[key] = parsed.data;
      else this.problem(key, line, parsed.error.issues.map((issue) => issue.message).join('; '), at);
    },
    result: (): Read => ({ config: config as MachineConfig, problems }),
  };
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The settings of a machine file's text, and what is wrong with it (by field and line). */
export function parseMachineFile(text: string, where: string): Read {
  // A byte order mark (Notepad writes one) is not an error.
  const body = text.replace(/^\uFEFF/, '');
  const found = collector('file', where);
  const errors: ParseError[] = [];
  const tree = parseTree(body, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0 || !tree) {
    const first = errors[0];
    found.problem(
      '',
      lineOf(body, first?.offset ?? 0),
      `not valid JSON (${first ? printParseErrorCode(first.error) : 'empty'})`,
    );
    return found.result();
  }
  if (tree.type !== 'object') {
    found.problem('', lineOf(body, tree.offset), 'must be a JSON object');
    return found.result();
  }
  for (const property of tree.children ?? []) {
    const [keyNode, valueNode] = property.children ?? [];
    const key = String(keyNode?.value);
    if (key === '$schema' || !keyNode || !valueNode) continue;
    if (isMachineKey(key)) found.add(key, nodeValue(valueNode), lineOf(body, valueNode.offset));
    else found.problem(key, lineOf(body, keyNode.offset), `unknown setting (known: ${machineKeys.join(', ')})`);
  }
  return found.result();
}

function nodeValue(node: Node): unknown {
  if (node.type === 'object') {
    return Object.fromEntries(
      (node.children ?? []).map((p) => [String(p.children?.[0]?.value), p.children?.[1] && nodeValue(p.children[1])]),
    );
  }
  if (node.type === 'array') return (node.children ?? []).map(nodeValue);
  return node.value as unknown;
}

/** The machine file, if there is one. */
export function readMachineFile(file: string): Read {
  if (!existsSync(file)) return { config: {}, problems: [] };
  try {
    return parseMachineFile(readFileSync(file, 'utf8'), file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    return {
      config: {},
      problems: [{ source: 'file', where: file, field: '', line: null, message: `cannot be read (${reason})` }],
    };
  }
}

/**
 * The policies in the output of `reg query HKLM\SOFTWARE\Policies\Kontor /s`: values of the key
 * itself by name (REG_DWORD booleans, REG_SZ texts), and a list (the disabled features) as the
 * values of its subkey, as the ADMX template's <list> element writes it.
 */
export function parsePolicies(output: string): Read {
  const values = new Map<string, { type: string; data: string }>();
  const lists = new Map<string, string[]>();
  let key = '';
  for (const line of output.split(/\r?\n/)) {
    if (/^HKEY_/i.test(line)) {
      key = line.trim();
      continue;
    }
    const match = /^\s+(\S.*?)\s{2,}(REG_\w+)\s{2,}(.*)$/.exec(line) ?? /^\s+(\S.*?)\s{2,}(REG_\w+)\s*$/.exec(line);
    if (!match) continue;
    const [, name = '', type = '', data = ''] = match;
    const sub = key.split('\\').at(-1) ?? '';
    if (/\\Policies\\Kontor$/i.test(key)) values.set(name, { type, data: data.trim() });
    else lists.set(sub, [...(lists.get(sub) ?? []), data.trim()]);
  }
  const found = collector('policy', `HKLM\\${POLICY_KEY}`);
  for (const field of machineKeys) {
    const name = policyValueName(field);
    const list = lists.get(name);
    const value = values.get(name);
    const at = `HKLM\\${POLICY_KEY}\\${name}`;
    if (list !== undefined) found.add(field, list, null, at);
    else if (value?.type === 'REG_DWORD') found.add(field, Number.parseInt(value.data, 16) !== 0, null, at);
    else if (value !== undefined) found.add(field, value.data, null, at);
  }
  return found.result();
}

/** `reg query` of the policy key: its output, or '' when the key does not exist (no policy set). */
export function queryPolicies(): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      'reg.exe',
      ['query', `HKLM\\${POLICY_KEY}`, '/s'],
      { timeout: 5_000, windowsHide: true },
      (error, stdout) => resolve(error ? '' : stdout),
    );
  });
}

/** Where macOS keeps the preferences a configuration profile forces on Kontor's domain. */
export const MANAGED_PREFERENCES = '/Library/Managed Preferences/de.kontor.desktop.plist';

/** The settings a configuration profile forces (the managed preferences, as `plutil -convert json` gives them). */
export function parseManagedPreferences(json: string, where: string): Read {
  const found = collector('policy', where);
  let values: unknown;
  try {
    values = JSON.parse(json);
  } catch {
    found.problem('', null, 'not readable');
    return found.result();
  }
  for (const [key, value] of Object.entries(values && typeof values === 'object' ? values : {})) {
    if (isMachineKey(key)) found.add(key, value);
  }
  return found.result();
}

/** The managed preferences as JSON, or '{}' when no profile sets any. */
function queryManagedPreferences(): Promise<string> {
  if (!existsSync(MANAGED_PREFERENCES)) return Promise.resolve('{}');
  return new Promise((resolve) => {
    execFile('plutil', ['-convert', 'json', '-o', '-', MANAGED_PREFERENCES], { timeout: 5_000 }, (error, stdout) =>
      resolve(error ? '{}' : stdout),
    );
  });
}

/** The policy over the file, field by field; which fields IT set; every problem of both. */
export function combineMachineConfig(file: Read, policy: Read = { config: {}, problems: [] }): MachineState {
  const config = { ...file.config, ...policy.config };
  return {
    config,
    locked: machineKeys.filter((key) => config[key] !== undefined),
    problems: [...policy.problems, ...file.problems],
  };
}

/**
 * This computer's machine-wide configuration: the file, and over it the Group Policy (Windows)
 * or the configuration profile's managed preferences (macOS).
 */
export async function loadMachineConfig(
  platform: NodeJS.Platform = process.platform,
  file = machineConfigFile(platform),
): Promise<MachineState> {
  const policy =
    platform === 'win32'
      ? parsePolicies(await queryPolicies())
      : platform === 'darwin'
        ? parseManagedPreferences(await queryManagedPreferences(), MANAGED_PREFERENCES)
        : undefined;
  return combineMachineConfig(readMachineFile(file), policy);
}
