import { describe, expect, it } from 'vitest';
import { nearestName, suggest, UnknownAttributeError, UnknownResourceError, UnknownTypeError } from '../../src/errors.js';

describe('nearestName and suggest', () => {
  it("suggests 'server' for the misspelling 'sever'", () => {
    expect(nearestName('sever', ['server', 'client'])).toBe('server');
    expect(suggest('sever', ['server', 'client'])).toBe(" - did you mean 'server'?");
  });

  it('suggests nothing when no known name is close', () => {
    expect(nearestName('zzzzzzzz', ['server', 'client'])).toBeUndefined();
    expect(suggest('zzzzzzzz', ['server', 'client'])).toBe('');
  });

  it('suggests nothing when no name is known', () => {
    expect(nearestName('server', [])).toBeUndefined();
    expect(suggest('server', [])).toBe('');
  });

  it('compares names case-insensitively but returns the known spelling', () => {
    expect(nearestName('SERVER', ['Server', 'client'])).toBe('Server');
  });

  it('accepts an edit distance of 2 for short names and refuses 3', () => {
    expect(nearestName('abc', ['axy'])).toBe('axy');
    expect(nearestName('abc', ['xyz'])).toBeUndefined();
  });

  it('picks the closest of several candidates', () => {
    expect(nearestName('clinet', ['server', 'client', 'clients'])).toBe('client');
  });
});

describe('errors that suggest a name', () => {
  it('UnknownResourceError ends its message with " - did you mean \'server\'?"', () => {
    const error = new UnknownResourceError('sever', ['server', 'client']);
    expect(error.message).toBe("unknown resource 'sever' - did you mean 'server'?");
    expect(error.message).toContain(" - did you mean 'server'?");
    expect(error.guid).toBe('sever');
  });

  it('UnknownResourceError suggests nothing when no guid is close', () => {
    expect(new UnknownResourceError('zzzzzzzz', ['server']).message).toBe("unknown resource 'zzzzzzzz'");
  });

  it('UnknownTypeError suggests the nearest registered type', () => {
    const error = new UnknownTypeError('dummy::Nod', ['dummy::Node', 'dummy::Application']);
    expect(error.message).toBe("unknown resource type 'dummy::Nod' - did you mean 'dummy::Node'?");
    expect(error.type).toBe('dummy::Nod');
  });

  it('UnknownAttributeError names the resource and suggests the nearest attribute', () => {
    const error = new UnknownAttributeError('n1', 'dummy::Node', 'deplyTime', ['deployTime', 'critical']);
    expect(error.message).toBe("resource 'n1' (dummy::Node) has no attribute 'deplyTime' - did you mean 'deployTime'?");
    expect(error.attribute).toBe('deplyTime');
  });
});
