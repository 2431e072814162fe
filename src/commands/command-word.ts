import { existsSync } from 'node:fs';
import { editDistance } from '../policy/edit-distance.js';

/**
 * The first word of a command line that is neither a command nor a file. Without this, the default
 * command took `reconsile` for a zip path and imported the zips after it into the mailbox.
 */

/** Command names a typo is compared with, including ones the docs talk about; only real ones are suggested. */
const WORDS_LIKE_COMMANDS = ['import', 'reconcile', 'doctor', 'plan', 'export'];

function closeTo(word: string, name: string): boolean {
  return editDistance(word.toLowerCase(), name) <= (name.length <= 4 ? 1 : 2);
}

/** A path names a folder or a zip, or another source kind (`s3://…`); a bare word does none of these. */
function looksLikePath(word: string): boolean {
  return /[/\\]/.test(word) || /\.zip$/i.test(word) || /^[a-z][a-z0-9+.-]*:/i.test(word);
}

/**
 * The sentence to stop with when `word`, given where a command goes, is not one of `commands` and not an
 * existing file but looks like a command; null when it should be taken as a path (and checked as one).
 */
export function unknownCommandProblem(word: string, commands: readonly string[], exists: (path: string) => boolean = existsSync): string | null {
  if (word.startsWith('-') || commands.includes(word) || exists(word)) return null;
  const nearest = commands
    .map((name) => ({ name, distance: editDistance(word.toLowerCase(), name) }))
    .filter((c) => closeTo(word, c.name))
    .sort((a, b) => a.distance - b.distance)[0];
  if (nearest) return `unknown command '${word}' (did you mean ${nearest.name}?)`;
  if (WORDS_LIKE_COMMANDS.some((name) => closeTo(word, name)) || !looksLikePath(word)) {
    return `unknown command '${word}' (the commands are ${commands.join(', ')}; and there is no file '${word}')`;
  }
  return null;
}
