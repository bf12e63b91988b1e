/**
 * One line of S3 Inventory CSV, read as bytes: fields are located (start, end) without making a string of
 * each, and the numbers and dates the diff needs are read from the digits. Hand-written for the one dialect
 * S3 Inventory writes (every field double-quoted, quotes inside doubled, no line breaks inside fields: keys are
 * URL-encoded); strings are made only for the rare fields that need them (escaped quotes, other date forms).
 */
export class CsvLine {
  /** Start and end (exclusive) of each field read, in `buf`. */
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  /** Whether a field holds doubled quotes (its bytes need unescaping). */
  private readonly escaped: Uint8Array;
  private count = 0;
  buf: Uint8Array = new Uint8Array(0);

  /** Reads at most `fields` fields of a line (the columns past the last one needed are skipped). */
  constructor(private readonly fields: number) {
    this.starts = new Int32Array(fields);
    this.ends = new Int32Array(fields);
    this.escaped = new Uint8Array(fields);
  }

  /**
   * Locates the fields of the line that starts at `buf[from]` and returns where it ends: its line feed, which
   * the caller guarantees is in `buf` (so no scan needs a bounds check). A CR before it is not part of the last
   * field.
   */
  read(buf: Uint8Array, from: number): number {
    this.buf = buf;
    let i = from;
    for (let f = 0; ; f++) {
      let c = buf[i];
      if (c === QUOTE) {
        let close = i + 1;
        for (let escaped = 0; ; escaped = 1, close += 2) {
          c = buf[close];
          while (c !== QUOTE && c !== LF) c = buf[++close];
          if (c === LF) return this.last(f, i + 1, close, escaped);
          if (buf[close + 1] !== QUOTE) {
            this.set(f, i + 1, close, escaped);
            break;
          }
        }
        const after = close + 1;
        c = buf[after];
        if (c === LF) return this.last(f, 0, 0, -1, after);
        if (c === CR && buf[after + 1] === LF) return this.last(f, 0, 0, -1, after + 1);
        i = after + 1; // past the comma
      } else {
        let comma = i;
        while (c !== COMMA && c !== LF) c = buf[++comma];
        if (c === LF) return this.last(f, i, comma, 0);
        this.set(f, i, comma, 0);
        i = comma + 1;
      }
    }
  }

  /**
   * Ends a line at the line feed `lf` (default `end`): field `f` runs to `end`, less a CR before the line feed
   * (escaped -1: field `f` is already set).
   */
  private last(f: number, start: number, end: number, escaped: number, lf = end): number {
    if (escaped >= 0) this.set(f, start, end > start && this.buf[end - 1] === CR ? end - 1 : end, escaped);
    this.count = Math.min(f + 1, this.fields);
    return lf;
  }

  private set(f: number, start: number, end: number, escaped: number): void {
    if (f >= this.fields) return;
    this.starts[f] = start;
    this.ends[f] = end;
    this.escaped[f] = escaped;
  }

  /** Field `f` is absent (a column the schema lacks, or past the end of a short line) or empty. */
  empty(f: number): boolean {
    return f < 0 || f >= this.count || this.ends[f]! === this.starts[f]!;
  }

  start(f: number): number {
    return this.starts[f]!;
  }

  end(f: number): number {
    return this.ends[f]!;
  }

  isEscaped(f: number): boolean {
    return this.escaped[f] === 1;
  }

  /** Field `f` as text (quotes unescaped), '' when absent. */
  text(f: number): string {
    if (f < 0 || f >= this.count) return '';
    const s = Buffer.from(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength).toString(
      'utf8',
      this.starts[f],
      this.ends[f],
    );
    return this.escaped[f] === 1 ? s.replace(/""/g, '"') : s;
  }

  /** Whether field `f` holds exactly the first `n` bytes of `word` (quotes unescaped). */
  equals(f: number, word: Uint8Array, n = word.length): boolean {
    if (f < 0 || f >= this.count) return n === 0;
    if (this.escaped[f] === 1) return false;
    const start = this.starts[f]!;
    if (this.ends[f]! - start !== n) return false;
    for (let i = 0; i < n; i++) if (this.buf[start + i] !== word[i]) return false;
    return true;
  }

  /** Field `f` as a number: 0 when empty (a delete marker has no size), digits read in place. */
  number(f: number): number {
    if (this.empty(f)) return 0;
    const start = this.starts[f]!;
    const end = this.ends[f]!;
    if (end - start > 15 || this.escaped[f] === 1) return Number(this.text(f));
    let n = 0;
    for (let i = start; i < end; i++) {
      const d = this.buf[i]! - ZERO;
      if (d < 0 || d > 9) return Number(this.text(f));
      n = n * 10 + d;
    }
    return n;
  }

  /**
   * Field `f` as epoch milliseconds, NaN when empty or not a date, as Date.parse reads it. The form S3
   * Inventory writes (2026-11-23T06:00:00.000Z) is read from the digits; any other form goes to Date.parse.
   */
  date(f: number): number {
    if (f < 0 || f >= this.count) return NaN;
    const b = this.buf;
    const s = this.starts[f]!;
    if (this.ends[f]! - s !== 24 || this.escaped[f] === 1 || !isoShape(b, s)) return Date.parse(this.text(f));
    const year = digits(b, s, 4);
    const month = digits(b, s + 5, 2);
    const day = digits(b, s + 8, 2);
    const hour = digits(b, s + 11, 2);
    const minute = digits(b, s + 14, 2);
    const second = digits(b, s + 17, 2);
    const ms = digits(b, s + 20, 3);
    // Other values (never written by S3; Date.parse rejects some and rolls others over) go to Date.parse.
    if (
      (year | month | day | hour | minute | second | ms) < 0 ||
      month < 1 ||
      month > 12 ||
      day < 1 ||
      day > 31
    )
      return Date.parse(this.text(f));
    if (hour > 23 || minute > 59 || second > 59) return Date.parse(this.text(f));
    return daysFromCivil(year, month, day) * DAY + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms;
  }
}

const encoder = new TextEncoder();

/** The bytes of `s` as UTF-8. */
export const bytesOf = (s: string): Uint8Array => encoder.encode(s);

/** YYYY-MM-DDTHH:MM:SS.sssZ: the separators where that form has them (digits are checked as they are read). */
function isoShape(b: Uint8Array, s: number): boolean {
  return (
    b[s + 4] === DASH &&
    b[s + 7] === DASH &&
    b[s + 10] === T &&
    b[s + 13] === COLON &&
    b[s + 16] === COLON &&
    b[s + 19] === DOT &&
    b[s + 23] === Z
  );
}

/** The number `n` decimal digits at `b[at]` spell, -1 if a byte is not a digit. */
function digits(b: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = b[i]! - ZERO;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Days since 1970-01-01 of a proleptic Gregorian date, a day past a month's end rolling over as Date.UTC does. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

const DAY = 86_400_000;
const DASH = 45;
const COLON = 58;
const DOT = 46;
const T = 84;
const Z = 90;
const LF = 10;
const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const ZERO = 48;
