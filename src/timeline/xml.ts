/** Escaping text for XML and HTML: element content and attribute values alike. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `name="value"` pairs, escaped, for the attributes whose value is defined. */
export function attrs(values: Readonly<Record<string, string | number | undefined>>): string {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}="${escapeXml(typeof value === 'number' ? round(value) : String(value))}"`)
    .join(' ');
}

/** A coordinate with at most two decimals, as a string. */
export function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}
