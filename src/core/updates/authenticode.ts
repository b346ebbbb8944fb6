// Checks the Authenticode signature of a downloaded Windows installer without PowerShell, for
// machines where IT restricts it (electron-updater's own check runs Get-AuthenticodeSignature).
// Plain node:crypto over the file: the PE image hash against the signed digest, the signer's
// signature over its authenticated attributes, the signer certificate's code-signing usage and
// validity, its chain up to a trusted root, and its subject against the publisher names the app
// was built with. Certificate revocation is not checked (Windows' own check does that online).
import { createHash, verify, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';

export type SignatureCheck =
  | { readonly ok: true; readonly publisher: string }
  | { readonly ok: false; readonly reason: string; readonly untrustedRoot?: true };

/** One DER element: its tag, where its value starts and ends, and where the element starts. */
interface Der {
  readonly tag: number;
  readonly start: number;
  readonly value: number;
  readonly end: number;
}

function readDer(data: Buffer, at: number): Der {
  const tag = data[at] ?? -1;
  let length = data[at + 1] ?? 0;
  let value = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (data[value + i] ?? 0);
    value += bytes;
  }
  if (value + length > data.length) throw new Error('truncated DER');
  return { tag, start: at, value, end: value + length };
}

function children(data: Buffer, parent: Der): Der[] {
  const list: Der[] = [];
  for (let at = parent.value; at < parent.end;) {
    const child = readDer(data, at);
    list.push(child);
    at = child.end;
  }
  return list;
}

function oid(data: Buffer, element: Der): string {
  const bytes = data.subarray(element.value, element.end);
  const first = bytes[0] ?? 0;
  const parts = [Math.floor(first / 40), first % 40];
  let n = 0;
  for (const byte of bytes.subarray(1)) {
    n = n * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(n);
      n = 0;
    }
  }
  return parts.join('.');
}

const HASHES: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const SIGNED_DATA = '1.2.840.113549.1.7.2';
const SPC_INDIRECT_DATA = '1.3.6.1.4.1.311.2.1.4';
const MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';

/** Where the PE file keeps its checksum, its certificate table entry and the table itself. */
function peLayout(file: Buffer): { checksum: number; directory: number; table: number; size: number } | null {
  if (file.length < 0x40 || file.toString('latin1', 0, 2) !== 'MZ') return null;
  const pe = file.readUInt32LE(0x3c);
  if (pe + 24 > file.length || file.toString('latin1', pe, pe + 4) !== 'PE\0\0') return null;
  const optional = pe + 24;
  const magic = file.readUInt16LE(optional);
  if (magic !== 0x10b && magic !== 0x20b) return null;
  const directories = optional + (magic === 0x10b ? 96 : 112);
  const directory = directories + 4 * 8;
  if (directory + 8 > file.length) return null;
  return {
    checksum: optional + 64,
    directory,
    table: file.readUInt32LE(directory),
    size: file.readUInt32LE(directory + 4),
  };
}

/** The Authenticode image hash: the file without its checksum, certificate table entry and table. */
function imageHash(file: Buffer, layout: NonNullable<ReturnType<typeof peLayout>>, algorithm: string): Buffer {
  const hash = createHash(algorithm);
  hash.update(file.subarray(0, layout.checksum));
  hash.update(file.subarray(layout.checksum + 4, layout.directory));
  hash.update(file.subarray(layout.directory + 8, layout.table));
  hash.update(file.subarray(layout.table + layout.size));
  return hash.digest();
}

/** The subject's common name (or organisation) of a certificate. */
function publisherOf(certificate: X509Certificate): string {
  const fields = new Map(
    certificate.subject.split('\n').map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1)] as const;
    }),
  );
  return fields.get('CN') ?? fields.get('O') ?? '';
}

/** Walks from the signer up through the signature's certificates to a trusted root. */
function chainsToTrusted(
  signer: X509Certificate,
  pool: readonly X509Certificate[],
  roots: readonly X509Certificate[],
  now: Date,
): boolean {
  let current = signer;
  for (let depth = 0; depth < 8; depth++) {
    const root = roots.find((r) => current.checkIssued(r) && current.verify(r.publicKey));
    if (root) return new Date(root.validTo) >= now;
    const issuer = pool.find((c) => c !== current && current.checkIssued(c) && current.verify(c.publicKey));
    if (!issuer || new Date(issuer.validTo) < now || new Date(issuer.validFrom) > now) return false;
    current = issuer;
  }
  return false;
}

/** Checks `file` (the installer's bytes) against the publisher names and trusted root certificates. */
export function verifyAuthenticode(
  file: Buffer,
  publisherNames: readonly string[],
  trustedRoots: readonly string[],
  now = new Date(),
): SignatureCheck {
  const layout = peLayout(file);
  if (!layout) return { ok: false, reason: 'not a Windows executable' };
  if (layout.size === 0 || layout.table === 0 || layout.table + layout.size > file.length) {
    return { ok: false, reason: 'not signed' };
  }
  try {
    // WIN_CERTIFICATE: length, revision, type 2 (PKCS#7 signed data), then the DER.
    if (file.readUInt16LE(layout.table + 6) !== 2) return { ok: false, reason: 'not an Authenticode signature' };
    const der = file.subarray(layout.table + 8, layout.table + file.readUInt32LE(layout.table));
    const contentInfo = readDer(der, 0);
    const [type, explicit] = children(der, contentInfo);
    if (!type || !explicit || oid(der, type) !== SIGNED_DATA) return { ok: false, reason: 'not PKCS#7 signed data' };
    const [signedData] = children(der, explicit);
    if (!signedData) return { ok: false, reason: 'empty signature' };
    const parts = children(der, signedData);
    const content = parts[2];
    const certificates = parts.find((p) => p.tag === 0xa0);
    const signerInfos = parts.at(-1);
    if (!content || !certificates || !signerInfos) return { ok: false, reason: 'incomplete signature' };

    // What was signed: the image digest inside SpcIndirectDataContent.
    const [contentType, contentExplicit] = children(der, content);
    if (!contentType || !contentExplicit || oid(der, contentType) !== SPC_INDIRECT_DATA) {
      return { ok: false, reason: 'not an Authenticode signature' };
    }
    const [indirect] = children(der, contentExplicit);
    const digestInfo = indirect && children(der, indirect)[1];
    const [digestAlgorithm, digest] = digestInfo ? children(der, digestInfo) : [];
    const algorithmOid = digestAlgorithm && children(der, digestAlgorithm)[0];
    const algorithm = algorithmOid && HASHES[oid(der, algorithmOid)];
    if (!indirect || !digest || !algorithm) return { ok: false, reason: 'unknown digest algorithm' };
    if (!imageHash(file, layout, algorithm).equals(der.subarray(digest.value, digest.end))) {
      return { ok: false, reason: 'the file was changed after it was signed' };
    }

    // Who signed: the signer's authenticated attributes hold the digest of that content.
    const [signerInfo] = children(der, signerInfos);
    if (!signerInfo) return { ok: false, reason: 'no signer' };
    const signer = children(der, signerInfo);
    const serial = signer[1] && children(der, signer[1])[1];
    const attributes = signer.find((p) => p.tag === 0xa0);
    const signature = signer.find((p, i) => p.tag === 0x04 && i > 2);
    const signerAlgorithmOid = signer[2] && children(der, signer[2])[0];
    const signerAlgorithm = signerAlgorithmOid && HASHES[oid(der, signerAlgorithmOid)];
    if (!serial || !attributes || !signature || !signerAlgorithm) return { ok: false, reason: 'incomplete signer' };
    const contentDigest = createHash(signerAlgorithm).update(der.subarray(indirect.value, indirect.end)).digest();
    const messageDigest = children(der, attributes)
      .map((attribute) => children(der, attribute))
      .find(([id]) => id && oid(der, id) === MESSAGE_DIGEST)?.[1];
    const value = messageDigest && children(der, messageDigest)[0];
    if (!value || !contentDigest.equals(der.subarray(value.value, value.end))) {
      return { ok: false, reason: 'the signed content does not match its digest' };
    }

    const pool = children(der, certificates).map((c) => new X509Certificate(der.subarray(c.start, c.end)));
    const serialHex = der
      .subarray(serial.value, serial.end)
      .toString('hex')
      .replace(/^(00)+/, '')
      .toUpperCase();
    const certificate = pool.find((c) => c.serialNumber.replace(/^(00)+/, '').toUpperCase() === serialHex);
    if (!certificate) return { ok: false, reason: 'the signer certificate is missing' };
    // The attributes are signed as a SET (tag 0x31), though stored with the context tag [0].
    const signedAttributes = Buffer.from(der.subarray(attributes.start, attributes.end));
    signedAttributes[0] = 0x31;
    if (
      !verify(signerAlgorithm, signedAttributes, certificate.publicKey, der.subarray(signature.value, signature.end))
    ) {
      return { ok: false, reason: 'the signature does not verify' };
    }
    if (!(certificate.keyUsage ?? []).includes(CODE_SIGNING)) {
      return { ok: false, reason: 'the certificate is not for code signing' };
    }
    if (new Date(certificate.validFrom) > now || new Date(certificate.validTo) < now) {
      return { ok: false, reason: 'the signer certificate is not valid now' };
    }
    const publisher = publisherOf(certificate);
    if (!publisherNames.includes(publisher)) {
      return { ok: false, reason: `signed by ${publisher}, not by ${publisherNames.join(' or ')}` };
    }
    const roots = trustedRoots.map((pem) => new X509Certificate(pem));
    if (!chainsToTrusted(certificate, pool, roots, now)) {
      return { ok: false, reason: 'the certificate does not chain to a trusted root', untrustedRoot: true };
    }
    return { ok: true, publisher };
  } catch (error) {
    return { ok: false, reason: `the signature cannot be read (${(error as Error).message})` };
  }
}

/**
 * electron-updater's verifyUpdateCodeSignature: null when the downloaded installer may run, else
 * why not. Checked here against Node's list of trusted roots; a publisher whose root is not in it
 * (a code-signing-only root such as Microsoft's for Trusted Signing) is left to Windows' own
 * check (`windows`, electron-updater's PowerShell one) where it is given.
 */
export async function installerSignatureProblem(
  publisherNames: readonly string[],
  path: string,
  {
    roots = rootCertificates,
    windows,
  }: { roots?: readonly string[]; windows?: (names: string[], path: string) => Promise<string | null> } = {},
): Promise<string | null> {
  let file: Buffer;
  try {
    file = await readFile(path);
  } catch (error) {
    return `the installer cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`;
  }
  const check = verifyAuthenticode(file, publisherNames, roots);
  if (check.ok) return null;
  if (check.untrustedRoot && windows) return windows([...publisherNames], path);
  return check.reason;
}
