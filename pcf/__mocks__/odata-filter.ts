/**
 * Evaluates the OData `$filter` subset the controls send (dataverse-pcf.md §5): comparisons
 * (eq, ne, gt, ge, lt, le), contains/startswith/endswith, and/or/not, parentheses, string, number,
 * boolean, null and GUID literals. String comparisons ignore case, as Dataverse does.
 */
export type Row = Record<string, unknown>;
export type Predicate = (row: Row) => boolean;

type Token =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "word"; value: string }
  | { kind: "punct"; value: "(" | ")" | "," };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "(" || c === ")" || c === ",") {
      tokens.push({ kind: "punct", value: c });
      i++;
    } else if (c === "'") {
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length) throw new SyntaxError(`Unterminated string literal in $filter: ${text}`);
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ kind: "string", value });
    } else {
      const match = /^[^\s(),']+/.exec(text.slice(i));
      if (!match) throw new SyntaxError(`Unexpected character ${c} in $filter`);
      const word = match[0];
      tokens.push(/^-?\d+(\.\d+)?$/.test(word) ? { kind: "number", value: Number(word) } : { kind: "word", value: word });
      i += word.length;
    }
  }
  return tokens;
}

const comparators = ["eq", "ne", "gt", "ge", "lt", "le"] as const;
type Comparator = (typeof comparators)[number];
const functions = ["contains", "startswith", "endswith"] as const;

const normalise = (value: unknown): unknown => (typeof value === "string" ? value.toLowerCase() : value);

function compare(op: Comparator, left: unknown, right: unknown): boolean {
  const a = normalise(left ?? null);
  const b = normalise(right);
  switch (op) {
    case "eq":
      return a === b;
    case "ne":
      return a !== b;
    default: {
      if (a === null || b === null) return false;
      const [x, y] = [a as number | string, b as number | string];
      return op === "gt" ? x > y : op === "ge" ? x >= y : op === "lt" ? x < y : x <= y;
    }
  }
}

export function parseFilter(text: string): Predicate {
  const tokens = tokenize(text);
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const next = (): Token => {
    const token = tokens[position++];
    if (!token) throw new SyntaxError(`Unexpected end of $filter: ${text}`);
    return token;
  };
  const expect = (value: string): void => {
    const token = next();
    if (token.value !== value) throw new SyntaxError(`Expected ${value} in $filter: ${text}`);
  };
  const isWord = (token: Token | undefined, value: string): boolean => token?.kind === "word" && token.value === value;

  const literal = (): unknown => {
    const token = next();
    if (token.kind === "string" || token.kind === "number") return token.value;
    if (token.kind === "word") {
      if (token.value === "null") return null;
      if (token.value === "true") return true;
      if (token.value === "false") return false;
      if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(token.value)) return token.value.toLowerCase();
    }
    throw new SyntaxError(`Expected a literal in $filter: ${text}`);
  };

  const primary = (): Predicate => {
    const token = next();
    if (token.kind === "punct" && token.value === "(") {
      const inner = or();
      expect(")");
      return inner;
    }
    if (token.kind !== "word") throw new SyntaxError(`Unexpected token in $filter: ${text}`);
    const fn = functions.find((name) => name === token.value);
    if (fn) {
      expect("(");
      const property = next().value as string;
      expect(",");
      const argument = String(literal()).toLowerCase();
      expect(")");
      return (row) => {
        const value = row[property];
        if (typeof value !== "string") return false;
        const haystack = value.toLowerCase();
        return fn === "contains" ? haystack.includes(argument) : fn === "startswith" ? haystack.startsWith(argument) : haystack.endsWith(argument);
      };
    }
    const operator = next();
    const op = comparators.find((name) => name === operator.value);
    if (!op) throw new SyntaxError(`Unsupported operator ${String(operator.value)} in $filter: ${text}`);
    const right = literal();
    const property = token.value;
    return (row) => compare(op, row[property], right);
  };

  const not = (): Predicate => {
    if (isWord(peek(), "not")) {
      next();
      const inner = not();
      return (row) => !inner(row);
    }
    return primary();
  };

  const and = (): Predicate => {
    let left = not();
    while (isWord(peek(), "and")) {
      next();
      const [a, b] = [left, not()];
      left = (row) => a(row) && b(row);
    }
    return left;
  };

  const or = (): Predicate => {
    let left = and();
    while (isWord(peek(), "or")) {
      next();
      const [a, b] = [left, and()];
      left = (row) => a(row) || b(row);
    }
    return left;
  };

  const predicate = or();
  if (position !== tokens.length) throw new SyntaxError(`Unexpected trailing tokens in $filter: ${text}`);
  return predicate;
}
