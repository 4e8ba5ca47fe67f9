/**
 * Text from outside (a server's error description, what the other peer sends,
 * a room name) made safe for a terminal before the command prints it: ANSI
 * escape sequences and control characters are removed, so a server or a peer
 * cannot recolour, move the cursor, retitle or clear the user's terminal, nor
 * hide text behind bidirectional overrides.
 *
 * @module
 */

/**
 * Escape sequences: CSI (`ESC [ … final`, and the one-byte C1 CSI U+009B),
 * OSC/DCS/SOS/PM/APC strings (up to BEL or ST, or to the end of the text when
 * unterminated), and the two-byte `ESC x` forms.
 */
const ESCAPE_SEQUENCE =
  /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?|(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[\u0020-\u002f]*[\u0030-\u007e]?/g

/** Every other C0 and C1 control character, DEL, and the bidirectional overrides and isolates. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

/** Line breaks: `\r\n`, `\n`, `\r`, and Unicode's line and paragraph separators. */
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/

/**
 * One line safe to print: escape sequences and control characters removed,
 * a tab or line break becoming one space.
 *
 * @example
 * ```ts
 * printable('\u001b[31mred\u001b[0m\nnext') // 'red next'
 * ```
 */
export function printable(text: string): string {
  return text
    .replace(ESCAPE_SEQUENCE, '')
    .replace(/\r\n|[\t\n\r\u2028\u2029]/g, ' ')
    .replace(CONTROL_CHARACTER, '')
}

/**
 * Lines safe to print: the text split at its line breaks (kept only as
 * separators), each line {@link printable}. A text without line breaks is one line.
 *
 * @example
 * ```ts
 * printableLines('one\n\u001b[2Jtwo') // ['one', 'two']
 * ```
 */
export function printableLines(text: string): string[] {
  return text.replace(ESCAPE_SEQUENCE, '').split(LINE_BREAK).map(printable)
}

/**
 * `JSON.stringify(value)` safe to print: JSON already escapes C0 controls;
 * this also escapes DEL, the C1 controls (U+009B is a one-character CSI), the
 * bidirectional controls and U+2028/U+2029, so the line parses back to the same value.
 */
export function printableJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}
