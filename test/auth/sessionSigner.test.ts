/**
 * The session cookie's signer (src/auth/sessionStore.ts rememberingSigner): the
 * answers of @fastify/cookie's own signer, remembered for the busiest cookies so
 * that a request does not compute the same HMAC again; forgeries are never remembered.
 */
import { Signer } from '@fastify/cookie';
import { afterEach, describe, expect, it } from 'vitest';
import { rememberingSigner, SIGNED_COOKIES_KEPT } from '../../src/auth/sessionStore.js';

const SECRET = 'a-session-secret-of-at-least-32-characters';
const library = new Signer(SECRET, 'sha256');

/** Counts the library signer's HMAC computations (sign and unsign) while the test runs. */
const calls = { sign: 0, unsign: 0 };
const original = { sign: Signer.prototype.sign, unsign: Signer.prototype.unsign };
Signer.prototype.sign = function (this: Signer, value: string) {
  calls.sign++;
  return original.sign.call(this, value);
};
Signer.prototype.unsign = function (this: Signer, value: string) {
  calls.unsign++;
  return original.unsign.call(this, value);
};
afterEach(() => {
  calls.sign = 0;
  calls.unsign = 0;
});

describe('the session cookie signer', () => {
  it("signs and checks exactly as the library does, and computes each cookie's HMAC once", () => {
    const signer = rememberingSigner(SECRET);
    const cookie = library.sign('session-id-1');
    calls.sign = calls.unsign = 0;
    expect(signer.sign('session-id-1')).toBe(cookie);
    expect(signer.sign('session-id-1')).toBe(cookie);
    expect(calls.sign).toBe(1);
    for (let i = 0; i < 5; i++) expect(signer.unsign(cookie)).toEqual({ valid: true, renew: false, value: 'session-id-1' });
    expect(calls.unsign).toBe(1);
  });

  it('refuses a forged or tampered cookie every time, even beside a valid one it remembers', () => {
    const signer = rememberingSigner(SECRET);
    const cookie = library.sign('session-id-2');
    expect(signer.unsign(cookie).valid).toBe(true);
    const tampered = cookie.replace('session-id-2', 'session-id-3');
    const otherSecret = new Signer('another-secret-of-at-least-32-characters!', 'sha256').sign('session-id-2');
    for (const forged of [tampered, otherSecret, 'session-id-2', 'session-id-2.', `${cookie}x`]) {
      for (let i = 0; i < 3; i++) expect(signer.unsign(forged), forged).toEqual({ valid: false, renew: false, value: null });
    }
    // What a caller does with an answer does not change the next one.
    const answer = signer.unsign(cookie);
    answer.value = 'someone-else';
    expect(signer.unsign(cookie).value).toBe('session-id-2');
  });

  it('keeps a bounded number of cookies and still answers correctly for those it let go', () => {
    const signer = rememberingSigner(SECRET);
    const cookies = Array.from({ length: SIGNED_COOKIES_KEPT + 50 }, (_, i) => library.sign(`sid-${i}`));
    for (const c of cookies) expect(signer.unsign(c).valid).toBe(true);
    calls.unsign = 0;
    // The first ones were let go: checked again by the library, still valid.
    expect(signer.unsign(cookies[0]!)).toEqual({ valid: true, renew: false, value: 'sid-0' });
    expect(calls.unsign).toBe(1);
    // The latest ones are remembered.
    expect(signer.unsign(cookies.at(-1)!).value).toBe(`sid-${SIGNED_COOKIES_KEPT + 49}`);
    expect(calls.unsign).toBe(1);
  });

  it('refuses a secret shorter than 32 characters, as the session plugin does', () => {
    expect(() => rememberingSigner('too-short')).toThrow(/32/);
  });
});
