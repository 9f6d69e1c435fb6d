import { describe, expect, it } from 'vitest';
import { matchRoute } from './router';

const routes = { productions: '/productions', production: '/productions/:id', me: '/me', home: '/' };

describe('routes', () => {
  it('matches paths and their parameters', () => {
    expect(matchRoute('/productions', routes)).toEqual({ name: 'productions', params: {} });
    expect(matchRoute('/productions/prd_1/', routes)).toEqual({ name: 'production', params: { id: 'prd_1' } });
    expect(matchRoute('/productions/a%20b', routes)?.params.id).toBe('a b');
    expect(matchRoute('/', routes)?.name).toBe('home');
    expect(matchRoute('/nope/x/y', routes)).toBeNull();
  });
});
