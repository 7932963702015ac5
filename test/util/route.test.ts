import { describe, expect, it } from 'vitest';
import { createRouter, defaultRoute, parseRouteRules, splitUrl } from '../../src/util/route.js';

describe('routes', () => {
  it.each([
    ['/user/123', '/user/:id'],
    ['/user/123/orders/42', '/user/:id/orders/:id'],
    ['/download/123e4567-e89b-12d3-a456-426614174000', '/download/:uuid'],
    ['/static/app.9f8e7d6c5b4a3f2e.js', '/static/app.:hex.js'],
    ['/js/jquery-3.7.1.min.js', '/js/jquery-3.7.1.min.js'],
    ['/blob/9f8e7d6c5b4a3f2e1d0c', '/blob/:hex'],
    ['/archive/2026-11-22', '/archive/:date'],
    ['/u/alice@example.com', '/u/:email'],
    ['/s/A1b2C3d4E5f6G7h8I9j0K123', '/s/:token'],
    ['/img/42.jpg', '/img/:id.jpg'],
    ['/about', '/about'],
    ['/', '/'],
  ])('%s -> %s', (path, route) => {
    expect(defaultRoute(path)).toBe(route);
  });

  it('user rules win over folding, with capture groups', () => {
    const router = createRouter(parseRouteRules('# app routes\n^/shop/([a-z]+)/.* => /shop/$1/:slug\n'));
    expect(router('/shop/books/the-hobbit')).toBe('/shop/books/:slug');
    expect(router('/user/7')).toBe('/user/:id');
    expect(router(null)).toBeNull();
  });

  it('reports a bad rule with its line number', () => {
    expect(() => parseRouteRules('ok => x\nno arrow here')).toThrow(/line 2/);
    expect(() => parseRouteRules('([ => x')).toThrow(/line 1.*bad regex/);
  });

  it('splits the query off', () => {
    expect(splitUrl('/a?b=1&c')).toEqual({ path: '/a', query: 'b=1&c' });
    expect(splitUrl('/a')).toEqual({ path: '/a', query: null });
  });
});
