// Why a mail did not go out, as a kind people get a sentence for (the driver's own text stays in
// the log). Kontor stores a failure as "<code>: <message>", the code being nodemailer's or the
// system's (ECONNREFUSED, ETIMEDOUT, EAUTH …), and classifies by that code first.
export const mailErrorKinds = ['no_server', 'unreachable', 'timeout', 'tls', 'auth', 'rejected', 'other'] as const;
export type MailErrorKind = (typeof mailErrorKinds)[number];

/** The code Kontor records when no SMTP server is set up. */
export const NO_SERVER = 'ENOSERVER';

export function mailErrorKind(stored: string | null): MailErrorKind | null {
  if (stored === null) return null;
  const code = /^([A-Z_]{3,40}):/.exec(stored)?.[1] ?? '';
  if (code === NO_SERVER) return 'no_server';
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EDNS', 'ECONNRESET'].includes(code))
    return 'unreachable';
  if (['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EGREETING'].includes(code)) return 'timeout';
  if (code === 'ETLS' || /CERT|SSL|TLS|SIGNATURE|VERIFY/.test(code)) return 'tls';
  if (code === 'EAUTH' || code === 'ENOAUTH') return 'auth';
  if (['EENVELOPE', 'EMESSAGE', 'EMAXLIMIT'].includes(code)) return 'rejected';
  return 'other';
}
