/**
 * Parser for the OData `$filter` subset Dataverse supports: comparison operators, and/or/not,
 * parentheses, contains/startswith/endswith, null checks, lookups (`_x_value`), single-valued
 * navigation paths (`parentaccountid/name`), any/all lambdas on collection-valued navigation
 * properties, and the Dataverse query functions `Microsoft.Dynamics.CRM.In(...)` & co.
 */
import { badRequest } from "../errors";

export type LiteralType = "string" | "int" | "decimal" | "boolean" | "null" | "guid" | "datetime" | "date" | "enum";

export type Expr =
  | { kind: "literal"; type: LiteralType; value: string | number | boolean | null }
  | { kind: "property"; path: string[] }
  | { kind: "compare"; op: CompareOp; left: Expr; right: Expr }
  | { kind: "and" | "or"; left: Expr; right: Expr }
  | { kind: "not"; operand: Expr }
  | { kind: "call"; name: string; args: Expr[] }
  | { kind: "lambda"; path: string[]; operator: "any" | "all"; variable?: string; predicate?: Expr }
  | { kind: "queryFunction"; name: string; params: Record<string, Expr | Expr[]> };

export type CompareOp = "eq" | "ne" | "gt" | "ge" | "lt" | "le";

type Token =
  | { type: "(" | ")" | "," | "/" | ":" | "[" | "]" | "=" }
  | { type: "identifier"; text: string }
  | { type: "literal"; literal: Extract<Expr, { kind: "literal" }> };

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\d:T])/;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?[mMdDfFlL]?/;
const IDENTIFIER = /^[A-Za-z_$@][A-Za-z0-9_.$]*/;
const COMPARE_OPS = new Set(["eq", "ne", "gt", "ge", "lt", "le"]);
const STRING_FUNCTIONS = new Set(["contains", "startswith", "endswith"]);
const UNARY_FUNCTIONS = new Set(["tolower", "toupper", "trim", "length", "year", "month", "day", "hour", "minute", "second", "date"]);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") {
      i++;
      continue;
    }
    if ("(),/:[]=".includes(ch)) {
      tokens.push({ type: ch as "(" });
      i++;
      continue;
    }
    if (ch === "'") {
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length) throw syntaxError(text, "unterminated string literal");
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
      tokens.push({ type: "literal", literal: { kind: "literal", type: "string", value } });
      continue;
    }
    const rest = text.slice(i);
    let match = GUID.exec(rest);
    if (match) {
      tokens.push({ type: "literal", literal: { kind: "literal", type: "guid", value: match[0].toLowerCase() } });
      i += match[0].length;
      continue;
    }
    match = DATETIME.exec(rest);
    if (match) {
      tokens.push({ type: "literal", literal: { kind: "literal", type: "datetime", value: match[0] } });
      i += match[0].length;
      continue;
    }
    match = DATE.exec(rest);
    if (match) {
      tokens.push({ type: "literal", literal: { kind: "literal", type: "date", value: match[0] } });
      i += match[0].length;
      continue;
    }
    match = NUMBER.exec(rest);
    if (match) {
      const raw = match[0].replace(/[mMdDfFlL]$/, "");
      const isDecimal = /[.eE]/.test(raw) || /[mMdDfF]$/.test(match[0]);
      tokens.push({ type: "literal", literal: { kind: "literal", type: isDecimal ? "decimal" : "int", value: Number(raw) } });
      i += match[0].length;
      continue;
    }
    match = IDENTIFIER.exec(rest);
    if (match) {
      const word = match[0];
      i += word.length;
      if (text[i] === "'" && word.includes(".")) {
        // Enum literal: Microsoft.Dynamics.CRM.AttributeTypeCode'Picklist'
        const end = text.indexOf("'", i + 1);
        if (end < 0) throw syntaxError(text, "unterminated enum literal");
        tokens.push({ type: "literal", literal: { kind: "literal", type: "enum", value: text.slice(i + 1, end) } });
        i = end + 1;
        continue;
      }
      if (word === "true" || word === "false") tokens.push({ type: "literal", literal: { kind: "literal", type: "boolean", value: word === "true" } });
      else if (word === "null") tokens.push({ type: "literal", literal: { kind: "literal", type: "null", value: null } });
      else tokens.push({ type: "identifier", text: word });
      continue;
    }
    throw syntaxError(text, `unexpected character '${ch}' at position ${i}`);
  }
  return tokens;
}

function syntaxError(text: string, detail: string) {
  return badRequest(`Syntax error: ${detail} in '${text}'.`);
}

class Parser {
  private position = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  parse(): Expr {
    const expr = this.orExpr();
    if (this.position < this.tokens.length) throw syntaxError(this.text, `unexpected '${describe(this.tokens[this.position])}'`);
    return expr;
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.position + offset];
  }

  private isWord(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.type === "identifier" && token.text === word;
  }

  private expect(type: Token["type"]): Token {
    const token = this.tokens[this.position];
    if (!token || token.type !== type) throw syntaxError(this.text, `expected '${type}'${token ? ` but found '${describe(token)}'` : " at end"}`);
    this.position++;
    return token;
  }

  private orExpr(): Expr {
    let left = this.andExpr();
    while (this.isWord("or")) {
      this.position++;
      left = { kind: "or", left, right: this.andExpr() };
    }
    return left;
  }

  private andExpr(): Expr {
    let left = this.notExpr();
    while (this.isWord("and")) {
      this.position++;
      left = { kind: "and", left, right: this.notExpr() };
    }
    return left;
  }

  private notExpr(): Expr {
    if (this.isWord("not")) {
      this.position++;
      return { kind: "not", operand: this.notExpr() };
    }
    return this.compareExpr();
  }

  private compareExpr(): Expr {
    const left = this.primary();
    const next = this.peek();
    if (next?.type === "identifier" && COMPARE_OPS.has(next.text)) {
      this.position++;
      return { kind: "compare", op: next.text as CompareOp, left, right: this.primary() };
    }
    return left;
  }

  private primary(): Expr {
    const token = this.peek();
    if (!token) throw syntaxError(this.text, "unexpected end of expression");
    if (token.type === "(") {
      this.position++;
      const inner = this.orExpr();
      this.expect(")");
      return inner;
    }
    if (token.type === "literal") {
      this.position++;
      return token.literal;
    }
    if (token.type !== "identifier") throw syntaxError(this.text, `unexpected '${describe(token)}'`);
    if (this.peek(1)?.type === "(") {
      if (token.text.startsWith("Microsoft.Dynamics.CRM.")) return this.queryFunction(token.text.slice("Microsoft.Dynamics.CRM.".length));
      return this.call(token.text);
    }
    return this.path();
  }

  private call(name: string): Expr {
    const lowered = name.toLowerCase();
    if (!STRING_FUNCTIONS.has(lowered) && !UNARY_FUNCTIONS.has(lowered)) {
      throw badRequest(`An unknown function with name '${name}' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.`);
    }
    this.position += 2;
    const args: Expr[] = [];
    if (this.peek()?.type !== ")") {
      args.push(this.orExpr());
      while (this.peek()?.type === ",") {
        this.position++;
        args.push(this.orExpr());
      }
    }
    this.expect(")");
    const expected = STRING_FUNCTIONS.has(lowered) ? 2 : 1;
    if (args.length !== expected) throw badRequest(`No function signature for the function with name '${name}' matches the specified arguments.`);
    return { kind: "call", name: lowered, args };
  }

  private queryFunction(name: string): Expr {
    this.position += 2;
    const params: Record<string, Expr | Expr[]> = {};
    while (this.peek()?.type !== ")") {
      const key = this.expect("identifier") as { type: "identifier"; text: string };
      this.expect("=");
      if (this.peek()?.type === "[") {
        this.position++;
        const values: Expr[] = [];
        while (this.peek()?.type !== "]") {
          values.push(this.primary());
          if (this.peek()?.type === ",") this.position++;
        }
        this.expect("]");
        params[key.text] = values;
      } else {
        params[key.text] = this.primary();
      }
      if (this.peek()?.type === ",") this.position++;
    }
    this.expect(")");
    return { kind: "queryFunction", name, params };
  }

  private path(): Expr {
    const path = [(this.expect("identifier") as { text: string }).text];
    while (this.peek()?.type === "/") {
      this.position++;
      const segment = this.expect("identifier") as { text: string };
      if ((segment.text === "any" || segment.text === "all") && this.peek()?.type === "(") {
        return this.lambda(path, segment.text);
      }
      path.push(segment.text);
    }
    return { kind: "property", path };
  }

  private lambda(path: string[], operator: "any" | "all"): Expr {
    this.expect("(");
    if (this.peek()?.type === ")") {
      this.position++;
      return { kind: "lambda", path, operator };
    }
    const variable = (this.expect("identifier") as { text: string }).text;
    this.expect(":");
    const predicate = this.orExpr();
    this.expect(")");
    return { kind: "lambda", path, operator, variable, predicate };
  }
}

function describe(token: Token): string {
  if (token.type === "identifier") return token.text;
  if (token.type === "literal") return String(token.literal.value);
  return token.type;
}

export function parseFilter(text: string): Expr {
  return new Parser(tokenize(text), text).parse();
}

/** Parses one literal (a key value or function parameter), e.g. `'abc'`, `12`, a GUID. */
export function parseLiteral(text: string): Extract<Expr, { kind: "literal" }> {
  const tokens = tokenize(text);
  if (tokens.length !== 1 || tokens[0].type !== "literal") throw badRequest(`'${text}' is not a valid literal value.`);
  return tokens[0].literal;
}
