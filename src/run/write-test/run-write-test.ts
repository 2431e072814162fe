/**
 * `eml-import doctor --write-test`: proves on the real tenant what the import relies on, in a minute.
 * Writes a few messages into a hidden scratch folder of its own, reads each back, checks it line by line,
 * and removes the folder with everything in it, whatever happened (a failed check, an exception, Ctrl-C).
 * A folder left by a run that was killed is found and removed first.
 */
import { fingerprint as fingerprintOf, normalizeSubject } from '../../message/fingerprint.js';
import { summarizeMessage } from '../../message/summarize.js';
import { lookupFilter, matches, type LookupKind } from '../../destination/graph/find-message.js';
import type { GraphRequester } from '../../destination/graph/graph-requester.js';
import { messageQuery, toDestinationMessage, type GraphMessage } from '../../destination/graph/inventory.js';
import { mimeToJson } from '../../destination/graph/mime-to-json.js';
import { odataDateTime, queryString, segment, userPath } from '../../destination/graph/odata.js';
import { collectAll } from '../../destination/graph/paging.js';
import { createScratchFolder, deleteScratchFolder, findScratchFolders, scratchFolderName, type ScratchFolder } from '../../destination/graph/scratch-folder.js';
import { resolveSettings } from '../../destination/graph/settings.js';
import { PartialUploadError } from '../../destination/graph/upload-errors.js';
import { uploadImportMime } from '../../destination/graph/upload-import-mime.js';
import { uploadJson } from '../../destination/graph/upload-json.js';
import type { DestinationMessage } from '../../destination/types.js';
import { answered, importMimeFailure, jsonFailure, reportThis, requestIdOf } from './sentences.js';
import { writeTestMessages, type TestMessage } from './test-messages.js';
import { median, TimedRequester } from './timed-requester.js';

/** One line of the write test; the same shape as the read-only checks, with what a report needs. */
export interface WriteCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly requestId?: string;
  readonly [extra: string]: unknown;
}

export interface WriteTestInput {
  readonly http: GraphRequester;
  readonly mailbox: string;
  readonly api: 'beta' | 'v1.0';
  /** Requests in flight per mailbox the import will use (--in-flight). */
  readonly inFlight: number;
  /** 429 answers seen for this mailbox so far (the HTTP layer retries them, so they are counted there). */
  readonly throttled: () => number;
  readonly signal?: AbortSignal;
  readonly now?: () => Date;
  /** Called with each line as soon as it is known, so a terminal shows progress during the minute it takes. */
  readonly onCheck?: (check: WriteCheck) => void;
}

class Interrupted extends Error {}

export async function runWriteTest(input: WriteTestInput): Promise<WriteCheck[]> {
  const http = new TimedRequester(input.http);
  const now = input.now ?? (() => new Date());
  const { mailbox } = input;
  const checks: WriteCheck[] = [];
  const add = (...added: WriteCheck[]): void => {
    checks.push(...added);
    for (const check of added) input.onCheck?.(check);
  };
  const stopIfInterrupted = (): void => {
    if (input.signal?.aborted === true) throw new Interrupted();
  };

  try {
    const leftovers = await findScratchFolders(http, mailbox);
    for (const folder of leftovers) await deleteScratchFolder(http, mailbox, folder.id);
    if (leftovers.length > 0) {
      add({ name: 'write test: leftovers', ok: true, detail: `removed ${leftovers.map((f) => `'${f.displayName}'`).join(', ')}, left by an interrupted write test` });
    }
  } catch (error) {
    add({ name: 'write test: leftovers', ok: false, detail: reportThis(answered(error), 'a folder listing', requestIdOf(error)), requestId: requestIdOf(error) });
    return checks;
  }

  let folder: ScratchFolder;
  const started = now();
  try {
    folder = await createScratchFolder(http, mailbox, scratchFolderName(started));
  } catch (error) {
    add({ name: 'write test: scratch folder', ok: false, detail: `could not create the hidden scratch folder: ${reportThis(answered(error), '201 Created', requestIdOf(error))}`, requestId: requestIdOf(error) });
    return checks;
  }

  try {
    const messages = writeTestMessages(mailbox, started, { importMime: input.api === 'beta' });
    let importMimeMissing = false;
    for (const message of messages) {
      stopIfInterrupted();
      if (message.method === 'importMime' && importMimeMissing) continue;
      const result = await checkMessage(http, mailbox, folder, message, started, now);
      add(...result.checks);
      if (result.importMimeMissing) importMimeMissing = true;
    }
    stopIfInterrupted();
    add(await probeConcurrency(http, mailbox, folder, input));
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
    add({ name: 'write test', ok: false, detail: 'interrupted (Ctrl-C); the scratch folder is removed all the same' });
  } finally {
    try {
      await deleteScratchFolder(http, mailbox, folder.id);
      add({ name: 'write test: cleanup', ok: true, detail: `removed '${folder.displayName}' and everything in it` });
    } catch (error) {
      add({
        name: 'write test: cleanup',
        ok: false,
        detail: `could not remove '${folder.displayName}' (${answered(error)}); the next doctor --write-test removes it, or delete it in Outlook`,
        requestId: requestIdOf(error),
      });
    }
  }
  add(latencyCheck(http, input.inFlight));
  return checks;
}

interface MessageResult {
  readonly checks: WriteCheck[];
  readonly importMimeMissing: boolean;
}

async function checkMessage(
  http: TimedRequester,
  mailbox: string,
  folder: ScratchFolder,
  message: TestMessage,
  started: Date,
  now: () => Date,
): Promise<MessageResult> {
  const label = message.label;
  const summary = summarizeMessage(message.mime);
  const checks: WriteCheck[] = [];
  const line = (what: string, ok: boolean, detail: string, requestId?: string): void => {
    checks.push({ name: `${label}: ${what}`, ok, detail, ...(requestId === undefined || ok ? {} : { requestId }) });
  };

  let id: string;
  let attachmentError: string | undefined;
  try {
    if (message.method === 'importMime') {
      id = await uploadImportMime(http, mailbox, folder.id, message.mime);
    } else {
      const settings = resolveSettings({});
      id = await uploadJson(http, mailbox, folder.id, message.mime, summary.fingerprint, {
        session: { chunkBytes: settings.chunkBytes, attemptsPerRange: settings.attemptsPerRange },
      });
    }
    line('created', true, `${message.mime.length} bytes by ${message.method === 'importMime' ? 'importMime' : 'the JSON path'}`);
  } catch (error) {
    if (error instanceof PartialUploadError) {
      id = error.createdId;
      attachmentError = jsonFailure(error);
      line('created', true, `${message.mime.length} bytes by the JSON path (its attachment failed: see below)`);
    } else {
      const sentence = message.method === 'importMime' ? importMimeFailure(error, message.mime.length, label.includes('limit')) : jsonFailure(error);
      line('created', false, sentence, requestIdOf(error));
      return { checks, importMimeMissing: message.method === 'importMime' && sentence.startsWith('importMime is not available') };
    }
  }

  const selected = `${userPath(mailbox)}/messages/${segment(id)}${messageQuery({})}`;
  let read: DestinationMessage;
  let readId: string | undefined;
  try {
    const response = await http.request<GraphMessage>(mailbox, { method: 'GET', path: selected });
    read = toDestinationMessage(response.body);
    readId = response.headers.get('request-id') ?? undefined;
  } catch (error) {
    line('read back', false, reportThis(answered(error), '200 with the message just created', requestIdOf(error)), requestIdOf(error));
    return { checks, importMimeMissing: false };
  }

  const how = message.method === 'importMime' ? 'importMime' : "the JSON path's PR_MESSAGE_FLAGS";
  line(
    'isDraft',
    !read.isDraft,
    read.isDraft
      ? `${reportThis('isDraft true', `false from ${how}`, readId)}; imported messages would show as drafts${message.method === 'importMime' ? ', so import with --api v1.0 meanwhile' : ''}`
      : 'false',
    readId,
  );

  const sentExpected = summary.date === null ? null : odataDateTime(summary.date);
  const sentOk = sentExpected !== null && read.sentDateTime !== null && Date.parse(read.sentDateTime) === Date.parse(sentExpected);
  line(
    'sentDateTime',
    sentOk,
    sentOk ? `${read.sentDateTime} (the Date header in UTC)` : `${reportThis(`sentDateTime ${read.sentDateTime ?? 'null'}`, `${sentExpected} (the Date header in UTC)`, readId)}; resume and reconcile match on it`,
    readId,
  );

  if (message.method === 'json') {
    const converted = await mimeToJson(message.mime, summary.fingerprint);
    const receivedExpected = converted.message.singleValueExtendedProperties.find((p) => p.id === 'SystemTime 0x0E06')?.value ?? null;
    const ok = receivedExpected !== null && read.receivedDateTime !== null && Date.parse(read.receivedDateTime) === Date.parse(receivedExpected);
    line('receivedDateTime', ok, ok ? `${read.receivedDateTime} (as set by the JSON path)` : reportThis(`receivedDateTime ${read.receivedDateTime ?? 'null'}`, `${receivedExpected ?? '?'} (PR_MESSAGE_DELIVERY_TIME as sent)`, readId), readId);
  } else {
    // importMime's documentation does not say; either the header date or the time of the import is fine.
    const received = read.receivedDateTime === null ? NaN : Date.parse(read.receivedDateTime);
    const asHeader = sentExpected !== null && received === Date.parse(sentExpected);
    const asImport = received >= started.getTime() - 120_000 && received <= now().getTime() + 120_000;
    line(
      'receivedDateTime',
      asHeader || asImport,
      asHeader
        ? `${read.receivedDateTime} (the Date header)`
        : asImport
          ? // Outlook sorts and shows mail by its received date: say what the admin's users will see, and the way out.
            `${read.receivedDateTime} (the time of the import: Outlook's Received column will show the day of the migration for messages sent this way; sentDateTime keeps the Date header, and --api v1.0 sets the received date too, at some cost in MIME fidelity)`
          : reportThis(`receivedDateTime ${read.receivedDateTime ?? 'null'}`, 'the Date header or the time of the import', readId),
      readId,
    );
  }

  const subjectOk = normalizeSubject(read.subject) === normalizeSubject(summary.subject);
  line('subject', subjectOk, subjectOk ? `"${read.subject}" (decoded as eml-import decodes it)` : reportThis(`subject "${read.subject}"`, `"${summary.subject}"`, readId), readId);

  const idOk = read.internetMessageId !== null && read.internetMessageId === summary.messageId;
  line('internetMessageId', idOk, idOk ? 'kept' : `${reportThis(`internetMessageId ${read.internetMessageId ?? 'null'}`, `${summary.messageId ?? '?'}`, readId)}; the import's lookup by Message-ID would miss`, readId);

  if (attachmentError !== undefined) {
    line('attachment', false, attachmentError);
  } else {
    checks.push(await attachmentCheck(http, mailbox, id, message));
  }

  const sent = read.sentDateTime === null ? null : new Date(read.sentDateTime);
  const computed = fingerprintOf(read.subject, sent);
  const propertyOk = message.method === 'importMime' || read.importFingerprint === summary.fingerprint;
  const fingerprintOk = computed === summary.fingerprint && propertyOk;
  line(
    'fingerprint',
    fingerprintOk,
    fingerprintOk
      ? `the read-back subject and sentDateTime give the source's fingerprint${message.method === 'json' ? ', and the fingerprint property is kept' : ''}`
      : `${reportThis(computed !== summary.fingerprint ? 'a subject and sentDateTime whose fingerprint differs' : 'no fingerprint property', "the source's", readId)}; resume and reconcile would not recognise imported messages`,
    readId,
  );

  const hint = { subject: summary.subject, date: summary.date, messageId: summary.messageId };
  const kinds: LookupKind[] = message.method === 'json' ? ['property', 'message-id', 'sent-date'] : ['message-id', 'sent-date'];
  for (const kind of kinds) checks.push(await lookupCheck(http, mailbox, folder, id, kind, summary.fingerprint, hint, label));
  return { checks, importMimeMissing: false };
}

async function attachmentCheck(http: TimedRequester, mailbox: string, id: string, message: TestMessage): Promise<WriteCheck> {
  const name = `${message.label}: attachment`;
  const path = `${userPath(mailbox)}/messages/${segment(id)}/attachments${queryString({ $select: 'id,name,size' })}`;
  try {
    const attachments = await collectAll<{ name?: string; size?: number }>(http, mailbox, path);
    const requestId = http.lastRequestId;
    const found = attachments.find((a) => a.name === message.attachmentName);
    if (found === undefined) {
      return { name, ok: false, detail: reportThis(`${attachments.length} attachment(s) without ${message.attachmentName}`, `${message.attachmentName} of ${message.attachmentBytes} bytes`, requestId), ...(requestId ? { requestId } : {}) };
    }
    // Exchange counts an attachment's size with its properties, so a little over the content is normal.
    const size = found.size ?? -1;
    const ok = size >= message.attachmentBytes && size <= message.attachmentBytes * 1.05 + 16_384;
    return ok
      ? { name, ok, detail: `${message.attachmentName}, ${size} bytes (content ${message.attachmentBytes})` }
      : { name, ok, detail: reportThis(`size ${size} for ${message.attachmentName}`, `about ${message.attachmentBytes} bytes`, requestId), ...(requestId ? { requestId } : {}) };
  } catch (error) {
    return { name, ok: false, detail: reportThis(answered(error), 'the attachment list', requestIdOf(error)), requestId: requestIdOf(error) };
  }
}

const LOOKUP_NAMES: Record<LookupKind, string> = {
  property: 'fingerprint property',
  'message-id': 'Message-ID',
  'sent-date': 'sent date',
  subject: 'subject',
};

async function lookupCheck(
  http: TimedRequester,
  mailbox: string,
  folder: ScratchFolder,
  id: string,
  kind: LookupKind,
  fingerprint: string,
  hint: { subject: string; date: Date | null; messageId: string | null },
  label: string,
): Promise<WriteCheck> {
  const name = `${label}: found by ${LOOKUP_NAMES[kind]}`;
  const path = `${userPath(mailbox)}/mailFolders/${segment(folder.id)}/messages${messageQuery({ filter: lookupFilter(kind, fingerprint, hint), top: 100 })}`;
  try {
    const raw = await collectAll<GraphMessage>(http, mailbox, path);
    const requestId = http.lastRequestId;
    const found = raw.map(toDestinationMessage).some((m) => m.id === id && matches(m, kind, fingerprint, hint));
    return found
      ? { name, ok: true, detail: 'yes, as the import looks after an ambiguous failure' }
      : {
          name,
          ok: false,
          detail: `${reportThis(`${raw.length} message(s) without this one`, `the message just created, for the $filter on ${LOOKUP_NAMES[kind]}`, requestId)}; after a timeout the import could create it twice`,
          ...(requestId ? { requestId } : {}),
        };
  } catch (error) {
    return { name, ok: false, detail: reportThis(answered(error), `an answer to the $filter on ${LOOKUP_NAMES[kind]}`, requestIdOf(error)), requestId: requestIdOf(error) };
  }
}

/** Rounds of exactly `inFlight` reads at once: a mailbox that answers 429 MailboxConcurrency at that level shows it here. */
async function probeConcurrency(http: TimedRequester, mailbox: string, folder: ScratchFolder, input: WriteTestInput): Promise<WriteCheck> {
  const before = input.throttled();
  const path = `${userPath(mailbox)}/mailFolders/${segment(folder.id)}/messages${queryString({ $select: 'id', $top: 10 })}`;
  for (let round = 0; round < 3; round += 1) {
    await Promise.all(Array.from({ length: input.inFlight }, () => http.request(mailbox, { method: 'GET', path })));
  }
  const throttled = input.throttled() - before;
  const name = `concurrency: ${input.inFlight} requests in flight`;
  if (throttled === 0) return { name, ok: true, detail: 'no 429 in 3 rounds', throttled };
  const lower = Math.max(1, input.inFlight - 1);
  return {
    name,
    ok: false,
    detail:
      `Graph answered ${throttled} time(s) 429 MailboxConcurrency with ${input.inFlight} requests in flight: import with --in-flight ${lower} ` +
      '(the import also lowers it by itself for a mailbox that does this, and says so in its summary)',
    throttled,
  };
}

function latencyCheck(http: TimedRequester, inFlight: number): WriteCheck {
  const ok = http.calls.filter((c) => c.ok);
  const all = median(ok.map((c) => c.ms));
  const creates = median(ok.filter((c) => c.kind === 'create').map((c) => c.ms));
  const reads = median(ok.filter((c) => c.kind === 'read').map((c) => c.ms));
  const createSeconds = Math.max(creates, 1) / 1000;
  const perSecond = inFlight / createSeconds;
  const detail =
    `median ${Math.round(all)} ms over ${ok.length} calls (creates ${Math.round(creates)} ms, reads ${Math.round(reads)} ms): ` +
    `with ${inFlight} requests in flight this tenant allows at most about ${perSecond.toFixed(1)} message creates a second ` +
    `(${inFlight} / ${createSeconds.toFixed(3)} s, ${Math.round(perSecond * 3600).toLocaleString('en-US')} an hour) per mailbox, ` +
    'and no more than 150 MB uploaded per 5 minutes (0.5 MB/s) per mailbox, whichever binds first';
  return { name: 'latency', ok: true, detail, medianMs: Math.round(all), createMedianMs: Math.round(creates), readMedianMs: Math.round(reads), calls: ok.length, createsPerSecondCeiling: Number(perSecond.toFixed(2)) };
}
