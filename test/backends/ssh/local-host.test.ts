/** Which hostnames make a linux::Node local (no SSH): isLocalHost. */
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { isLocalHost } from '../../../src/backends/linux/node.js';

describe('isLocalHost', () => {
  it('accepts the loopback names whatever their case, and localhost.localdomain', () => {
    for (const name of [
      'localhost',
      'LOCALHOST',
      'LocalHost',
      'localhost.localdomain',
      'LOCALHOST.LOCALDOMAIN',
      'localhost.',
      '127.0.0.1',
      '127.1.2.3',
      '::1',
      'ip6-localhost',
    ]) {
      expect(isLocalHost(name), name).toBe(true);
    }
    expect(isLocalHost(hostname().toUpperCase())).toBe(true);
  });

  it('refuses other hosts', () => {
    for (const name of ['example.org', 'localhost.example.org', 'mylocalhost', '128.0.0.1', '10.0.0.1', '']) {
      expect(isLocalHost(name), name).toBe(false);
    }
  });
});
