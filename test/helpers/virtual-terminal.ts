/**
 * A small terminal for tests: it interprets what a program writes (text, line feeds and the ANSI cursor
 * and erase sequences that Node's readline and cli-progress use) into the screen a person would see.
 * Rows grow downwards without limit; each row is as wide as the terminal.
 */
export class VirtualTerminal {
  readonly isTTY = true;
  private readonly grid: string[][] = [[]];
  private row = 0;
  private col = 0;
  private wrap = true;

  constructor(readonly columns = 100) {}

  write(chunk: string): boolean {
    for (let i = 0; i < chunk.length; ) {
      // eslint-disable-next-line no-control-regex -- reading escape sequences is the point
      const esc = /^\x1b\[(\??)(\d*)(?:;(\d*))?([A-Za-z])/.exec(chunk.slice(i));
      if (esc) {
        this.control(esc[1] === '?', esc[2] === '' ? null : Number(esc[2]), esc[4] as string);
        i += esc[0].length;
        continue;
      }
      const ch = chunk[i] as string;
      i += 1;
      if (ch === '\n') {
        this.row += 1;
        this.col = 0;
      } else if (ch === '\r') {
        this.col = 0;
      } else if (ch === '\x1b') {
        throw new Error(`VirtualTerminal: unknown escape sequence ${JSON.stringify(chunk.slice(i - 1, i + 8))}`);
      } else {
        this.put(ch);
      }
    }
    return true;
  }

  /** The screen: each row's text without trailing blanks, and no empty rows at the end. */
  screen(): string[] {
    const lines = this.grid.map((r) => r.map((c) => c ?? ' ').join('').trimEnd());
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines;
  }

  private line(): string[] {
    while (this.grid.length <= this.row) this.grid.push([]);
    return this.grid[this.row] as string[];
  }

  private put(ch: string): void {
    if (this.col >= this.columns) {
      if (!this.wrap) return; // without wrapping, text past the edge is lost
      this.row += 1;
      this.col = 0;
    }
    const line = this.line();
    while (line.length < this.col) line.push(' ');
    line[this.col] = ch;
    this.col += 1;
  }

  private control(privateMode: boolean, n: number | null, command: string): void {
    if (privateMode) {
      if (n === 7) this.wrap = command === 'h';
      return; // ?25h/l: cursor shown or hidden
    }
    const line = this.line();
    switch (command) {
      case 'A':
        this.row = Math.max(0, this.row - (n ?? 1));
        break;
      case 'B':
        this.row += n ?? 1;
        break;
      case 'C':
        this.col = Math.min(this.columns, this.col + (n ?? 1));
        break;
      case 'D':
        this.col = Math.max(0, this.col - (n ?? 1));
        break;
      case 'G':
        this.col = Math.max(0, (n ?? 1) - 1);
        break;
      case 'K':
        if ((n ?? 0) === 0) line.splice(this.col);
        else if (n === 1) for (let c = 0; c <= this.col && c < line.length; c++) line[c] = ' ';
        else line.splice(0);
        break;
      case 'J':
        line.splice(this.col);
        this.grid.splice(this.row + 1);
        break;
      default:
        throw new Error(`VirtualTerminal: unsupported sequence ESC[${n ?? ''}${command}`);
    }
  }
}
