// Whether a host name is this machine: connections to it never cross a network, so plain text
// (no TLS) and plain SMTP passwords are acceptable there and nowhere else.
export function isLocalHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return (
    h === '' ||
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    /^127(\.\d{1,3}){3}$/.test(h) ||
    h === '::1' ||
    // A Unix socket directory (Postgres): host=/var/run/postgresql or %2Fvar%2Frun…
    h.startsWith('/') ||
    h.startsWith('%2f')
  );
}
