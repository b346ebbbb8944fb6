// Types of licenses.mjs for the tests.
export interface ShippedPackage {
  readonly name: string;
  readonly version: string;
  readonly license: string | null;
  /** Its licence text in `texts`, or null when the package carries none. */
  readonly textId: string | null;
}
export declare function collectLicences(root: string): {
  packages: ShippedPackage[];
  texts: Record<string, string>;
};
