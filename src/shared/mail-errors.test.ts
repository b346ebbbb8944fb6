import { describe, expect, it } from 'vitest';
import { mailErrorKind } from './mail-errors';

describe('why a mail did not go out', () => {
  it('is told by the stored code, not by the server’s words', () => {
    expect(mailErrorKind(null)).toBeNull();
    expect(mailErrorKind('ENOSERVER: no SMTP server is set up')).toBe('no_server');
    expect(mailErrorKind('ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:25')).toBe('unreachable');
    expect(mailErrorKind('ETIMEDOUT: Connection timeout')).toBe('timeout');
    expect(mailErrorKind('DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate')).toBe('tls');
    expect(mailErrorKind('EAUTH: Invalid login: 535 5.7.8')).toBe('auth');
    expect(mailErrorKind('EENVELOPE: 550 no such user')).toBe('rejected');
    expect(mailErrorKind('Invalid login: 535')).toBe('other'); // stored before codes were: no guessing
  });
});
