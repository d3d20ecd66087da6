/**
 * Schema `pattern`s on a linear-time engine.
 *
 * JSON Schema says a `pattern` is an ECMA-262 regex, unanchored, in unicode mode. `RegExp` is a
 * backtracking engine: a tenant's `^(a|a)*$` can take seconds on a 30-character string and stall
 * every tenant in the isolate, and no blacklist of "dangerous shapes" is complete. So patterns run
 * on re2js (a port of RE2: time linear in the input, whatever the pattern), and a pattern the
 * engine cannot run is refused when the schema is saved, naming the construct.
 *
 * The ECMA source is not handed to re2js as it is: the two syntaxes disagree on details that would
 * silently change what a pattern accepts (RE2's `.` matches `\r`, its `\s` omits `\v` and Unicode
 * spaces, `[[:alpha:]]` is a POSIX class to RE2 and literal characters to ECMA). Instead the pattern
 * is parsed as ECMA-262 unicode-mode syntax and re-emitted as RE2 syntax in which every literal is
 * a `\x{…}` code point and every class escape is spelled out, so each construct means what ECMA
 * says it means. Where the meanings differ:
 *  - refused, named in the message: backreferences, lookahead, lookbehind, inline modifiers,
 *    counted repetition above 1,000 (RE2's limit), Unicode properties RE2 has no table for
 *    (binary properties such as `\p{Alphabetic}`, `Script_Extensions`, script short aliases);
 *  - kept, different only in ways a boolean test cannot observe: groups become non-capturing and
 *    lazy quantifiers match the same strings as greedy ones;
 *  - Unicode property tables are re2js's, which may trail the runtime's Unicode version by a
 *    release: a code point assigned in the newest version may fall outside `\p{L}` here.
 */
import { RE2JS } from 're2js';

/** A pattern compiled for the edge: `test` searches anywhere in the string, like `RegExp.test`. */
export interface LinearPattern {
  readonly source: string;
  /** Instructions in the compiled program: what one character of a search may cost, at worst. */
  readonly size: number;
  test(value: string): boolean;
}

export type PatternCompilation = { ok: true; pattern: LinearPattern } | { ok: false; message: string };

/** RE2 refuses counted repetition above this (`{1001}`, and nested counts whose product exceeds it). */
const MAX_REPEAT = 1_000;

/**
 * The largest compiled program accepted. Matching is linear in the input, but when a pattern's DFA
 * outgrows its cache the engine falls back to simulating the NFA, whose cost per character grows
 * with the program (about 13 µs a character at this size); ./pattern-budget.ts charges each search
 * by its program's size, so this bound and that budget together cap what one payload costs, while
 * ordinary patterns (`^.{1,255}$` is 513 instructions, an ISO date-time about 40) stay far below it.
 */
export const MAX_PATTERN_PROGRAM_SIZE = 1_000;

const ENGINE = 'the edge runs patterns on a linear-time engine (RE2 syntax)';

class Refusal extends Error {}

function refuse(construct: string, hint?: string): never {
  throw new Refusal(`pattern refused: ${construct} is not supported; ${ENGINE}${hint === undefined ? '' : `; ${hint}`}`);
}

type Range = readonly [number, number];

const MAX_CODE_POINT = 0x10ffff;
const DIGIT: readonly Range[] = [[0x30, 0x39]];
const WORD: readonly Range[] = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]];
// ECMA-262 WhiteSpace and LineTerminator (RE2's \s is only [\t\n\f\r ]).
const SPACE: readonly Range[] = [
  [0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a],
  [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff],
];
// What ECMA's `.` excludes without the `s` flag (RE2's `.` excludes only \n).
const LINE_TERMINATORS: readonly Range[] = [[0x0a, 0x0a], [0x0d, 0x0d], [0x2028, 0x2029]];

function complement(ranges: readonly Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of ranges) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

const hex = (cp: number): string => `\\x{${cp.toString(16)}}`;

function emitRanges(ranges: readonly Range[]): string {
  return ranges.map(([lo, hi]) => (lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`)).join('');
}

function emitLiteral(cp: number): string {
  const isAlnum = (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
  return isAlnum ? String.fromCodePoint(cp) : hex(cp);
}

// General_Category long names (and ECMA's aliases) to the short names RE2 knows.
const CATEGORY_ALIASES: Readonly<Record<string, string>> = {
  Letter: 'L', Cased_Letter: 'LC', Uppercase_Letter: 'Lu', Lowercase_Letter: 'Ll', Titlecase_Letter: 'Lt',
  Modifier_Letter: 'Lm', Other_Letter: 'Lo', Mark: 'M', Combining_Mark: 'M', Nonspacing_Mark: 'Mn',
  Spacing_Mark: 'Mc', Enclosing_Mark: 'Me', Number: 'N', Decimal_Number: 'Nd', digit: 'Nd', Letter_Number: 'Nl',
  Other_Number: 'No', Punctuation: 'P', punct: 'P', Connector_Punctuation: 'Pc', Dash_Punctuation: 'Pd',
  Open_Punctuation: 'Ps', Close_Punctuation: 'Pe', Initial_Punctuation: 'Pi', Final_Punctuation: 'Pf',
  Other_Punctuation: 'Po', Symbol: 'S', Math_Symbol: 'Sm', Currency_Symbol: 'Sc', Modifier_Symbol: 'Sk',
  Other_Symbol: 'So', Separator: 'Z', Space_Separator: 'Zs', Line_Separator: 'Zl', Paragraph_Separator: 'Zp',
  Other: 'C', Control: 'Cc', cntrl: 'Cc', Format: 'Cf', Surrogate: 'Cs', Private_Use: 'Co', Unassigned: 'Cn',
};
const CATEGORIES = new Set(Object.values(CATEGORY_ALIASES));

/** `\p{…}`/`\P{…}` in RE2 syntax, or a refusal naming the property. */
function translateProperty(negated: boolean, body: string): string {
  const eq = body.indexOf('=');
  const name = eq < 0 ? undefined : body.slice(0, eq);
  const value = eq < 0 ? body : body.slice(eq + 1);
  const written = `\\${negated ? 'P' : 'p'}{${body}}`;
  let table: string;
  if (name === undefined || name === 'General_Category' || name === 'gc') {
    const category = CATEGORY_ALIASES[value] ?? value;
    if (CATEGORIES.has(category)) table = category;
    else if (name === undefined && value === 'Any') table = 'Any';
    else refuse(`Unicode property ${written}`, 'use a general category such as \\p{L} or a script such as \\p{Script=Greek}');
  } else if (name === 'Script' || name === 'sc') {
    table = value;
  } else {
    // Script_Extensions (scx) differs from Script; RE2 has no table for it.
    refuse(`Unicode property ${written}`);
  }
  const emitted = `\\${negated ? 'P' : 'p'}{${table}}`;
  try {
    RE2JS.compile(emitted);
  } catch {
    // ECMA accepts script aliases (Grek) and newer scripts re2js's tables may not have.
    refuse(`Unicode property ${written}`, 'name a script by its long name, such as \\p{Script=Greek}');
  }
  return emitted;
}

/** One item of a character class: code point ranges, or a property the engine expands itself. */
type ClassItem = { ranges: readonly Range[] } | { property: string };

/**
 * Recursive-descent translator over ECMA-262 unicode-mode pattern syntax. It runs only on patterns
 * `new RegExp(source, 'u')` accepted, so it need not diagnose ECMA syntax errors; anything it does
 * not expect is refused rather than guessed at.
 */
class Translator {
  private readonly cps: number[];
  private i = 0;

  constructor(source: string) {
    this.cps = Array.from(source, (ch) => ch.codePointAt(0) ?? 0);
  }

  translate(): string {
    const out = this.disjunction();
    if (this.i < this.cps.length) refuse(`the syntax at position ${this.i}`);
    return out;
  }

  private peek(offset = 0): string {
    const cp = this.cps[this.i + offset];
    return cp === undefined ? '' : String.fromCodePoint(cp);
  }

  private eat(text: string): boolean {
    for (let k = 0; k < text.length; k++) if (this.peek(k) !== text[k]) return false;
    this.i += text.length;
    return true;
  }

  private disjunction(): string {
    let out = this.alternative();
    while (this.eat('|')) out += `|${this.alternative()}`;
    return out;
  }

  private alternative(): string {
    let out = '';
    while (this.i < this.cps.length && this.peek() !== '|' && this.peek() !== ')') out += this.term();
    return out;
  }

  private term(): string {
    // Without the `m` flag, ECMA's ^ and $ are start and end of input; so are RE2's without `m`.
    if (this.eat('^')) return '^';
    if (this.eat('$')) return '$';
    if (this.eat('\\b')) return '\\b';
    if (this.eat('\\B')) return '\\B';
    const atom = this.atom();
    return atom + this.quantifier();
  }

  private atom(): string {
    if (this.eat('(')) {
      if (this.eat('?')) {
        if (this.eat('=')) refuse('lookahead (?=…)');
        if (this.eat('!')) refuse('negative lookahead (?!…)');
        if (this.eat('<=')) refuse('lookbehind (?<=…)');
        if (this.eat('<!')) refuse('negative lookbehind (?<!…)');
        if (this.eat('<')) {
          while (this.i < this.cps.length && this.peek() !== '>') this.i++;
          this.eat('>');
        } else if (!this.eat(':')) refuse('inline modifiers such as (?i:…)');
      }
      // A boolean test never reads captures, so every group is emitted non-capturing.
      const inner = this.disjunction();
      if (!this.eat(')')) refuse('an unclosed group');
      return `(?:${inner})`;
    }
    if (this.eat('.')) return `[^${emitRanges(LINE_TERMINATORS)}]`;
    if (this.eat('[')) return this.characterClass();
    if (this.eat('\\')) {
      const escaped = this.escape(false);
      if ('property' in escaped) return escaped.property;
      const only = escaped.ranges[0];
      if (escaped.ranges.length === 1 && only !== undefined && only[0] === only[1]) return emitLiteral(only[0]);
      return `[${emitRanges(escaped.ranges)}]`;
    }
    const cp = this.cps[this.i];
    if (cp === undefined || '*+?{}()]|'.includes(String.fromCodePoint(cp))) refuse(`the syntax at position ${this.i}`);
    this.i++;
    return emitLiteral(cp);
  }

  private quantifier(): string {
    let out: string;
    if (this.eat('*')) out = '*';
    else if (this.eat('+')) out = '+';
    else if (this.eat('?')) out = '?';
    else if (this.peek() === '{') {
      this.i++;
      const min = this.integer();
      let max: number | undefined = min;
      if (this.eat(',')) max = this.peek() === '}' ? undefined : this.integer();
      if (!this.eat('}')) refuse(`the syntax at position ${this.i}`);
      if (min > MAX_REPEAT || (max !== undefined && max > MAX_REPEAT)) {
        const written = `{${min}${max === min ? '' : `,${max ?? ''}`}}`;
        refuse(`counted repetition above ${MAX_REPEAT} (${written})`, "use maxLength to bound a string's length");
      }
      out = max === min ? `{${min}}` : `{${min},${max ?? ''}}`;
    } else return '';
    // Lazy and greedy quantifiers accept the same strings; RE2 supports both spellings.
    if (this.eat('?')) out += '?';
    return out;
  }

  private integer(): number {
    const start = this.i;
    while (/[0-9]/.test(this.peek())) this.i++;
    if (this.i === start) refuse(`the syntax at position ${this.i}`);
    // Digits beyond the repeat limit only need to compare as "too large".
    return Math.min(Number(String.fromCodePoint(...this.cps.slice(start, this.i))), Number.MAX_SAFE_INTEGER);
  }

  private characterClass(): string {
    const negated = this.eat('^');
    const items: ClassItem[] = [];
    while (this.i < this.cps.length && this.peek() !== ']') {
      const low = this.classAtom();
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== '') {
        this.i++;
        const high = this.classAtom();
        const a = 'ranges' in low ? low.ranges[0] : undefined;
        const b = 'ranges' in high ? high.ranges[0] : undefined;
        if (a === undefined || b === undefined || a[0] !== a[1] || b[0] !== b[1]) refuse('a class escape as a range endpoint');
        items.push({ ranges: [[a[0], b[0]]] });
      } else items.push(low);
    }
    if (!this.eat(']')) refuse('an unclosed character class');
    const body = items.map((item) => ('property' in item ? item.property : emitRanges(item.ranges))).join('');
    // RE2 has no empty class: ECMA's [] matches nothing and [^] matches any code point.
    if (body === '') return negated ? `[${emitRanges([[0, MAX_CODE_POINT]])}]` : `[^${emitRanges([[0, MAX_CODE_POINT]])}]`;
    return `[${negated ? '^' : ''}${body}]`;
  }

  private classAtom(): ClassItem {
    if (this.eat('\\')) return this.escape(true);
    const cp = this.cps[this.i];
    if (cp === undefined) refuse('an unclosed character class');
    this.i++;
    return { ranges: [[cp, cp]] };
  }

  /** After a backslash: a class escape, a character escape, or a refusal naming what it is. */
  private escape(inClass: boolean): ClassItem {
    const ch = this.peek();
    this.i++;
    const single = (cp: number): ClassItem => ({ ranges: [[cp, cp]] });
    switch (ch) {
      case 'd': return { ranges: DIGIT };
      case 'D': return { ranges: complement(DIGIT) };
      case 'w': return { ranges: WORD };
      case 'W': return { ranges: complement(WORD) };
      case 's': return { ranges: SPACE };
      case 'S': return { ranges: complement(SPACE) };
      case 'f': return single(0x0c);
      case 'n': return single(0x0a);
      case 'r': return single(0x0d);
      case 't': return single(0x09);
      case 'v': return single(0x0b);
      case 'b':
        // Outside a class \b is an assertion, handled by term(); inside one it is backspace.
        if (inClass) return single(0x08);
        return refuse('\\b here');
      case '0': return single(0);
      case 'c': {
        const letter = this.cps[this.i];
        this.i++;
        return single((letter ?? 0) % 32);
      }
      case 'x': return single(this.hexDigits(2));
      case 'u': return single(this.unicodeEscape());
      case 'k': return refuse('named backreference \\k<…>');
      case 'p':
      case 'P': {
        if (!this.eat('{')) refuse(`\\${ch} without braces`);
        const start = this.i;
        while (this.i < this.cps.length && this.peek() !== '}') this.i++;
        const body = String.fromCodePoint(...this.cps.slice(start, this.i));
        this.eat('}');
        return { property: translateProperty(ch === 'P', body) };
      }
      default:
        if (/[1-9]/.test(ch)) refuse(`backreference \\${ch}`);
        // Identity escapes: in unicode mode only syntax characters, "/" and (in a class) "-".
        if (ch === '') refuse('a trailing backslash');
        return single(ch.codePointAt(0) ?? 0);
    }
  }

  private hexDigits(count: number): number {
    const digits = String.fromCodePoint(...this.cps.slice(this.i, this.i + count));
    if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== count) refuse(`the escape at position ${this.i}`);
    this.i += count;
    return parseInt(digits, 16);
  }

  private unicodeEscape(): number {
    if (this.eat('{')) {
      const start = this.i;
      while (/[0-9a-fA-F]/.test(this.peek())) this.i++;
      const value = parseInt(String.fromCodePoint(...this.cps.slice(start, this.i)), 16);
      if (!this.eat('}') || !(value <= MAX_CODE_POINT)) refuse(`the escape at position ${start}`);
      return value;
    }
    const first = this.hexDigits(4);
    // In unicode mode an escaped surrogate pair is one code point.
    if (first >= 0xd800 && first <= 0xdbff && this.peek() === '\\' && this.peek(1) === 'u') {
      const save = this.i;
      this.i += 2;
      const digits = String.fromCodePoint(...this.cps.slice(this.i, this.i + 4));
      const second = /^[0-9a-fA-F]{4}$/.test(digits) ? parseInt(digits, 16) : -1;
      if (second >= 0xdc00 && second <= 0xdfff) {
        this.i += 4;
        return 0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00);
      }
      this.i = save;
    }
    return first;
  }
}

/**
 * Compiles a schema `pattern` (ECMA-262, unicode mode, unanchored) for the linear-time engine, or
 * says why the edge cannot run it. Call once per schema, when it is saved (to refuse) and when its
 * validator is compiled (to run): never per request.
 */
export function compilePattern(source: string): PatternCompilation {
  try {
    new RegExp(source, 'u');
  } catch {
    return { ok: false, message: 'pattern is not a valid regular expression (ECMA-262, unicode mode)' };
  }
  let translated: string;
  try {
    translated = new Translator(source).translate();
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, message: error.message };
    throw error;
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(translated);
  } catch (error) {
    // Nested counted repetition ((a{100}){100}) and programs too large to compile land here.
    const detail = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : 'unknown error';
    return { ok: false, message: `pattern refused: the linear-time engine cannot run it (${detail}); nested counted repetition is the usual cause; ${ENGINE}` };
  }
  if (re.programSize() > MAX_PATTERN_PROGRAM_SIZE) {
    return {
      ok: false,
      message: `pattern refused: it compiles to ${re.programSize()} instructions, over the edge's limit of ${MAX_PATTERN_PROGRAM_SIZE}; large counted repetition such as {1,1000} is the usual cause (use maxLength to bound length)`,
    };
  }
  return { ok: true, pattern: { source, size: re.programSize(), test: (value) => re.test(value) } };
}
