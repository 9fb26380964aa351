import { describe, expect, it } from 'vitest';
import { coerceAttribute, type AttributeSpec } from '../../src/resources/attributes.js';
import { AttributeValueError, NepiError } from '../../src/errors.js';

const where = { guid: 'node1', type: 'dummy::Node', attribute: 'port' };

function rejection(spec: AttributeSpec, value: unknown, at: typeof where | { type: string; attribute: string } = where): AttributeValueError {
  try {
    coerceAttribute(spec, value, at);
  } catch (error) {
    expect(error).toBeInstanceOf(AttributeValueError);
    return error as AttributeValueError;
  }
  throw new Error(`expected ${String(value)} to be rejected for ${spec.type}`);
}

describe('coerceAttribute', () => {
  describe('string', () => {
    const spec: AttributeSpec = { type: 'string', help: '' };
    it('accepts a string unchanged', () => {
      expect(coerceAttribute(spec, 'eth0', where)).toBe('eth0');
      expect(coerceAttribute(spec, '', where)).toBe('');
    });
    it('rejects a number', () => {
      expect(rejection(spec, 42).message).toContain('expects a string, got 42 (number)');
    });
  });

  describe('boolean', () => {
    const spec: AttributeSpec = { type: 'boolean', help: '' };
    it('accepts true and false', () => {
      expect(coerceAttribute(spec, true, where)).toBe(true);
      expect(coerceAttribute(spec, false, where)).toBe(false);
    });
    it('rejects the string "true" and the number 0', () => {
      expect(rejection(spec, 'true').message).toContain('expects true or false, got "true" (string)');
      expect(rejection(spec, 0).message).toContain('expects true or false, got 0 (number)');
    });
  });

  describe('integer', () => {
    const spec: AttributeSpec = { type: 'integer', help: '', range: [1, 10] };
    it('accepts an integer inside the range', () => {
      expect(coerceAttribute(spec, 5, where)).toBe(5);
    });
    it('accepts both ends of the inclusive range', () => {
      expect(coerceAttribute(spec, 1, where)).toBe(1);
      expect(coerceAttribute(spec, 10, where)).toBe(10);
    });
    it('rejects values just outside the range', () => {
      expect(rejection(spec, 0).message).toContain('must be within [1, 10], got 0');
      expect(rejection(spec, 11).message).toContain('must be within [1, 10], got 11');
    });
    it('rejects a fractional number', () => {
      expect(rejection(spec, 3.5).message).toContain('expects an integer');
    });
    it('rejects numeric strings, NaN and Infinity', () => {
      expect(rejection(spec, '3').message).toContain('expects a number');
      expect(rejection(spec, NaN).message).toContain('expects a number, got NaN (number)');
      expect(rejection(spec, Infinity).message).toContain('expects a number');
    });
  });

  describe('double', () => {
    const spec: AttributeSpec = { type: 'double', help: '', range: [0, 1] };
    it('accepts a fractional number', () => {
      expect(coerceAttribute(spec, 0.25, where)).toBe(0.25);
    });
    it('accepts both ends of the inclusive range', () => {
      expect(coerceAttribute(spec, 0, where)).toBe(0);
      expect(coerceAttribute(spec, 1, where)).toBe(1);
    });
    it('rejects values just outside the range', () => {
      expect(rejection(spec, -0.001).message).toContain('must be within [0, 1]');
      expect(rejection(spec, 1.001).message).toContain('must be within [0, 1]');
    });
    it('rejects a numeric string', () => {
      expect(rejection(spec, '0.5').message).toContain('expects a number');
    });
  });

  describe('enum', () => {
    const spec: AttributeSpec = { type: 'enum', help: '', allowed: ['tcp', 'udp'] };
    it('accepts an allowed value', () => {
      expect(coerceAttribute(spec, 'udp', where)).toBe('udp');
    });
    it('rejects a value not allowed and lists the allowed ones', () => {
      expect(rejection(spec, 'sctp').message).toContain(`expects one of 'tcp', 'udp', got "sctp" (string)`);
    });
    it('rejects a non-string', () => {
      expect(rejection(spec, 1).message).toContain(`expects one of 'tcp', 'udp'`);
    });
  });

  describe('duration', () => {
    const spec: AttributeSpec = { type: 'duration', help: '', range: [1_000, 60_000] };
    it('normalises duration strings to milliseconds', () => {
      expect(coerceAttribute(spec, '2s', where)).toBe(2_000);
      expect(coerceAttribute(spec, '0.5m', where)).toBe(30_000);
      expect(coerceAttribute({ type: 'duration', help: '' }, '2m30s', where)).toBe(150_000);
    });
    it('accepts a plain number of milliseconds', () => {
      expect(coerceAttribute(spec, 1_500, where)).toBe(1_500);
    });
    it('checks the inclusive range in milliseconds after parsing', () => {
      expect(coerceAttribute(spec, '1s', where)).toBe(1_000);
      expect(coerceAttribute(spec, '1m', where)).toBe(60_000);
      expect(rejection(spec, '999ms').message).toContain('must be within [1000, 60000], got 999');
      expect(rejection(spec, 60_001).message).toContain('must be within [1000, 60000], got 60001');
    });
    it('rejects an unparsable duration with the parser message', () => {
      expect(rejection(spec, '2x').message).toContain('invalid duration "2x"');
    });
  });

  describe('errors', () => {
    const spec: AttributeSpec = { type: 'integer', help: '' };
    it('throws an AttributeValueError, a NepiError, naming the guid, type and attribute', () => {
      const error = rejection(spec, 'x');
      expect(error).toBeInstanceOf(NepiError);
      expect(error.name).toBe('AttributeValueError');
      expect(error.message).toMatch(/^resource 'node1' \(dummy::Node\): attribute 'port' /);
      expect(error.guid).toBe('node1');
      expect(error.type).toBe('dummy::Node');
      expect(error.attribute).toBe('port');
    });
    it('names the type alone when no guid is given', () => {
      const error = rejection(spec, 'x', { type: 'dummy::Node', attribute: 'port' });
      expect(error.message).toMatch(/^type 'dummy::Node': attribute 'port' /);
      expect(error.guid).toBeUndefined();
    });

    // Regression: describing the bad value must not itself throw.
    it('rejects a BigInt with an AttributeValueError rather than a JSON TypeError', () => {
      expect(() => coerceAttribute({ type: 'string', help: '' }, 10n, where)).toThrow(AttributeValueError);
    });
    it('rejects a circular object with an AttributeValueError rather than a JSON TypeError', () => {
      const circular: Record<string, unknown> = {};
      circular['self'] = circular;
      expect(() => coerceAttribute({ type: 'string', help: '' }, circular, where)).toThrow(AttributeValueError);
    });
  });
});
