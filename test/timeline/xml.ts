/**
 * A small strict XML reader for tests: it throws on anything that is not well-formed
 * (unclosed or mismatched tags, bad attributes, a stray `&` or `<`), and returns the element
 * tree with decoded attribute values and text.
 */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string, at: number): string {
  return text.replace(/&([^;&\s]*);?/g, (match, body: string) => {
    if (!match.endsWith(';')) throw new Error(`XML: a bare '&' near offset ${at}`);
    if (body.startsWith('#x')) return String.fromCodePoint(parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(Number(body.slice(1)));
    const entity = ENTITIES[body];
    if (entity === undefined) throw new Error(`XML: unknown entity '&${body};' near offset ${at}`);
    return entity;
  });
}

export function parseXml(text: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let i = 0;
  const skipTo = (end: string) => {
    const j = text.indexOf(end, i);
    if (j < 0) throw new Error(`XML: '${end}' missing after offset ${i}`);
    i = j + end.length;
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt < 0 ? text.length : lt);
    if (stack.length > 0) stack[stack.length - 1]!.text += decode(chunk, i);
    else if (chunk.trim() !== '') throw new Error(`XML: text outside the root element near offset ${i}`);
    if (lt < 0) break;
    i = lt;
    if (text.startsWith('<?', i)) skipTo('?>');
    else if (text.startsWith('<!--', i)) skipTo('-->');
    else if (text.startsWith('<![CDATA[', i)) {
      const j = text.indexOf(']]>', i);
      if (j < 0 || stack.length === 0) throw new Error(`XML: bad CDATA at ${i}`);
      stack[stack.length - 1]!.text += text.slice(i + 9, j);
      i = j + 3;
    } else if (text.startsWith('<!', i)) skipTo('>');
    else if (text.startsWith('</', i)) {
      const j = text.indexOf('>', i);
      const name = text.slice(i + 2, j).trim();
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`XML: </${name}> closes <${open?.name ?? 'nothing'}> at offset ${i}`);
      i = j + 1;
    } else {
      const match = /^<([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_:][\w:.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/.exec(text.slice(i));
      if (!match) throw new Error(`XML: malformed tag at offset ${i}: ${text.slice(i, i + 60)}`);
      if (root && stack.length === 0) throw new Error(`XML: a second root element at offset ${i}`);
      const attributes: Record<string, string> = {};
      for (const attr of match[2]!.matchAll(/([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        if (Object.hasOwn(attributes, attr[1]!)) throw new Error(`XML: attribute '${attr[1]}' twice at offset ${i}`);
        attributes[attr[1]!] = decode(attr[2] ?? attr[3] ?? '', i);
      }
      const element: XmlElement = { name: match[1]!, attributes, children: [], text: '' };
      if (stack.length > 0) stack[stack.length - 1]!.children.push(element);
      else root = element;
      if (match[3] !== '/') stack.push(element);
      i += match[0].length;
    }
  }
  if (stack.length > 0) throw new Error(`XML: <${stack[stack.length - 1]!.name}> is never closed`);
  if (!root) throw new Error('XML: no root element');
  return root;
}

/** Every element under `root` (itself included) that `test` accepts, in document order. */
export function findAll(root: XmlElement, test: (element: XmlElement) => boolean): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (element: XmlElement) => {
    if (test(element)) found.push(element);
    element.children.forEach(visit);
  };
  visit(root);
  return found;
}

/** Elements whose `data-kind` is `kind`. */
export function byKind(root: XmlElement, kind: string): XmlElement[] {
  return findAll(root, (element) => element.attributes['data-kind'] === kind);
}
