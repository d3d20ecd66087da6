/**
 * Text a person gives a name to (webhook and workflow names, descriptions) must read as it is
 * stored. Bidirectional controls reorder what is shown ("x\u202Egnp.exe" shows as "xexe.png") and
 * zero-width characters hide text or make two names look the same; both are refused with 400,
 * naming the character and where it is, rather than silently removed (the caller sees what
 * changed). Every other character is kept: accents, CJK, right-to-left scripts, emoji.
 *
 * U+200D (zero-width joiner) is allowed in one place only: between two emoji, where it builds a
 * ZWJ sequence (👩‍💻, 👨‍👩‍👧, 🏳️‍🌈) that shows as one picture or as the emoji side by side. There it
 * can neither hide a letter nor change the reading order; everywhere else it is refused.
 */
import * as v from 'valibot';

/** Every refused character, with the name the Unicode standard gives it. */
export const INVISIBLE_CHARACTERS: ReadonlyMap<number, string> = new Map([
  [0x061c, 'ARABIC LETTER MARK'],
  [0x180e, 'MONGOLIAN VOWEL SEPARATOR'],
  [0x200b, 'ZERO WIDTH SPACE'],
  [0x200c, 'ZERO WIDTH NON-JOINER'],
  [0x200d, 'ZERO WIDTH JOINER'],
  [0x200e, 'LEFT-TO-RIGHT MARK'],
  [0x200f, 'RIGHT-TO-LEFT MARK'],
  [0x202a, 'LEFT-TO-RIGHT EMBEDDING'],
  [0x202b, 'RIGHT-TO-LEFT EMBEDDING'],
  [0x202c, 'POP DIRECTIONAL FORMATTING'],
  [0x202d, 'LEFT-TO-RIGHT OVERRIDE'],
  [0x202e, 'RIGHT-TO-LEFT OVERRIDE'],
  [0x2060, 'WORD JOINER'],
  [0x2061, 'FUNCTION APPLICATION'],
  [0x2062, 'INVISIBLE TIMES'],
  [0x2063, 'INVISIBLE SEPARATOR'],
  [0x2064, 'INVISIBLE PLUS'],
  [0x2066, 'LEFT-TO-RIGHT ISOLATE'],
  [0x2067, 'RIGHT-TO-LEFT ISOLATE'],
  [0x2068, 'FIRST STRONG ISOLATE'],
  [0x2069, 'POP DIRECTIONAL ISOLATE'],
  [0xfeff, 'ZERO WIDTH NO-BREAK SPACE'],
]);

const ZWJ = 0x200d;
const EMOJI = /^\p{Extended_Pictographic}$/u;
/** What may sit between an emoji and its joiner: the emoji presentation selector, a skin tone. */
const EMOJI_TAIL = /^[\uFE0F\u{1F3FB}-\u{1F3FF}]$/u;

/** A refused character: its code point and its 1-based position, counted in characters (code points). */
export interface InvisibleCharacter {
  codePoint: number;
  position: number;
}

function isEmojiBefore(chars: readonly string[], at: number): boolean {
  let i = at - 1;
  while (i >= 0 && EMOJI_TAIL.test(chars[i] ?? '')) i--;
  return i >= 0 && EMOJI.test(chars[i] ?? '');
}

/** The refused characters of `text`, in order; empty when it reads as it is stored. */
export function invisibleCharacters(text: string): InvisibleCharacter[] {
  const chars = Array.from(text);
  const found: InvisibleCharacter[] = [];
  chars.forEach((char, i) => {
    const codePoint = char.codePointAt(0) ?? 0;
    if (!INVISIBLE_CHARACTERS.has(codePoint)) return;
    if (codePoint === ZWJ && isEmojiBefore(chars, i) && EMOJI.test(chars[i + 1] ?? '')) return;
    found.push({ codePoint, position: i + 1 });
  });
  return found;
}

/** `U+202E (RIGHT-TO-LEFT OVERRIDE)`. */
export function describeCharacter(codePoint: number): string {
  const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
  return `U+${hex} (${INVISIBLE_CHARACTERS.get(codePoint) ?? 'UNNAMED'})`;
}

/**
 * The valibot check every person-given name and description goes through: refuses bidirectional
 * controls and zero-width characters, naming the first one and its position in `field`.
 */
export function visibleText(field: string) {
  return v.rawCheck<string>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const found = invisibleCharacters(dataset.value);
    const [first] = found;
    if (first === undefined) return;
    const more = found.length > 1 ? ` (and ${found.length - 1} more)` : '';
    addIssue({
      message: `${field} contains ${describeCharacter(first.codePoint)} at character ${first.position}${more}: it changes how the text reads without being seen. Remove it.`,
    });
  });
}
