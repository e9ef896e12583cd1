import { describe, expect, it } from 'vitest';
import { dnsLookup } from './host-lookup.ts';

describe('dnsLookup', () => {
  it('answers every address of a name, as the system resolves it', async () => {
    const answer = await dnsLookup()('localhost');
    expect(answer.ok).toBe(true);
    if (answer.ok) for (const address of answer.value) expect(address).toMatch(/^(127\.|::1$)/);
  });

  it('answers an IP address as itself', async () => {
    expect(await dnsLookup()('127.0.0.1')).toEqual({ ok: true, value: ['127.0.0.1'] });
  });

  it('says why a name does not resolve, within its time limit', async () => {
    const started = Date.now();
    const answer = await dnsLookup(3000)('devloop-test.invalid');
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.error).toMatch(/^(ENOTFOUND|EAI_AGAIN|no answer within 3000 ms)$/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
