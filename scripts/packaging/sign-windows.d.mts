// Types of sign-windows.mjs for the tests (electron-builder loads the hook as plain JavaScript).
export declare function splitCommand(line: string): string[];
export declare function signCommand(
  env: Record<string, string | undefined>,
  file: string,
): { program: string; args: string[] } | null;
