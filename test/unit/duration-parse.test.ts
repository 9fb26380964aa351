import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/time/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['2s', 2_000],
    ['1.5m', 90_000],
    ['1h', 3_600_000],
  ])('parses the single-unit duration %s as %i ms', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });

  it('parses compound durations such as 2m30s', () => {
    expect(parseDuration('2m30s')).toBe(150_000);
  });

  it('parses a three-part compound duration such as 1h2m3s', () => {
    expect(parseDuration('1h2m3s')).toBe(3_723_000);
  });

  it('returns plain non-negative numbers unchanged as milliseconds', () => {
    expect(parseDuration(0)).toBe(0);
    expect(parseDuration(250)).toBe(250);
    expect(parseDuration(1.5)).toBe(1.5);
  });

  it('reads numeric strings such as "250" as milliseconds', () => {
    expect(parseDuration('250')).toBe(250);
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('12.5')).toBe(12.5);
  });

  it.each<[string, unknown, string]>([
    ['an unknown unit', '2x', '"2x"'],
    ['the empty string', '', '""'],
    ['a negative numeric string', '-1', '"-1"'],
    ['a negative number', -5, '-5'],
    ['NaN', NaN, 'NaN'],
    ['Infinity', Infinity, 'Infinity'],
    ['a unit without a number', 's', '"s"'],
    ['a trailing number without a unit', '2 m 30', '"2 m 30"'],
    ['an object', { ms: 5 }, '[object Object]'],
    ['null', null, 'null'],
  ])('rejects %s with a TypeError that quotes the value', (_label, value, shown) => {
    let caught: unknown;
    try {
      parseDuration(value);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TypeError);
    expect((caught as TypeError).message).toContain(`invalid duration ${shown}:`);
  });
});
