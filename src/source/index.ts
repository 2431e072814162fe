/** The source stage: export zips in, named and sniffed entries out. */
export type { EntryKind, EntryLocation, EntryRead, ExportLog, SourceEntry } from './types.js';
export type { ScanItem, ScanOptions } from './scan.js';
export { scanExport, startReadPool } from './scan.js';
export type { ReadPool } from './read-pool.js';
export type { ExportReader } from './export-reader.js';
export { openExport } from './export-reader.js';
export type { ObservedTotals } from './export-log.js';
export { ExportLogTally, checkExportLog, parseExportLog } from './export-log.js';
export { NamedFolders, countNamedFolders } from './named-folders.js';
export { sniffContent } from './sniff.js';
export { decodeModifiedUtf7 } from './modified-utf7.js';
export { exportIdentity, sameExports } from './export-identity.js';
export type { ZipIdentity } from './zip-identity.js';
export { zipIdentity } from './zip-identity.js';
export { canonicalZipLocation, isS3Uri, parseS3Uri } from './zip-location.js';
export { readCentralDirectoryBytes } from './central-directory.js';
export { SourceUnavailableError } from './source-unavailable.js';
