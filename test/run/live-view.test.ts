/**
 * The live view on a terminal: log lines go above the bars, whole, and the bars below them are the
 * current ones, once each. Checked on a virtual terminal that interprets the escape sequences.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Stats } from '../../src/accounting/stats.js';
import { startProgress } from '../../src/run/progress.js';
import { VirtualTerminal } from '../helpers/virtual-terminal.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the live view', () => {
  it('prints log lines above the bars, never through them, and leaves no stale bar behind', () => {
    const terminal = new VirtualTerminal(100);
    const stats = new Stats();
    stats.phase = 'scanning';
    stats.zipsTotal = 1;
    stats.zipBytesTotal = 1000;
    const progress = startProgress(stats, terminal, true);
    vi.advanceTimersByTime(600);
    stats.zipBytesRead = 1000;
    stats.zipsDone = 1;
    stats.entriesScanned = 65;
    stats.phase = 'importing';
    const ann = stats.mailbox('ann@contoso.com');
    ann.wanted = 65;
    const bob = stats.mailbox('bob@contoso.com');
    bob.wanted = 10;
    vi.advanceTimersByTime(600);

    progress.log('ann@contoso.com: Inbox: 0 already in the folder, 40 to upload');
    progress.log('ann@contoso.com: Sent Items: 2 already in the folder, 3 to upload');
    ann.done = 20;
    vi.advanceTimersByTime(600);
    // Nothing changes in bob's bar while ann's lines go by: it must still be drawn where it now is.
    progress.log('ok');
    ann.done = 40;
    vi.advanceTimersByTime(600);
    progress.log('ann@contoso.com: Projects: 0 already in the folder, 5 to upload');
    vi.advanceTimersByTime(600);
    progress.stop();

    const screen = terminal.screen();
    expect(screen.slice(0, 4)).toEqual([
      'ann@contoso.com: Inbox: 0 already in the folder, 40 to upload',
      'ann@contoso.com: Sent Items: 2 already in the folder, 3 to upload',
      'ok',
      'ann@contoso.com: Projects: 0 already in the folder, 5 to upload',
    ]);
    const bars = screen.slice(4);
    expect(bars).toHaveLength(3);
    expect(bars[0]).toMatch(/read 1\/1 zip: 65 entries/);
    expect(bars[1]).toMatch(/ann@contoso\.com \| 40\/65 /);
    expect(bars[2]).toMatch(/bob@contoso\.com \| 0\/10 /);
  });

  it('keeps a bar within the terminal width and wraps a long log line above the bars', () => {
    const terminal = new VirtualTerminal(60);
    const stats = new Stats();
    stats.phase = 'importing';
    stats.mailbox('a-rather-long-mailbox-name@contoso.onmicrosoft.com').wanted = 100;
    const progress = startProgress(stats, terminal, true);
    vi.advanceTimersByTime(600);
    const long = `ann@contoso.com: ${'Projekte/'.repeat(8)}Q3: 0 already in the folder, 5 to upload`;
    progress.log(long);
    vi.advanceTimersByTime(600);
    progress.stop();
    const screen = terminal.screen();
    const rows = Math.ceil(long.length / 60);
    // (The screen drops blanks at the end of a row, where the wrap may fall.)
    expect(screen.slice(0, rows).join('').replace(/ /g, '')).toBe(long.replace(/ /g, ''));
    // Below it the scan bar and the mailbox's bar, each on one row.
    expect(screen).toHaveLength(rows + 2);
    // The bar is cut at the edge rather than wrapped onto a row the next redraw would not reach.
    expect(screen.at(-1)).toBe(`${'░'.repeat(20)} a-rather-long-mailbox-name@contoso.onmi`);
  });

  it('prints a line logged just before the end, which cli-progress would otherwise drop at stop()', () => {
    // The scan logs an unreadable entry's reason, or the warning that an --include-folder matches no
    // folder, and the run ends at once: without a flush the line never reached the screen.
    const terminal = new VirtualTerminal(100);
    const stats = new Stats();
    stats.phase = 'scanning';
    const progress = startProgress(stats, terminal, true);
    vi.advanceTimersByTime(600);
    progress.log("warning: --include-folder 'Inbx/**' matches no folder in the zips");
    progress.stop();
    expect(terminal.screen()[0]).toBe("warning: --include-folder 'Inbx/**' matches no folder in the zips");
  });

  it('never passes an escape sequence from a folder or entry name to the terminal or a log file', () => {
    const hostile = 'ann@contoso.com: \u001b]0;pwned\u0007\u001b[2J\u001b[1AInbox\u009b2J: 0 already in the folder, 1 to upload';
    const shown = 'ann@contoso.com: \ufffd]0;pwned\ufffd\ufffd[2J\ufffd[1AInbox\ufffd2J: 0 already in the folder, 1 to upload';
    // On a terminal (the virtual one throws on an escape sequence it does not know, as ESC ] is).
    const terminal = new VirtualTerminal(200);
    const live = startProgress(new Stats(), terminal, true);
    live.log(hostile);
    vi.advanceTimersByTime(600);
    live.stop();
    expect(terminal.screen()[0]).toBe(shown);
    // Plain lines (a log file, cron) and --no-progress.
    for (const enabled of [true, false]) {
      let written = '';
      const plain = startProgress(new Stats(), { isTTY: false, write: (chunk: string) => ((written += chunk), true) } as never, enabled);
      plain.log(hostile);
      plain.stop();
      expect(written).toBe(`${shown}\n`);
    }
  });
});
