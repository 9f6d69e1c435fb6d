import { describe, expect, it } from 'vitest';
import { decodeClaims, homeOf, isExpired, isTalentOnly, sessionOf } from './auth';

const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const jwt = (claims: object) => `${b64({ alg: 'RS256' })}.${b64(claims)}.sig`;

describe('session claims', () => {
  it('reads org, roles and talent id from a token', () => {
    const claims = decodeClaims(jwt({ sub: 'u1', org: 'acme', roles: ['talent'], talent_id: 'tal_1', exp: 4_000_000_000 }));
    expect(claims).toEqual({ sub: 'u1', org: 'acme', roles: ['talent'], talentId: 'tal_1', exp: 4_000_000_000 });
    expect(isTalentOnly(claims!)).toBe(true);
    expect(homeOf(claims!)).toBe('/me');
  });
  it('sends staff to the productions', () => {
    const claims = decodeClaims(jwt({ sub: 'u1', org: 'acme', roles: ['producer', 'casting'] }))!;
    expect(isTalentOnly(claims)).toBe(false);
    expect(homeOf(claims)).toBe('/productions');
  });
  it('refuses what is not a JWT, and expired tokens', () => {
    expect(decodeClaims('nope')).toBeNull();
    expect(decodeClaims('a.!!!.c')).toBeNull();
    expect(isExpired({ sub: '', org: '', roles: [], talentId: null, exp: 10 }, 11)).toBe(true);
    expect(sessionOf(jwt({ sub: 'u', org: 'o', roles: ['viewer'], exp: 1 }))).toBeNull();
  });
});
