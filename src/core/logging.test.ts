import { describe, expect, it } from 'vitest';
import { redactAddresses } from './logs/file-logger';

describe('log lines', () => {
  it('carry no mail addresses, wherever they appear', () => {
    expect(
      redactAddresses('550 5.1.1 <eva.muster@firma.example>: Recipient rejected; from "it@muster.de" to ada+x@a.b.co'),
    ).toBe('550 5.1.1 <[address]>: Recipient rejected; from "[address]" to [address]');
    expect(redactAddresses('no address here: user@localhost is no domain')).toContain('user@localhost');
  });
});
