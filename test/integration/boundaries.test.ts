// The import boundaries of ARCHITECTURE.md are enforced by lint: probe them with ESLint itself.
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

// The probes are not files of the TypeScript project, so type-aware rules are switched off here.
const eslint = new ESLint({ overrideConfig: [tseslint.configs.disableTypeChecked] });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries', () => {
  it('fails a renderer file that imports from src/core', async () => {
    const messages = await restricted('src/renderer/src/probe.ts', "export { openKontor } from '../../core/app';\n");
    expect(messages.join()).toMatch(/Only main, webhost, cli and server may import src\/core/);
  });

  it('fails a renderer file that imports Node or Electron', async () => {
    expect(await restricted('src/renderer/src/probe.ts', "export { readFileSync } from 'node:fs';\n")).toHaveLength(1);
    expect(await restricted('src/renderer/src/probe.ts', "export { ipcRenderer } from 'electron';\n")).toHaveLength(1);
  });

  it('fails core importing an adapter, and shared importing core', async () => {
    expect(await restricted('src/core/probe.ts', "export { startWebHost } from '../webhost/server';\n")).toHaveLength(
      1,
    );
    expect(await restricted('src/shared/probe.ts', "export { openKontor } from '../core/app';\n")).toHaveLength(1);
  });

  it('lets the preload import the name list and nothing else of the contract', async () => {
    expect(
      await restricted('src/preload/probe.ts', "export { procedureNames } from '../shared/contract/names';\n"),
    ).toEqual([]);
    expect(await restricted('src/preload/probe.ts', "export { contract } from '../shared/contract';\n")).toHaveLength(
      1,
    );
  });

  it('allows what the design allows', async () => {
    expect(
      await restricted(
        'src/renderer/src/probe.ts',
        "export { contract } from '../../shared/contract';\nexport { Button } from '@mantine/core';\n",
      ),
    ).toEqual([]);
    expect(await restricted('src/main/probe.ts', "export { createEnvironmentGate } from '../core/config';\n")).toEqual(
      [],
    );
  });
});
