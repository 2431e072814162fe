/**
 * Reading export zips from S3. Load it with a dynamic import: the AWS SDK costs start-up time that a run
 * on local files need not pay.
 */
export type { S3Settings } from './s3-settings.js';
export { configureS3 } from './s3-settings.js';
export type { ExpandedZips } from './s3-check.js';
export { checkS3Bucket, checkS3Zip, expandAndCheckS3Zips } from './s3-check.js';
export { isS3Glob, listS3Glob } from './s3-list.js';
export type { S3Object } from './s3-object.js';
export { S3AccessError, forgetS3Heads, headS3Object, s3ObjectExists, s3Traffic } from './s3-object.js';
